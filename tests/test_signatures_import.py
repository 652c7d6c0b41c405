"""`marac signatures import`: a partner signs its field with pyHanko, the coordinator imports the file.

Westmere's ISA is issued once per session (its PDF archived by `marac issue`) and signed by
throwaway certificates; each test imports into its own copy of that Marac folder. Every
refusal exits 1, says why, and records nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner
from pyhanko.sign import fields, signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.cli import main
from generator.policy.gate import load_one_clean
from generator.register.ledger import load_ledger
from generator.render import pdf

import partner_signing as partner
from signed_copies import HOUSING, POLICE, POLICE_FIELD, copy_marac, issue_isa
from test_editions import days_ago, set_version  # tests/ is on sys.path (no package)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
UNTRUSTED = "integrity verified; signer identity not verified against a trust list"
# pki, issued and signed are session fixtures in conftest.py (built by signed_copies), shared with
# test_hostile_signed.py so the ISA is rendered once per session.


@pytest.fixture
def marac(issued, tmp_path) -> Path:
    """This test's own copy of the issued Marac (editions and archived PDF included)."""
    return Path(shutil.copytree(issued[0], tmp_path / "westmere"))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_import(folder: Path, *files: Path, trust: Path | None = None):
    args = ["signatures", "import", str(folder), *map(str, files)] + (["--trust", str(trust)] if trust else [])
    return CliRunner().invoke(main, args)


