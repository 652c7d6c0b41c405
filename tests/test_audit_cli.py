"""`marac audit` on the command line: report formats, the annex of missing clauses, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pikepdf
import pytest

from generator.cli import main
from test_audit import CONFLICTING, NO_IMMIGRATION, PARAPHRASED, write_protocol

REPO = Path(__file__).resolve().parents[1]
WESTMERE = str(REPO / "local_configs" / "westmere")


@pytest.fixture
def paraphrased(tmp_path) -> Path:
    return write_protocol(tmp_path / "eastshire.docx", "Eastshire MARAC Operating Protocol", PARAPHRASED)


def test_json_has_the_stable_shape(runner, tmp_path):
    path = write_protocol(tmp_path / "westshire.docx", "Westshire MARAC Operating Protocol", CONFLICTING)
    result = runner.invoke(main, ["audit", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"file", "document", "requirements", "sections", "conflicts"} <= set(data)
    assert data["file"] == str(path) and data["document"] == "mop"
    for item in data["requirements"] + data["sections"]:
        assert {"id", "status", "evidence", "clauses"} <= set(item)
        assert item["status"] in ("found", "partial", "not found", "conflict")
        assert all(set(e) == {"quote", "where"} for e in item["evidence"])
    assert [r["id"] for r in data["requirements"]] == sorted(r["id"] for r in data["requirements"])
    assert data["conflicts"] and all(set(c) == {"id", "quote", "where", "why"} for c in data["conflicts"])
    listed = {cid for item in data["requirements"] + data["sections"] for cid in item["clauses"]}
    assert listed == {c["id"] for c in data["add"]}
    assert all(c["title"] and c["text"] for c in data["add"])
    assert "complies" not in result.stdout.lower()
    # The guess is printed, to stderr so the JSON stays clean.
    assert "guessed from the title" in result.stderr


def test_table_says_what_it_found_conflicts_first(runner, tmp_path):
    path = write_protocol(tmp_path / "westshire.docx", "Westshire MARAC Operating Protocol", CONFLICTING)
    result = runner.invoke(main, ["audit", str(path), "--doc", "mop"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("CONFLICTS") < out.index("Requirements:\n")
    assert "competent authorities as per Schedule 7 of the DPA 2018" in out
    assert "Audited as: Operating Protocol (mop)." in out
    assert "G02              conflict" in out
    assert "add: immigration.enforcement-excluded" in out
    assert "complies" not in out.lower().replace("not a judgement that the protocol meets", "")


def test_html_report_escapes_the_quoted_text(runner, tmp_path):
    path = write_protocol(tmp_path / "odd.docx", "Oddshire MARAC Operating Protocol",
                          CONFLICTING + [("Notes", ["<script>alert(1)</script> is not a clause we want."])])
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["audit", str(path), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Conflicts with the guidance" in html and "Schedule 7 of the DPA 2018" in html
    assert "<script>alert" not in html


def test_docx_writes_a_report_and_an_annex_of_just_the_missing_clauses(runner, tmp_path, paraphrased):
    out = tmp_path / "out" / "eastshire-audit.docx"
    result = runner.invoke(main, ["audit", str(paraphrased), "--format", "docx", "-o", str(out), "--config", WESTMERE])
    assert result.exit_code == 0, result.output
    annex = out.with_name("eastshire-audit-additions.docx")
    assert f"wrote {out}" in result.stdout and f"wrote {annex}" in result.stdout
    report = docx.Document(str(out))
    report_text = "\n".join(p.text for p in report.paragraphs)
    assert "Requirements of the guidance" in report_text
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert any(c.startswith("G15:") for c in cells) and "not found" in cells
    word = docx.Document(str(annex))
    headings = [p for p in word.paragraphs if p.style.name.startswith("Heading")]
    # The paraphrase lacks only the guidance's own equality statement: the annex holds that clause.
    assert [p.text for p in headings] == ["Equality", "Equality statement"]
    # Its section is numbered by Word's own outline list, as in a generated protocol.
    outline = word.styles["Heading 1"].element.pPr.numPr.numId.val
    assert headings[0]._p.pPr.numPr.numId.val == outline != 0
    text = "\n".join(p.text for p in word.paragraphs)
    assert "commitment to equality principles enshrined in the law" in text
    assert "Westmere" in text and "{{" not in text and "{%" not in text


def test_annex_for_a_protocol_without_immigration_text_is_filled_in(runner, tmp_path):
    path = write_protocol(tmp_path / "southshire.docx", "Southshire MARAC Operating Protocol", NO_IMMIGRATION)
    out = tmp_path / "southshire-audit.docx"
    result = runner.invoke(main, ["audit", str(path), "--format", "docx", "-o", str(out), "--config", WESTMERE])
    assert result.exit_code == 0, result.output
    word = docx.Document(str(out.with_name("southshire-audit-additions.docx")))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert "Immigration Enforcement takes no part in the Marac" in headings
    assert "Marac information is not used for immigration enforcement" in headings
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Westmere Marac" in text and "{{" not in text


def test_the_report_never_overwrites_the_audited_file(runner, paraphrased):
    before = paraphrased.read_bytes()
    for fmt in ("json", "docx"):
        result = runner.invoke(main, ["audit", str(paraphrased), "--format", fmt, "-o", str(paraphrased),
                                      "--config", WESTMERE])
        assert result.exit_code == 1 and "choose another -o" in result.stderr
    assert paraphrased.read_bytes() == before


def test_a_zip_that_would_unpack_too_far_is_refused(runner, tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "")
        with archive.open("filler.bin", "w", force_zip64=True) as stream:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(1025):
                stream.write(chunk)
    assert path.stat().st_size < 5 * 1024 * 1024
    _refused(runner, path, tmp_path, "would unpack to")


def test_docx_needs_a_config_and_an_output(runner, paraphrased, tmp_path):
    result = runner.invoke(main, ["audit", str(paraphrased), "--format", "docx", "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 1 and "--config" in result.stderr
    result = runner.invoke(main, ["audit", str(paraphrased), "--format", "html"])
    assert result.exit_code == 1 and "-o" in result.stderr
    assert list(tmp_path.glob("a*")) == []


def _refused(runner, path: Path, tmp_path: Path, *words: str) -> str:
    out = tmp_path / "report.json"
    result = runner.invoke(main, ["audit", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.stderr, result.stderr
    assert str(path) in result.stderr
    assert not out.exists() and list(tmp_path.glob(".report*")) == []
    return result.stderr


def test_a_file_that_is_not_a_document_is_refused(runner, tmp_path):
    path = tmp_path / "protocol.docx"
    path.write_text("This is a plain text file with a .docx name.\n", encoding="utf-8")
    _refused(runner, path, tmp_path, "is not a Word")
    archive = tmp_path / "photos.docx"
    shutil.make_archive(str(tmp_path / "photos"), "zip", root_dir=tmp_path, base_dir="protocol.docx")
    (tmp_path / "photos.zip").rename(archive)
    _refused(runner, archive, tmp_path, "not a Word or OpenDocument text document")


def test_an_encrypted_pdf_is_refused(runner, tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    _refused(runner, path, tmp_path, "password-protected")


def test_a_password_protected_word_file_is_refused(runner, tmp_path):
    # Word stores a password-protected .docx as an OLE compound file holding these two streams.
    path = tmp_path / "locked.docx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"))
    _refused(runner, path, tmp_path, "password-protected")


def test_a_file_over_50_mb_is_refused_before_it_is_read(runner, tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as stream:
        stream.write(b"%PDF-1.7\n")
        stream.truncate(50 * 1024 * 1024 + 1)  # sparse: no 50 MB written to the disk
    import generator.audit.reader as reader

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened before its size was checked")

    monkeypatch.setattr(reader, "open", no_reading, raising=False)
    _refused(runner, path, tmp_path, "50 MB")


def test_a_scan_without_text_is_refused(runner, tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path)
    _refused(runner, path, tmp_path, "no readable text", "OCR")


def test_only_regular_files_are_read(runner, tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)  # opening it would block: the audit must refuse it from its stat alone
    _refused(runner, fifo, tmp_path, "not a regular file")
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    _refused(runner, folder, tmp_path, "not a regular file")
    _refused(runner, tmp_path / "missing.docx", tmp_path, "no such file")


def test_odt_without_libreoffice_names_the_package(runner, tmp_path, monkeypatch, paraphrased):
    import generator.audit.convert as convert

    odt = tmp_path / "protocol.odt"
    with __import__("zipfile").ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    _refused(runner, odt, tmp_path, "libreoffice-writer-nogui")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("ext", ["odt", "doc"])
def test_odt_and_doc_are_read_through_libreoffice(runner, tmp_path, paraphrased, ext):
    profile = (tmp_path / "lo-profile").as_uri()
    target = "doc:MS Word 97" if ext == "doc" else ext
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(tmp_path), str(paraphrased)], check=True, capture_output=True, timeout=180)
    converted = tmp_path / f"eastshire.{ext}"
    result = runner.invoke(main, ["audit", str(converted), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["file"] == str(converted) and data["document"] == "mop"
    statuses = {r["id"]: r["status"] for r in data["requirements"]}
    assert statuses["G02"] == statuses["G12"] == "found"
