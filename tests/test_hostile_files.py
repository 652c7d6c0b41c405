"""Issue 11 rows 6, 7, 10, 11, 14 and 16: the Marac's records against read-only folders, devices,
pipes, symbolic links, typos in an output path, a ledger of thousands of entries and a full disk.
Every command answers with a message and leaves the records exactly as they were."""

from __future__ import annotations

import errno
import io
import os
import shutil
import zipfile

import pytest
import yaml

from generator.register import store
from hostile_helpers import (answered, copy_example, digest, issued_westmere, run, sign_args, tree,  # noqa: F401
                             westmere)

PROBATION = "The Probation Service, Westshire Probation Delivery Unit"


# Row 6: a folder marac may not write in.
def _refuse_locks(monkeypatch):
    real_open = os.open

    def guarded(path, flags, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(store.os, "open", guarded)


def test_sign_in_a_folder_it_cannot_write_says_so(westmere, monkeypatch):
    before = tree(westmere)
    _refuse_locks(monkeypatch)
    answered(run(*sign_args(westmere)), 1, "signatures.yaml.lock: cannot be written (Permission denied)",
             "nothing was changed")
    assert tree(westmere) == before


def test_issue_in_a_folder_it_cannot_write_says_so(tmp_path, monkeypatch):
    folder = copy_example(tmp_path / "westmere")
    monkeypatch.setattr("generator.cli.register._issued_pdf", lambda document: b"%PDF-stand-in")
    _refuse_locks(monkeypatch)
    answered(run("issue", folder, "--doc", "mop", "--version", "1.2"), 1,
             "editions.yaml.lock: cannot be written (Permission denied)")
    assert not any((folder / "editions").glob("*.txt"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder anyway")
def test_a_read_only_marac_folder_is_refused_clearly(westmere):
    os.chmod(westmere, 0o555)
    try:
        answered(run(*sign_args(westmere)), 1, "cannot be written")
    finally:
        os.chmod(westmere, 0o755)


# Row 7: only regular files are read, and never more than the limit.
def test_import_refuses_a_device_at_once(westmere):
    answered(run("signatures", "import", westmere, "/dev/zero"), 1, "is not an ordinary file")


def test_import_refuses_a_fifo_without_waiting_for_a_writer(westmere, tmp_path):
    fifo = tmp_path / "signed.pdf"
    os.mkfifo(fifo)
    answered(run("signatures", "import", westmere, fifo), 1, "is not an ordinary file")


@pytest.mark.parametrize("name,phrase", [("signatures.yaml", "signatures.yaml is a symbolic link (to /dev/zero)"),
                                         ("marac.yaml", "marac.yaml: is not an ordinary file")])
def test_a_record_that_is_a_link_to_a_device_is_refused(westmere, name, phrase):
    path = westmere / name
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")
    answered(run("status", westmere), 1, phrase)


def test_a_ledger_over_the_limit_is_refused_while_reading(westmere, monkeypatch):
    monkeypatch.setattr(store, "MAX_REGISTER_BYTES", 1000)
    (westmere / "signatures.yaml").write_bytes(b"signatures: []\n" + b"# padding\n" * 500)
    answered(run("status", westmere), 1, "is larger than 1,000 bytes")


# Rows 10 and 14: no command writes over a record, or over a file it did not make unless --force.
def test_reviews_ics_never_writes_over_the_ledger(westmere):
    answered(run(*sign_args(westmere)), 0)
    ledger = westmere / "signatures.yaml"
    before = digest(ledger)
    for extra in ([], ["--force"]):
        result = run("reviews", westmere, "--ics", ledger, "--today", "2026-11-26", *extra)
        answered(result, 1, "signatures.yaml: is one of the Marac's records", "nothing was written")
        assert result.stdout == ""  # refused before anything was listed
    assert digest(ledger) == before
    answered(run("status", westmere), 0)


@pytest.mark.parametrize("target", ["marac.yaml", "editions/editions.yaml", "editions/mop-1.2.txt",
                                    "editions/new.ics"])
def test_reviews_ics_never_writes_over_settings_or_editions(westmere, target):
    before = tree(westmere)
    answered(run("reviews", westmere, "--ics", westmere / target, "--force"), 1, "is one of the Marac's records")
    assert tree(westmere) == before


def test_reviews_ics_through_a_link_to_the_ledger_is_refused(westmere, tmp_path):
    answered(run(*sign_args(westmere)), 0)
    link = tmp_path / "calendar.ics"
    link.symlink_to(westmere / "signatures.yaml")
    before = digest(westmere / "signatures.yaml")
    answered(run("reviews", westmere, "--ics", link, "--force"), 1, "is one of the Marac's records")
    assert digest(westmere / "signatures.yaml") == before


def test_reviews_ics_replaces_its_own_calendar_but_not_another_file(westmere, tmp_path):
    calendar = tmp_path / "reviews.ics"
    answered(run("reviews", westmere, "--ics", calendar, "--today", "2026-11-26"), 0)
    answered(run("reviews", westmere, "--ics", calendar, "--today", "2026-11-27"), 0)  # its own: replaced
    notes = tmp_path / "notes.ics"
    notes.write_text("my own notes\n")
    answered(run("reviews", westmere, "--ics", notes), 1, "already exists and was not written by marac",
             "--force")
    assert notes.read_text() == "my own notes\n"
    answered(run("reviews", westmere, "--ics", notes, "--force"), 0)
    assert notes.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_status_record_never_writes_into_editions(westmere):
    before = tree(westmere)
    answered(run("status", westmere, "--record", westmere / "editions", "--force"), 1,
             "is one of the Marac's records")
    assert tree(westmere) == before


def test_status_record_does_not_replace_a_file_it_did_not_write(westmere, tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    mine = records / "westmere-operating-protocol-signature-record.pdf"
    mine.write_bytes(b"%PDF-1.4 a signed paper scan\n%%EOF\n")
    answered(run("status", westmere, "--record", records), 1, "already exists and was not written by marac")
    assert mine.read_bytes() == b"%PDF-1.4 a signed paper scan\n%%EOF\n"


def test_build_does_not_replace_a_document_edited_in_word(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    out = tmp_path / "out"
    answered(run("build", folder, "-o", out, "--format", "docx", "--doc", "annex"), 0)
    target = out / "westmere" / "westmere-immigration-status-annex.docx"
    answered(run("build", folder, "-o", out, "--format", "docx", "--doc", "annex"), 0)  # its own: replaced
    _save_as_word(target)
    edited = target.read_bytes()
    answered(run("build", folder, "-o", out, "--format", "docx", "--doc", "annex"), 1,
             "already exists and was not written by marac", "--force")
    assert target.read_bytes() == edited
    answered(run("build", folder, "-o", out, "--format", "docx", "--doc", "annex", "--force"), 0)
    assert target.read_bytes() != edited


def _save_as_word(path) -> None:
    """Rewrite a DOCX as Word does when it saves: Word's name as the application."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as source:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as copy:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "docProps/app.xml":
                    data = data.replace(b"<Application>marac</Application>",
                                        b"<Application>Microsoft Office Word</Application>")
                copy.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def test_sign_refuses_a_ledger_that_is_a_symlink_and_keeps_both(westmere, tmp_path):
    answered(run(*sign_args(westmere)), 0)
    elsewhere = tmp_path / "shared-ledger.yaml"
    shutil.move(westmere / "signatures.yaml", elsewhere)
    (westmere / "signatures.yaml").symlink_to(elsewhere)
    before = digest(elsewhere)
    result = run(*sign_args(westmere, agency=PROBATION, name="Megan Trevithick"))
    answered(result, 1, "signatures.yaml is a symbolic link", "changed nothing", "cp --remove-destination")
    assert (westmere / "signatures.yaml").is_symlink() and digest(elsewhere) == before
    answered(run("status", westmere), 1, "is a symbolic link")


# Row 11: a ledger the tool wrote is always one it can read.
def _ledger_with(folder, count: int) -> None:
    ledger = yaml.safe_load((folder / "signatures.yaml").read_text())["signatures"]
    entry = ledger[0]
    entries = []
    for index in range(count):
        entries.append({**entry, "agency": f"Archived Agency {index}", "version": "1.0",
                        "fingerprint": f"{index:064x}"})
    store.write_entries(folder / "signatures.yaml", "# ledger", "signatures", entries + ledger)


def test_a_ledger_of_thousands_of_entries_is_still_signed_and_read(westmere):
    answered(run(*sign_args(westmere)), 0)
    _ledger_with(westmere, 3000)
    assert (westmere / "signatures.yaml").stat().st_size > 1_000_000  # the old read limit
    answered(run(*sign_args(westmere, agency=PROBATION, name="Megan Trevithick")), 0)
    answered(run("status", westmere), 0, "Megan Trevithick")


def test_sign_refuses_before_the_ledger_would_outgrow_what_can_be_read(westmere, monkeypatch):
    answered(run(*sign_args(westmere)), 0)
    # The limit is for every register file; the ledger is the one that grows here.
    size = max(p.stat().st_size for p in [westmere / "signatures.yaml", *(westmere / "editions").glob("*.yaml")])
    monkeypatch.setattr(store, "MAX_REGISTER_BYTES", size + 50)
    before = digest(westmere / "signatures.yaml")
    answered(run(*sign_args(westmere, agency=PROBATION, name="Megan Trevithick")), 1,
             "the most marac reads back, so nothing was changed")
    assert digest(westmere / "signatures.yaml") == before
    answered(run("status", westmere), 0)


# Row 16: issue writes all its files or none.
@pytest.mark.parametrize("failing", ["index", "pdf"])
def test_issue_on_a_full_disk_leaves_no_orphan(tmp_path, monkeypatch, failing):
    folder = copy_example(tmp_path / "westmere")
    monkeypatch.setattr("generator.cli.register._issued_pdf", lambda document: b"%PDF-stand-in")
    from generator.register import editions

    real = editions.write_atomic

    def full_disk(path, data):
        if failing == "pdf" and path.suffix == ".pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    def full_disk_index(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(editions, "write_atomic", full_disk)
    if failing == "index":
        monkeypatch.setattr(store, "write_atomic", full_disk_index)
    answered(run("issue", folder, "--doc", "isa", "--version", "1.0"), 1, "No space left on device")
    left = sorted(p.name for p in (folder / "editions").iterdir()) if (folder / "editions").exists() else []
    assert [name for name in left if not name.endswith(".lock")] == []


def test_import_refuses_a_trust_file_that_is_a_device(westmere, tmp_path):
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7\n%%EOF\n")
    answered(run("signatures", "import", westmere, signed, "--trust", "/dev/zero"), 1,
             "--trust /dev/zero: is not an ordinary file")


@pytest.mark.parametrize("evidence", ["/dev/zero", "fifo"])
def test_sign_refuses_evidence_that_is_a_device_or_a_pipe(westmere, tmp_path, evidence):
    if evidence == "fifo":
        evidence = tmp_path / "scan.pdf"
        os.mkfifo(evidence)
    answered(run(*sign_args(westmere), "--evidence", evidence), 1, "does not exist or is not a file")
    assert not (westmere / "signatures.yaml").exists()