def refused(result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    assert "refused:" in result.stderr and "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


def test_a_signed_copy_is_recorded_as_a_digital_signature(marac, signed, tmp_path):
    path = write(tmp_path, "isa-police.pdf", signed["police"])
    result = run_import(marac, path)
    assert result.exit_code == 0, result.output
    assert f"recorded: {POLICE}, signed by Andrew Polglase" in result.stdout and UNTRUSTED in result.stdout
    [entry] = load_ledger(marac)
    [edition] = yaml.safe_load((marac / "editions" / "editions.yaml").read_text(encoding="utf-8"))["editions"]
    assert (entry.agency, entry.method, entry.name) == (POLICE, "digital", "Andrew Polglase")
    assert entry.role == "Detective Chief Inspector, Public Protection"  # the named signatory: role from marac.yaml
    assert entry.certificate_subject == "CN=Andrew Polglase,O=Westshire Police,C=GB"
    assert entry.evidence_sha256 == hashlib.sha256(signed["police"]).hexdigest()
    assert entry.fingerprint == edition["fingerprint"] and entry.version == "1.0"
    assert entry.date == dt.datetime.now(ZoneInfo("Europe/London")).date()
    status = CliRunner().invoke(main, ["status", str(marac)])
    assert f"{POLICE}: Andrew Polglase, Detective Chief Inspector, Public Protection" in status.stdout
    assert "(digital)" in status.stdout and "1 of 8 partner agencies have signed" in status.stdout


def test_two_agencies_sign_one_after_the_other(marac, signed, tmp_path):
    first, second = write(tmp_path, "police.pdf", signed["police"]), write(tmp_path, "both.pdf", signed["both"])
    result = run_import(marac, first, second)
    assert result.exit_code == 0, result.output
    assert f"already recorded: {POLICE}" in result.stdout
    police, housing = load_ledger(marac)
    assert (police.agency, housing.agency) == (POLICE, HOUSING)
    assert (housing.name, housing.role) == ("Sam Deputy", "Deputy Housing Manager")  # from the certificate
    assert housing.evidence_sha256 == hashlib.sha256(signed["both"]).hexdigest()
    assert "not by the signatory named in marac.yaml" in result.stdout


def test_the_second_signers_copy_alone_records_both(marac, signed, tmp_path):
    result = run_import(marac, write(tmp_path, "both.pdf", signed["both"]))
    assert result.exit_code == 0, result.output
    assert [s.agency for s in load_ledger(marac)] == [POLICE, HOUSING]


def test_a_byte_flipped_in_the_issued_part_is_refused(marac, issued, signed, tmp_path):
    data = partner.flip_byte(signed["police"], len(issued[1]) // 2)
    refused(run_import(marac, write(tmp_path, "flipped.pdf", data)), "changed since it was issued", "tampered")
    assert load_ledger(marac) == []


def test_a_byte_flipped_in_the_signed_revision_is_refused(marac, signed, tmp_path):
    data = partner.flip_byte(signed["police"], partner.signing_time_offset(signed["police"]))
    refused(run_import(marac, write(tmp_path, "flipped.pdf", data)),
            f"field {POLICE_FIELD} does not match the bytes it signed", "tampered")
    assert load_ledger(marac) == []


def test_page_content_added_after_signing_is_refused(marac, signed, tmp_path):
    data = partner.add_page_content(signed["police"])
    refused(run_import(marac, write(tmp_path, "edited.pdf", data)),
            "page content, comments or the document's structure were changed", "tampered")
    assert load_ledger(marac) == []


def test_page_content_added_before_signing_is_refused(marac, issued, pki, tmp_path):
    data = partner.sign_field(partner.add_page_content(issued[1]), POLICE_FIELD, pki["police"])
    refused(run_import(marac, write(tmp_path, "edited.pdf", data)), "changed since it was issued beyond signing")
    assert load_ledger(marac) == []


def test_a_comment_added_after_signing_is_refused(marac, signed, tmp_path):
    data = partner.add_comment(signed["police"])
    refused(run_import(marac, write(tmp_path, "comment.pdf", data)), "changed since it was issued beyond signing",
            "comments", "tampered")


def test_a_signature_that_does_not_cover_the_document_is_refused(marac, issued, pki, tmp_path):
    data = partner.sign_leaving_a_gap(issued[1], POLICE_FIELD, pki["police"])
    refused(run_import(marac, write(tmp_path, "gap.pdf", data)), "does not cover the whole document")
    assert load_ledger(marac) == []


def test_a_pdf_of_another_marac_is_refused(marac, pki, tmp_path):
    other = copy_marac(REPO / "local_configs" / "westmere", tmp_path / "eastmere", slug="eastmere")
    data = partner.sign_field(issue_isa(other, days_ago(1)), POLICE_FIELD, pki["police"])
    refused(run_import(marac, write(tmp_path, "eastmere.pdf", data)), "another Marac ('eastmere')")


def test_an_older_edition_is_refused_naming_it(marac, signed, tmp_path):
    set_version(marac, "isa", "1.1", area="Westmere and Riverside")
    assert CliRunner().invoke(main, ["issue", str(marac), "--doc", "isa", "--version", "1.1"]).exit_code == 0
    result = run_import(marac, write(tmp_path, "old.pdf", signed["police"]))
    refused(result, "edition 1.0 of the Information Sharing Agreement", "must sign edition 1.1", "isa-1.1.pdf")
    assert load_ledger(marac) == []


def test_a_field_already_recorded_is_refused(marac, signed, tmp_path):
    path = write(tmp_path, "police.pdf", signed["police"])
    assert run_import(marac, path).exit_code == 0
    before = (marac / "signatures.yaml").read_bytes()
    refused(run_import(marac, path), "recorded already", POLICE)
    assert (marac / "signatures.yaml").read_bytes() == before


def test_a_signature_recorded_on_paper_first_is_refused(marac, signed, tmp_path):
    paper = CliRunner().invoke(main, ["sign", str(marac), "--doc", "isa", "--agency", POLICE, "--name", "A Polglase",
                                      "--role", "DCI", "--date", days_ago(1)])
    assert paper.exit_code == 0, paper.output
    refused(run_import(marac, write(tmp_path, "police.pdf", signed["police"])), "has already signed")
    assert [s.method for s in load_ledger(marac)] == ["wet-ink"]


def test_a_pdf_with_no_signatures_is_refused(marac, issued, tmp_path):
    refused(run_import(marac, write(tmp_path, "unsigned.pdf", issued[1])), "no signatures")


def test_a_signature_in_a_field_of_its_own_is_refused(marac, issued, pki, tmp_path):
    writer = IncrementalPdfFileWriter(io.BytesIO(issued[1]))
    spec = fields.SigFieldSpec("Signature1", on_page=0, box=(50, 50, 200, 90))
    data = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature1"),
                            signer=pki["police"], new_field_spec=spec).getvalue()
    refused(run_import(marac, write(tmp_path, "own-field.pdf", data)), "Signature1", "not a current partner's")
    assert load_ledger(marac) == []


def test_trust_with_the_right_root_verifies_the_signer(marac, signed, pki, tmp_path):
    roots = write(tmp_path, "roots.pem", pki["ca"].pem())
    result = run_import(marac, write(tmp_path, "police.pdf", signed["police"]), trust=roots)
    assert result.exit_code == 0, result.output
    assert f"signer identity verified against {roots}" in result.stdout and UNTRUSTED not in result.stdout


def test_trust_with_an_unrelated_root_is_refused(marac, signed, pki, tmp_path):
    roots = write(tmp_path, "roots.pem", pki["other_ca"].pem())
    result = run_import(marac, write(tmp_path, "police.pdf", signed["police"]), trust=roots)
    refused(result, "does not chain to a root in", "roots.pem")
    assert load_ledger(marac) == []


def test_a_trust_file_without_certificates_is_refused(marac, signed, tmp_path):
    roots = write(tmp_path, "roots.pem", b"not a certificate\n")
    result = run_import(marac, write(tmp_path, "police.pdf", signed["police"]), trust=roots)
    assert result.exit_code == 1 and "--trust" in result.stderr and "Traceback" not in result.output


def test_a_timestamped_signature_is_accepted(marac, issued, pki, tmp_path):
    data = partner.sign_field(issued[1], POLICE_FIELD, pki["police"], timestamper=partner.timestamper(pki["ca"]))
    result = run_import(marac, write(tmp_path, "stamped.pdf", data))
    assert result.exit_code == 0, result.output
    assert [s.agency for s in load_ledger(marac)] == [POLICE]


def test_a_certificate_expired_when_signing_is_refused(marac, issued, pki, tmp_path):
    expired = partner.issue_cert(pki["ca"], "Andrew Polglase", POLICE, valid_days=(-400, -10))
    data = partner.sign_field(issued[1], POLICE_FIELD, partner.pdf_signer(expired, pki["ca"]))
    refused(run_import(marac, write(tmp_path, "expired.pdf", data)), "with a certificate valid only from")


def test_each_file_is_judged_alone_and_any_refusal_exits_1(marac, signed, tmp_path):
    good = write(tmp_path, "police.pdf", signed["police"])
    bad = write(tmp_path, "junk.pdf", b"%PDF-1.7\nnot really\n")
    missing = tmp_path / "missing.pdf"
    result = run_import(marac, bad, missing, good)
    refused(result, "junk.pdf: refused: not a readable PDF", "missing.pdf: refused: does not exist")
    assert f"recorded: {POLICE}" in result.stdout
    assert [s.agency for s in load_ledger(marac)] == [POLICE]


def test_a_pdf_of_no_issued_edition_or_without_its_archive_is_refused(marac, signed, tmp_path):
    path = write(tmp_path, "police.pdf", signed["police"])
    (marac / "editions" / "isa-1.0.pdf").unlink()
    refused(run_import(marac, path), "has no archived PDF", "marac issue")
    shutil.rmtree(marac / "editions")
    refused(run_import(marac, path), "not from Westmere Marac's issued editions")


def test_issue_archives_the_pdf_that_build_writes(issued):
    folder, data = issued
    from generator.register.drafts import register_view

    loaded = load_one_clean(str(folder))
    document = register_view(loaded, assemble(loaded, load_library(), "isa"), record=False)  # as build does
    assert data == pdf.render(document)


def test_issuing_again_archives_the_pdf_of_an_edition_issued_without_one(issued, tmp_path):
    from generator.register.editions import issue_edition

    folder = copy_marac(REPO / "local_configs" / "westmere", tmp_path / "westmere")
    day = dt.date.fromisoformat(days_ago(3))  # the day the session's edition was issued: it is printed
    outcome = issue_edition(load_one_clean(str(folder)), load_library(), "isa", "1.0", day)  # no PDF writer given
    assert outcome.created and outcome.pdf is None and not (folder / "editions" / "isa-1.0.pdf").exists()
    result = CliRunner().invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0"])
    assert result.exit_code == 0 and "archived its PDF" in result.stdout, result.output
    assert (folder / "editions" / "isa-1.0.pdf").read_bytes() == issued[1]
