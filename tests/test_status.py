"""`marac status`: the stable JSON shape, in force, stale signatures after a revision, partners
added or removed, the current text differing from the issued edition, and the signature record PDF."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.library.clauses import load_library
from generator.cli import main
from generator.settings.loader import load_settings
from generator.dates import add_months
from generator.register.status import marac_status
from generator.signing.record import record_document
from test_editions import days_ago, edit_settings, issue, set_version

DOCUMENT_KEYS = ["document", "version", "fingerprint", "issued", "in_force", "signed", "unsigned", "stale",
                 "review_due", "current_text_matches", "schedules"]


def partners(folder):
    return [p.name for p in load_settings(folder / "marac.yaml").settings.partners]


def sign(runner, folder, agency, date, doc="mop"):
    result = runner.invoke(main, ["sign", str(folder), "--doc", doc, "--agency", agency, "--name",
                                  f"Signer of {agency}", "--role", "Director", "--date", date, "--method", "email"])
    assert result.exit_code == 0, result.output


def status_json(runner, folder) -> dict:
    result = runner.invoke(main, ["status", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def doc_of(data: dict, kind: str) -> dict:
    return next(d for d in data["documents"] if d["document"] == kind)


def test_json_shape_before_anything_is_issued(runner, marac_copy):
    folder = marac_copy("westmere")
    data = status_json(runner, folder)
    assert list(data) == ["marac", "documents"] and data["marac"] == "Westmere Marac"
    assert [d["document"] for d in data["documents"]] == ["mop", "isa", "annex"]  # annex: documents.annex is set
    settings = load_settings(folder / "marac.yaml").settings
    for doc, dates in (("mop", settings.documents.operating_protocol),
                       ("isa", settings.documents.information_sharing_agreement),
                       ("annex", settings.documents.annex)):
        entry = doc_of(data, doc)
        assert list(entry) == DOCUMENT_KEYS
        assert entry["version"] is None and entry["fingerprint"] is None and entry["issued"] is None
        assert entry["in_force"] is False and entry["signed"] == [] and entry["stale"] == []
        assert entry["unsigned"] == partners(folder)
        assert entry["review_due"] == add_months(dates.last_reviewed, dates.review_interval_months).isoformat()
        assert entry["current_text_matches"] is None


def test_table_says_not_issued_and_how_to_issue(runner, marac_copy):
    folder = marac_copy("westmere")
    result = runner.invoke(main, ["status", str(folder)])
    assert result.exit_code == 0, result.output
    assert "not issued" in result.stdout and f"marac issue {folder}" in result.stdout.replace("\n", "")
    assert "--doc isa --version" in result.stdout and "Review due:" in result.stdout


def test_json_shape_with_signatures_and_in_force_when_every_partner_signed(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    names = partners(folder)
    for agency in reversed(names[1:]):
        sign(runner, folder, agency, days_ago(3))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["version"] and len(entry["fingerprint"]) == 64 and entry["issued"] == days_ago(10)
    assert entry["in_force"] is False and entry["unsigned"] == [names[0]]
    assert [s["agency"] for s in entry["signed"]] == names[1:]  # partner order, not the order signed
    assert list(entry["signed"][0]) == ["agency", "name", "role", "date", "method"]
    assert entry["signed"][0] == {"agency": names[1], "name": f"Signer of {names[1]}", "role": "Director",
                                  "date": days_ago(3), "method": "email"}
    assert entry["current_text_matches"] is True
    sign(runner, folder, names[0], days_ago(0))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["in_force"] is True and entry["unsigned"] == [] and entry["stale"] == []
    table = runner.invoke(main, ["status", str(folder)]).stdout
    assert f"IN FORCE: all {len(names)} partner agencies have signed" in table


def test_signatures_of_an_older_edition_are_stale_after_a_revision(runner, marac_copy):
    folder = marac_copy("westmere")
    names = partners(folder)
    assert issue(runner, folder, "mop", date=days_ago(20)).exit_code == 0
    for agency in names[:3]:
        sign(runner, folder, agency, days_ago(15))
    old_version = doc_of(status_json(runner, folder), "mop")["version"]
    set_version(folder, "mop", "9.0", area="Westmere and Riverside")
    assert issue(runner, folder, "mop", date=days_ago(5)).exit_code == 0
    sign(runner, folder, names[1], days_ago(1))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["version"] == "9.0" and entry["in_force"] is False
    assert [s["agency"] for s in entry["signed"]] == [names[1]]
    assert entry["stale"] == [names[0], names[2]]
    assert entry["unsigned"] == names[3:]
    # every partner is in exactly one of signed, stale, unsigned
    assert sorted([s["agency"] for s in entry["signed"]] + entry["stale"] + entry["unsigned"]) == sorted(names)
    table = runner.invoke(main, ["status", str(folder)]).stdout
    assert "older edition only" in table and f"signed edition {old_version}" in table


def test_a_partner_added_after_issue_is_unsigned_and_a_removed_one_no_longer_counts(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    names = partners(folder)
    for agency in names:
        sign(runner, folder, agency, days_ago(2))
    assert doc_of(status_json(runner, folder), "mop")["in_force"] is True
    edit_settings(folder, lambda d: d["partners"].append(
        {"name": "Westmere Women's Aid", "type": "specialist-service", "signatory": {"name": "N M", "role": "CEO"}}))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["unsigned"] == ["Westmere Women's Aid"] and entry["in_force"] is False
    # The chair's agency must be a partner (check refuses it otherwise), so the chair moves with it.
    edit_settings(folder, lambda d: (d.update(partners=[p for p in d["partners"]
                                                        if p["name"] not in ("Westmere Women's Aid", names[0])]),
                                     d["marac"]["chair"].update(agency=names[1])))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["in_force"] is True and names[0] not in [s["agency"] for s in entry["signed"]]
    assert entry["unsigned"] == [] and entry["stale"] == []


def test_the_current_text_differing_from_the_issued_edition_is_reported(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    edition = doc_of(status_json(runner, folder), "mop")
    edit_settings(folder, lambda d: d["marac"].update(area="Westmere and Riverside"))
    entry = doc_of(status_json(runner, folder), "mop")
    assert entry["current_text_matches"] is False
    assert entry["fingerprint"] == edition["fingerprint"]  # the issued edition never changes
    table = " ".join(runner.invoke(main, ["status", str(folder)]).stdout.split())
    assert f"The current text differs from issued edition {edition['version']}" in table
    assert "Partners signed the issued text" in table and "--doc mop --version" in table


def test_recording_signatures_never_changes_the_edition(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    archive = {p.name: p.read_bytes() for p in (folder / "editions").iterdir()}
    sign(runner, folder, partners(folder)[0], days_ago(1))
    assert {p.name: p.read_bytes() for p in (folder / "editions").iterdir()} == archive
    assert doc_of(status_json(runner, folder), "mop")["current_text_matches"] is True


def test_signature_record_model_names_the_edition_and_every_partner(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    names = partners(folder)
    sign(runner, folder, names[0], days_ago(2))
    status = marac_status(load_settings(folder / "marac.yaml"), load_library())
    mop = status.documents[0]
    document = record_document(status, mop, dt.date(2026, 11, 26))
    assert document.meta.fingerprint == mop.edition.fingerprint and document.meta.version == mop.edition.version
    edition_table, partner_table = [b for b in document.blocks if type(b).__name__ == "Table"][:2]
    assert ("Edition fingerprint (SHA-256)", mop.edition.fingerprint) in edition_table.rows
    assert partner_table.rows[0][:3] == (names[0], f"Signer of {names[0]}", "Director")
    assert partner_table.rows[0][4] == "email"
    assert [row[0] for row in partner_table.rows] == names
    assert all(row[1] == "not signed" for row in partner_table.rows[1:])


def test_record_writes_a_pdf_per_issued_document(runner, marac_copy, tmp_path):
    pytest.importorskip("generator.render.pdf", reason="the PDF writer (generator/render/pdf.py) is not there yet")
    pypdf = pytest.importorskip("pypdf")
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    names = partners(folder)
    sign(runner, folder, names[0], days_ago(2))
    out = tmp_path / "records"
    result = runner.invoke(main, ["status", str(folder), "--format", "json", "--record", str(out)])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the JSON stays clean: messages about files go to stderr
    assert "isa: not issued" in result.stderr
    path = out / "westmere-operating-protocol-signature-record.pdf"
    assert sorted(p.name for p in out.iterdir()) == [path.name]
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages).split())
    mop = doc_of(json.loads(result.stdout), "mop")
    for expected in (mop["version"], mop["fingerprint"], "Not in force", f"Signer of {names[0]}", "email",
                     "not signed", names[-1]):
        assert expected in text, expected


def test_the_remembered_current_text_agrees_with_assembling_it_and_follows_every_edit(runner, marac_copy,
                                                                                     tmp_path, monkeypatch):
    from generator.register import current_text as memo

    monkeypatch.setenv("MARAC_CACHE_DIR", str(tmp_path / "cache"))
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0

    def both() -> tuple[dict, dict]:
        remembered = status_json(runner, folder)
        monkeypatch.setenv("MARAC_CACHE_DIR", "off")
        assembled = status_json(runner, folder)
        monkeypatch.setenv("MARAC_CACHE_DIR", str(tmp_path / "cache"))
        return remembered, assembled

    first = status_json(runner, folder)  # fills the memo
    assert list((tmp_path / "cache").rglob("current-text-1/*.json"))
    remembered, assembled = both()
    assert remembered == assembled == first
    assert doc_of(remembered, "mop")["current_text_matches"] is True
    # A change to the settings, to the clause library or to the tool's code is a new key.
    edit_settings(folder, lambda d: d["marac"].update(area="Westmere and Riverside"))
    remembered, assembled = both()
    assert remembered == assembled
    assert doc_of(remembered, "mop")["current_text_matches"] is False
    loaded, library = load_settings(folder / "marac.yaml"), load_library()
    key = memo.text_key(loaded, library, "mop")
    monkeypatch.setattr(memo, "tool_digest", lambda: "another release")
    assert memo.text_key(loaded, library, "mop") != key
    monkeypatch.undo()
    other = with_first_clause_changed(library)
    assert memo.text_key(loaded, other, "mop") != key
    assert memo.text_key(loaded, library, "isa") != key


def with_first_clause_changed(library):
    import dataclasses

    first = library.clauses[0]
    changed = first.model_copy(update={"text": first.text + " Changed."})
    return dataclasses.replace(library, clauses=(changed, *library.clauses[1:]))


@pytest.mark.parametrize("damage", ["{not json", "{}", '{"fingerprint": "x", "schedules": []}',
                                    '{"fingerprint": "' + "a" * 64 + '", "schedules": {"contacts": "b"}}',
                                    "a link to a device"])
def test_a_damaged_remembered_text_is_assembled_again(runner, marac_copy, tmp_path, monkeypatch, damage):
    monkeypatch.setenv("MARAC_CACHE_DIR", str(tmp_path / "cache"))
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    good = status_json(runner, folder)
    for entry in (tmp_path / "cache").rglob("current-text-1/*.json"):
        if damage == "a link to a device":
            entry.unlink()
            entry.symlink_to("/dev/zero")  # would never end if it were read
        else:
            entry.write_text(damage, encoding="utf-8")
    assert status_json(runner, folder) == good
    assert status_json(runner, folder) == good  # from the replaced entries


def test_a_status_whose_text_and_files_are_remembered_imports_no_template_engine_and_no_yaml(marac_copy, runner, tmp_path):
    import os
    import subprocess
    import sys

    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    program = ("import sys\nfrom generator.cli import main\n"
               f"try:\n    main(['status', {str(folder)!r}], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
               "print([m for m in ('jinja2', 'markdown_it', 'yaml') if m in sys.modules], file=sys.stderr)\n")
    env = {**os.environ, "MARAC_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True)
            for _ in range(2)]
    assert runs[0].stderr.strip().endswith("['jinja2', 'markdown_it', 'yaml']")
    assert runs[1].stderr.strip().endswith("[]")
    assert runs[0].stdout == runs[1].stdout


def test_a_register_edited_into_a_broken_entry_is_refused_though_its_last_parse_is_cached(
        runner, marac_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("MARAC_CACHE_DIR", str(tmp_path / "cache"))
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    assert runner.invoke(main, ["status", str(folder)]).exit_code == 0  # editions.yaml's parse is cached now
    index = folder / "editions" / "editions.yaml"
    text = index.read_text(encoding="utf-8")
    assert "fingerprint:" in text
    index.write_text(text.replace("fingerprint:", "fingerprnt:", 1), encoding="utf-8")
    for _ in range(2):  # and the broken file's parse is never stored
        result = runner.invoke(main, ["status", str(folder)])
        assert result.exit_code == 1
        assert "fingerprnt" in result.output and "did you mean 'fingerprint'?" in result.output
        assert "Traceback" not in result.output
