"""Schedules: contact details live outside the signed text; changing them never makes a signature stale,
and each schedule carries the date it last changed. Adding a partner is a new edition."""

from __future__ import annotations

import json

import pytest
import yaml

from generator.cli import main
from generator.document.assemble import assemble
from generator.document.fingerprint import canonical_text
from generator.document.schedules import schedule_sections
from generator.library.clauses import load_library
from generator.settings.loader import load_settings
from test_editions import days_ago, edit_settings, issue, set_version

EARLIER = "2026-01-05"


def status_json(runner, folder) -> dict:
    result = runner.invoke(main, ["status", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def doc_of(data: dict, kind: str) -> dict:
    return next(d for d in data["documents"] if d["document"] == kind)


def sign_all(runner, folder, doc="mop"):
    for partner in load_settings(folder / "marac.yaml").settings.partners:
        result = runner.invoke(main, ["sign", str(folder), "--doc", doc, "--agency", partner.name, "--name",
                                      partner.signatory.name, "--role", partner.signatory.role,
                                      "--date", days_ago(1)])
        assert result.exit_code == 0, result.output


def backdate_schedules(folder) -> None:
    """Pretend the schedules were first seen on an earlier day (the record is dated by the register)."""
    path = folder / "editions" / "schedules.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["schedules"]:
        entry["revised"] = EARLIER
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def contact_values(settings) -> set[str]:
    """Every phone, email, venue, meeting day and person's name in the settings that changes often."""
    values = {settings.marac.meeting.venue, settings.marac.meeting.day or "", settings.marac.chair.name,
              settings.marac.coordinator.name, settings.marac.coordinator.email or "",
              settings.marac.coordinator.phone or ""}
    for partner in settings.partners:
        values |= {partner.signatory.name, partner.signatory.role, partner.signatory.email or "",
                   partner.signatory.phone or ""}
        for person in (partner.representative, partner.deputy):
            if person:
                values |= {person.name, person.email or "", person.phone or ""}
    for service in settings.specialist_pathways.services:
        values |= {service.phone or "", service.email or "", service.url or ""}
    if settings.marac.idva_service:
        values |= {settings.marac.idva_service.phone or "", settings.marac.idva_service.email or ""}
    if settings.governance.contact:
        values |= {settings.governance.contact.email}
    if settings.records.data_protection_contact:
        values |= {settings.records.data_protection_contact.email}
    return {v for v in values if v}


@pytest.mark.parametrize("name", ["westmere", "northbridge"])
@pytest.mark.parametrize("kind", ["mop", "isa", "annex"])
def test_no_contact_detail_is_in_the_signed_text(examples, name, kind):
    loaded = load_settings(examples / name / "marac.yaml")
    document = assemble(loaded, load_library(), kind)
    signed = canonical_text(document)
    # The champions are named in the training clause; a champion who is also a signatory is not a leak.
    champions = {c.name for c in loaded.settings.immigration.champions}
    leaked = sorted(v for v in contact_values(loaded.settings) - champions if v in signed)
    assert leaked == []
    printed = "\n".join(str(b) for b in document.schedules)
    assert loaded.settings.partners[0].signatory.name in printed
    assert "signatories" in dict(schedule_sections(document))


def test_a_signatory_phone_change_leaves_every_signature_current_and_dates_the_schedule(runner, marac_copy,
                                                                                          tmp_path):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    sign_all(runner, folder)
    backdate_schedules(folder)
    before = doc_of(status_json(runner, folder), "mop")
    assert before["in_force"] is True
    assert {s["schedule"]: s["revised"] for s in before["schedules"]}["signatories"] == EARLIER

    edit_settings(folder, lambda d: d["partners"][0]["signatory"].update(phone="01632 960 799"))
    after = doc_of(status_json(runner, folder), "mop")
    assert after["in_force"] is True and after["current_text_matches"] is True
    assert after["stale"] == [] and after["unsigned"] == []
    revised = {s["schedule"]: s["revised"] for s in after["schedules"]}
    assert revised["signatories"] == days_ago(0)  # the schedule that changed
    assert revised["contacts"] == EARLIER  # the ones that did not keep their date

    table = runner.invoke(main, ["status", str(folder)]).stdout
    assert "IN FORCE" in table and "Signatories: revised" in table
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "--format", "html", "--doc", "mop", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "DRAFT" not in result.stderr
    html = (out / "westmere" / "westmere-operating-protocol.html").read_text(encoding="utf-8")
    assert "01632 960 799" in html and "Schedule 2: Signatories" in html


def test_adding_a_partner_is_a_new_edition_and_makes_signatures_stale(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    sign_all(runner, folder)
    edit_settings(folder, lambda d: d["partners"].append(
        {"name": "Westmere Women's Refuge", "type": "specialist-service",
         "signatory": {"name": "Nia Morgan", "role": "Chief Executive"}}))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["current_text_matches"] is False and entry["unsigned"] == ["Westmere Women's Refuge"]
    set_version(folder, "mop", "1.3")
    assert issue(runner, folder, "mop", date=days_ago(1)).exit_code == 0
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["version"] == "1.3" and entry["in_force"] is False
    assert len(entry["stale"]) == len(load_settings(folder / "marac.yaml").settings.partners) - 1
    assert entry["unsigned"] == ["Westmere Women's Refuge"]


def test_representatives_and_deputies_are_printed_in_their_schedule(examples):
    loaded = load_settings(examples / "westmere" / "marac.yaml")
    document = assemble(loaded, load_library(), "isa")
    blocks = dict(schedule_sections(document))["representatives"]
    table = next(b for b in blocks if hasattr(b, "rows"))
    police = table.rows[0]
    assert police[0] == "Westshire Police" and "DS Kerry Nancarrow" in police[1] and "DC Ben Rowe" in police[2]
    assert "not yet named" in table.rows[1][1]


def test_building_a_marac_with_nothing_issued_writes_nothing_into_its_folder(runner, marac_copy, tmp_path):
    folder = marac_copy("westmere")
    before = sorted(p.name for p in folder.iterdir())
    result = runner.invoke(main, ["build", str(folder), "--format", "html", "--doc", "isa", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["status", str(folder)]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == before  # the register starts with the first edition
    html = (tmp_path / "o" / "westmere" / "westmere-information-sharing-agreement.html").read_text("utf-8")
    assert "Schedule 1: Contacts, meetings and venue" in html and "Revised " not in html
