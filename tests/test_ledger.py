"""`marac sign` and the ledger API: every refusal exits 1, the ledger stays valid YAML and is never lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import yaml

from generator.cli import main
from generator.settings.loader import load_settings
from generator.errors import RegisterError
from generator.register.editions import load_editions
from generator.register.ledger import load_ledger, record_signature
from test_editions import days_ago, edit_settings, issue, set_version

POLICE = "Westshire Police"
HOUSING = "Westmere District Council, Housing Services"
KEYS = ["document", "version", "fingerprint", "agency", "name", "role", "date", "method", "evidence_file",
        "evidence_sha256", "certificate_subject", "configured_signatory", "recorded_at"]


@pytest.fixture
def issued(runner, marac_copy):
    """A copy of Westmere whose MOP was issued ten days ago."""
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(10)).exit_code == 0
    return folder


def sign(runner, folder, agency=POLICE, date=None, *extra, doc="mop"):
    return runner.invoke(main, ["sign", str(folder), "--doc", doc, "--agency", agency, "--name", "Aoife Brennan",
                                "--role", "Chief Superintendent", "--date", date or days_ago(2), *extra])


def entries(folder):
    return yaml.safe_load((folder / "signatures.yaml").read_text(encoding="utf-8"))["signatures"]


def test_sign_records_one_readable_entry(runner, issued):
    result = sign(runner, issued, "  westshire   POLICE ")
    assert result.exit_code == 0, result.output
    text = (issued / "signatures.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Signatures ledger of Westmere Marac")
    [entry] = entries(issued)
    assert list(entry) == KEYS
    [edition] = load_editions(issued)
    assert entry["agency"] == POLICE  # the partner's name as marac.yaml spells it
    assert entry["fingerprint"] == edition.fingerprint and entry["version"] == edition.version
    assert entry["date"] == days_ago(2) and entry["method"] == "wet-ink"
    assert entry["evidence_file"] is None and entry["certificate_subject"] is None
    assert dt.datetime.fromisoformat(entry["recorded_at"]).utcoffset() == dt.timedelta(0)


def test_entries_accumulate_and_unicode_stays_readable(runner, issued):
    assert sign(runner, issued).exit_code == 0
    result = runner.invoke(main, ["sign", str(issued), "--doc", "mop", "--agency", HOUSING, "--name",
                                  "Siobhán Ní Bhriain", "--role", "Head of Housing", "--date", days_ago(1),
                                  "--method", "email"])
    assert result.exit_code == 0, result.output
    assert [e["agency"] for e in entries(issued)] == [POLICE, HOUSING]
    assert "Siobhán Ní Bhriain" in (issued / "signatures.yaml").read_text(encoding="utf-8")
    assert [s.method for s in load_ledger(issued)] == ["wet-ink", "email"]


def test_an_agency_that_is_not_a_partner_is_refused_with_the_closest_name(runner, issued):
    result = sign(runner, issued, "Westmere Polise")
    assert result.exit_code == 1
    assert "not a partner agency" in result.stderr and f"Did you mean '{POLICE}'?" in result.stderr
    assert "marac status" in result.stderr and "Traceback" not in result.output
    assert not (issued / "signatures.yaml").exists()


def test_a_date_in_the_future_is_refused(runner, issued):
    result = sign(runner, issued, POLICE, days_ago(-1))
    assert result.exit_code == 1 and "in the future" in result.stderr
    assert not (issued / "signatures.yaml").exists()


def test_a_date_before_the_edition_was_issued_is_refused_naming_the_issue_date(runner, issued):
    result = sign(runner, issued, POLICE, days_ago(11))
    assert result.exit_code == 1
    assert "before" in result.stderr and days_ago(10) in result.stderr
    assert not (issued / "signatures.yaml").exists()


def test_a_document_with_no_issued_edition_is_refused(runner, issued):
    result = sign(runner, issued, doc="isa")
    assert result.exit_code == 1
    assert "no issued edition" in result.stderr and "marac issue" in result.stderr and "--doc isa" in result.stderr
    assert not (issued / "signatures.yaml").exists()


def test_a_second_signature_by_the_same_agency_for_the_same_edition_is_refused(runner, issued):
    assert sign(runner, issued).exit_code == 0
    before = (issued / "signatures.yaml").read_bytes()
    result = sign(runner, issued, POLICE.upper(), days_ago(1))
    assert result.exit_code == 1
    assert "already signed" in result.stderr and "line" in result.stderr
    assert (issued / "signatures.yaml").read_bytes() == before


def test_the_same_agency_signs_again_after_a_new_edition(runner, issued):
    assert sign(runner, issued).exit_code == 0
    set_version(issued, "mop", "9.0", area="Westmere and Riverside")
    assert issue(runner, issued, "mop", date=days_ago(1)).exit_code == 0
    result = sign(runner, issued, POLICE, days_ago(0))
    assert result.exit_code == 0, result.output
    assert [e["version"] for e in entries(issued)] == [load_editions(issued)[0].version, "9.0"]


def test_evidence_is_recorded_with_its_sha256(runner, issued, tmp_path):
    scan = issued / "evidence" / "police-signed.pdf"
    scan.parent.mkdir()
    scan.write_bytes(b"%PDF-1.7 signed page")
    outside = tmp_path / "email.eml"
    outside.write_bytes(b"From: housing")
    assert sign(runner, issued, POLICE, None, "--evidence", str(scan)).exit_code == 0
    assert sign(runner, issued, HOUSING, None, "--evidence", str(outside), "--method", "email").exit_code == 0
    inside, beyond = entries(issued)
    police_sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    housing_sha = hashlib.sha256(b"From: housing").hexdigest()
    # Kept beside the ledger under its SHA-256 name, recorded relative to the Marac folder.
    assert inside["evidence_file"] == f"evidence/{police_sha}.pdf" and inside["evidence_sha256"] == police_sha
    assert beyond["evidence_file"] == f"evidence/{housing_sha}.eml" and beyond["evidence_sha256"] == housing_sha
    outside.unlink()  # the original may go: the copy stays
    assert (issued / beyond["evidence_file"]).read_bytes() == b"From: housing"


def test_missing_evidence_is_refused(runner, issued, tmp_path):
    result = sign(runner, issued, POLICE, None, "--evidence", str(tmp_path / "nothere.pdf"))
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not (issued / "signatures.yaml").exists()


@pytest.mark.parametrize("damage, expected", [
    (lambda t: t.replace("  role: Chief Superintendent", "  role: [Chief"), r"signatures\.yaml:\d+: YAML syntax error"),
    (lambda t: t.replace(f"  date: '{days_ago(2)}'", "  date: '2026-02-30'"),
     r"signatures\.yaml:\d+: signatures\[1\]\.date: '2026-02-30' is not a real date"),
    (lambda t: t.replace("  role:", "  rol:"), r"signatures\.yaml:\d+: signatures\[1\]\.rol: .*did you mean 'role'"),
    (lambda t: "# only comments now\n", r"is empty"),
])
def test_a_damaged_ledger_is_reported_with_its_line_and_never_overwritten(runner, issued, damage, expected):
    assert sign(runner, issued).exit_code == 0
    path = issued / "signatures.yaml"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    broken = path.read_bytes()
    result = sign(runner, issued, HOUSING)
    assert result.exit_code == 1
    assert re.search(expected, result.stderr), result.stderr
    assert "changed nothing" in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == broken
    status = runner.invoke(main, ["status", str(issued)])
    assert status.exit_code == 1 and re.search(expected, status.stderr)


def test_record_signature_api_takes_a_folder_and_refuses_an_older_editions_fingerprint(runner, issued):
    first = load_editions(issued)[0]
    set_version(issued, "mop", "9.0", area="Westmere and Riverside")
    assert issue(runner, issued, "mop", date=days_ago(1)).exit_code == 0
    entry = {"document": "mop", "agency": POLICE, "name": "A B", "role": "C", "date": dt.date.today(),
             "method": "digital", "certificate_subject": "CN=A B, O=Westshire Police", "fingerprint": first.fingerprint}
    with pytest.raises(RegisterError, match="has been replaced by"):
        record_signature(issued, entry)
    with pytest.raises(RegisterError, match="no issued edition"):
        record_signature(issued, {**entry, "fingerprint": "0" * 64})
    with pytest.raises(RegisterError, match="no field colour"):
        record_signature(issued, {**entry, "colour": "blue"})
    current = load_editions(issued)[-1].fingerprint
    signature = record_signature(issued, {**entry, "fingerprint": current})
    assert signature.certificate_subject == "CN=A B, O=Westshire Police" and signature.version == "9.0"
    assert load_ledger(issued) == [signature]


def test_record_signature_refuses_an_empty_name_or_a_control_character(issued):
    loaded = load_settings(issued / "marac.yaml")
    entry = {"document": "mop", "agency": POLICE, "name": " ", "role": "C", "date": days_ago(1)}
    with pytest.raises(RegisterError, match="name: is empty"):
        record_signature(loaded, entry)
    with pytest.raises(RegisterError, match="role: contains a control"):
        record_signature(loaded, {**entry, "name": "A B", "role": "C\u202eD"})
    assert load_ledger(issued) == []


def test_a_partner_naming_immigration_enforcement_never_signs(runner, issued):
    edit_settings(issued, lambda d: d["partners"].append(
        {"name": "Border Force", "type": "other", "signatory": {"name": "X Y", "role": "Officer"}}))
    result = sign(runner, issued, "Border Force")
    assert result.exit_code == 1 and "[G03]" in result.stderr
    assert not (issued / "signatures.yaml").exists()


def test_sign_runs_the_same_gate_as_check(runner, issued):
    # Every command runs the gate before it acts (issue 10): fix marac.yaml, then record.
    edit_settings(issued, lambda d: d["documents"]["information_sharing_agreement"].update(review_interval_months=36))
    assert runner.invoke(main, ["check", str(issued)]).exit_code == 1
    result = sign(runner, issued)
    assert result.exit_code == 1 and "[G21]" in result.stderr and "nothing was recorded" in result.stderr
    assert not (issued / "signatures.yaml").exists()
