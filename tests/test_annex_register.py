"""The annex is a signed document like the others: issued, signed, tracked, reviewed, reminded."""

from __future__ import annotations

import datetime as dt
import json

from generator.cli import main
from generator.register.remind import compose_reminder
from generator.register.reviews import collect_reviews
from generator.register.status import outstanding_signatures
from generator.library.clauses import load_library
from generator.settings.loader import load_settings
from test_editions import days_ago, edit_settings
from test_schedules import sign_all, status_json


def with_annex(folder, version="1.0"):
    edit_settings(folder, lambda d: d["documents"].update(annex={
        "version": version, "adopted": days_ago(40), "last_reviewed": days_ago(40)}))
    return folder


def test_the_annex_is_issued_signed_by_all_and_in_force(runner, marac_copy):
    folder = with_annex(marac_copy("westmere"))
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0", "--date", days_ago(5),
                                  "--summary", "Annex adopted on its own", "--approved-by", "Steering group"])
    assert result.exit_code == 0, result.output
    assert (folder / "editions" / "annex-1.0.pdf").is_file() and (folder / "editions" / "annex-1.0.json").is_file()
    annex = next(d for d in status_json(runner, folder)["documents"] if d["document"] == "annex")
    assert annex["version"] == "1.0" and annex["in_force"] is False and len(annex["unsigned"]) == 8
    sign_all(runner, folder, doc="annex")
    data = status_json(runner, folder)
    assert [d["document"] for d in data["documents"]] == ["mop", "isa", "annex"]  # mop and isa keep their places
    annex = data["documents"][2]
    assert annex["in_force"] is True and annex["unsigned"] == [] and len(annex["signed"]) == 8
    table = runner.invoke(main, ["status", str(folder)]).stdout
    assert "Immigration Status Annex (annex)" in table and "IN FORCE: all 8 partner agencies" in table


def test_the_annex_has_its_review_row_and_its_reminder(marac_copy, runner):
    folder = with_annex(marac_copy("westmere"))
    report = collect_reviews([str(folder)], dt.date.today())
    rows = [r for r in report.rows if r.document == "annex"]
    assert len(rows) == 1 and rows[0].version == "1.0" and rows[0].title == "Immigration Status Annex"
    result = runner.invoke(main, ["reviews", str(folder), "--format", "csv"])
    assert result.exit_code in (0, 1) and ",annex,1.0," in result.stdout
    loaded = load_settings(folder / "marac.yaml")
    assert runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0"]).exit_code == 0
    outstanding = outstanding_signatures(loaded, load_library())
    assert len(outstanding["annex"]) == 8
    message = compose_reminder(report.maracs[0], report.today, report.window_days, outstanding=outstanding)
    assert "Immigration Status Annex:\n- Westshire Police" in message.get_body(("plain",)).get_content()


def test_an_annex_without_its_own_version_is_not_issued_or_signed(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d["documents"].pop("annex"))  # documents.annex is optional
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0"])
    assert result.exit_code == 1 and "documents.annex" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(main, ["sign", str(folder), "--doc", "annex", "--agency", "Westshire Police",
                                  "--name", "A B", "--role", "C", "--date", days_ago(0)])
    assert result.exit_code == 1 and "documents.annex" in result.stderr
    data = json.loads(runner.invoke(main, ["status", str(folder), "--format", "json"]).stdout)
    assert [d["document"] for d in data["documents"]] == ["mop", "isa"]  # the shape Maracs without it had


def test_the_annex_version_must_match_marac_yaml(runner, marac_copy):
    folder = with_annex(marac_copy("westmere"), "1.1")
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0"])
    assert result.exit_code == 1 and "documents.annex.version" in result.stderr


def test_a_digitally_signed_annex_is_imported(runner, marac_copy, tmp_path):
    import partner_signing as partner

    folder = with_annex(marac_copy("westmere"))
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0", "--date", days_ago(3)])
    assert result.exit_code == 0, result.output
    ca = partner.make_ca()
    police = partner.issue_cert(ca, "Andrew Polglase", "Westshire Police")
    signed = partner.sign_field((folder / "editions" / "annex-1.0.pdf").read_bytes(), "sig-westshire-police",
                                partner.pdf_signer(police, ca))
    path = tmp_path / "annex-signed.pdf"
    path.write_bytes(signed)
    result = runner.invoke(main, ["signatures", "import", str(folder), str(path)])
    assert result.exit_code == 0, result.output
    assert "ANNEX edition 1.0" in result.stdout and "recorded: Westshire Police" in result.stdout
    annex = status_json(runner, folder)["documents"][2]
    assert [s["agency"] for s in annex["signed"]] == ["Westshire Police"] and annex["signed"][0]["method"] == "digital"
