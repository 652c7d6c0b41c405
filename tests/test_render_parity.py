"""DOCX and PDF carry the same text and the same layout.

Text: running headers and footers are left out of both: in the PDF by reading only the page
body (inside the @page margins), in the DOCX by reading only the document body. The contents
lists are left out too (the DOCX's is a TOC field that Word and LibreOffice fill in with their
own page numbers). List markers are drawn by each format in its own way and are not text. The
DOCX's section and paragraph numbers are Word's (a multilevel list, not text), so they are
counted here as Word counts them; the DRAFT watermark (diagonal type behind the text) is skipped.

Layout: the DOCX is converted to PDF by LibreOffice once per session (skipped, saying why, where
soffice is not installed); its page count must be within one page of the PDF's, and its
numbers must come in the same order.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

MM = 72 / 25.4
BODY_TOP_MARGIN = 24 * MM  # templates/print.css @page margin
BODY_BOTTOM_MARGIN = 22 * MM
CASES = [(slug, stem) for slug in ("northbridge", "westmere")
         for stem in ("operating-protocol", "information-sharing-agreement", "immigration-status-annex")]


def _run_text(element) -> str:
    parts = []
    for node in element.iter():
        name = node.tag.rsplit("}", 1)[-1]
        if name == "t":
            parts.append(node.text or "")
        elif name in ("tab", "br"):
            parts.append(" ")
    return "".join(parts)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """Return the body text of a DOCX: paragraphs and table cells, in document order, each
    paragraph Word numbers through the outline list preceded by its number ("1.2 ")."""
    document = docx.Document(str(path))
    heading = document.styles["Heading 1"].element.pPr
    outline = heading.numPr.numId.val if heading is not None and heading.numPr is not None else None
    counters = [0, 0]
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            num_id = block.find(f"{W}pPr/{W}numPr/{W}numId")
            prefix = ""
            if num_id is not None and outline is not None and int(num_id.get(f"{W}val")) == outline:
                level = int(block.find(f"{W}pPr/{W}numPr/{W}ilvl").get(f"{W}val"))
                counters[level] += 1
                counters[level + 1:] = [0] * (len(counters) - level - 1)
                prefix = ".".join(str(n) for n in counters[:level + 1]) + " "
            lines.append(prefix + _run_text(block))
        elif tag == "tbl":
            lines.extend(_run_text(cell) for cell in block.iter() if cell.tag.endswith("}tc"))
    return "\n".join(lines)


def pdf_body_text(path: Path) -> str:
    """Return the text inside each page's body box, leaving out the running header and footer.

    Characters are read one by one with their boxes, so that a gap between two table cells
    on one line becomes a space (pdfium's own text join glues neighbouring cells together).
    """
    pdf = pdfium.PdfDocument(str(path))
    out = []
    for page in pdf:
        _, height = page.get_size()
        text_page = page.get_textpage()
        previous_right = None
        for index in range(text_page.count_chars()):
            char = text_page.get_text_range(index, 1)
            if abs(pdfium.raw.FPDFText_GetCharAngle(text_page.raw, index)) > 0.01:
                continue  # the DRAFT watermark, the only text set at an angle
            left, bottom, right, top = text_page.get_charbox(index)
            if char in "\r\n":
                out.append("\n")
                previous_right = None
                continue
            if top > height - BODY_TOP_MARGIN or bottom < BODY_BOTTOM_MARGIN:
                continue
            if previous_right is not None and left - previous_right > 4:
                out.append(" ")
            out.append("-" if char in "\x02\ufffe" else char)  # pdfium's marks for a hyphen at a line end
            previous_right = right
        out.append("\n")
    return "".join(out)


def without_contents_list(text: str) -> str:
    kept, in_contents = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "Contents":
            in_contents = True
            continue
        # A contents line ends with its page number (the dots before it are a background image).
        if in_contents and (not stripped or re.search(r"\s\d{1,3}$", stripped)):
            continue
        in_contents = False
        kept.append(line)
    return "\n".join(kept)


SIGNATURE_HEADER = "Agency Signatory Role Signature Date"


def without_repeated_table_headers(text: str, headers: frozenset[str] = frozenset({SIGNATURE_HEADER})) -> str:
    """Drop a table's header (the signature table's, a schedule's) where the PDF repeats it on a
    following page."""
    lines, seen = [], set()
    for line in text.splitlines():
        key = " ".join(line.split())
        if key in headers:
            if key in seen:
                continue
            seen.add(key)
        lines.append(line)
    return "\n".join(lines)


def table_headers(slug: str, stem: str) -> frozenset[str]:
    """Return the header line of every table of one example document (the schedules' long tables
    run over pages, and the PDF repeats their headers)."""
    from generator.document.assemble import assemble
    from generator.document.model import Table
    from generator.library.clauses import load_library
    from generator.settings.loader import load_settings

    library = load_library()
    kind = next(k for k, outline in library.documents.items() if outline.file_stem == stem)
    loaded = load_settings(Path(__file__).resolve().parent.parent / "local_configs" / slug / "marac.yaml")
    document = assemble(loaded, library, kind)
    return frozenset({SIGNATURE_HEADER} | {" ".join(" ".join(b.header).split())
                                           for b in document.all_blocks if isinstance(b, Table)})


def signed_text(text: str) -> str:
    """Return the text before the schedules (numbered paragraphs are in the signed text only); the
    last "Schedule 1" is the heading, an earlier one the PDF's contents list."""
    return text.rsplit("\nSchedule 1: ", 1)[0]


def tokens(text: str) -> collections.Counter:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"^\s*(?:[•◦▪‣–]|\d+\.(?=\s)|[a-z]\.(?=\s))\s*", "", text, flags=re.M)  # list markers
    return collections.Counter(re.findall(r"\w+|[^\w\s]", text))


@pytest.mark.parametrize("slug,stem", CASES)
def test_docx_and_pdf_carry_the_same_text(built_examples, slug, stem):
    base = built_examples / slug / f"{slug}-{stem}"
    in_docx = tokens(docx_text(base.with_suffix(".docx")))
    in_pdf = tokens(without_repeated_table_headers(without_contents_list(pdf_body_text(base.with_suffix(".pdf"))),
                                                   table_headers(slug, stem)))
    only_docx = in_docx - in_pdf
    only_pdf = in_pdf - in_docx
    assert not only_docx and not only_pdf, (
        f"only in DOCX: {dict(only_docx.most_common(15))}; only in PDF: {dict(only_pdf.most_common(15))}")
    assert sum(in_docx.values()) > 500


@pytest.mark.parametrize("slug,stem", CASES[:3])
def test_numbered_paragraphs_come_in_the_same_order(built_examples, slug, stem):
    base = built_examples / slug / f"{slug}-{stem}"
    pattern = re.compile(r"^[ \t]*(\d+\.\d+)[ \t]", flags=re.M)
    from_docx = pattern.findall(signed_text(docx_text(base.with_suffix(".docx"))))
    from_pdf = pattern.findall(signed_text(pdf_body_text(base.with_suffix(".pdf"))))
    assert from_docx == from_pdf and len(from_docx) > 20


@pytest.fixture(scope="session")
def libreoffice_pdfs(built_examples, tmp_path_factory) -> Path:
    """Convert every built DOCX to PDF with LibreOffice, once; return the folder of PDFs."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/system-deps.sh "
                    "(package libreoffice-writer-nogui) to compare the DOCX layout with the PDF")
    out = tmp_path_factory.mktemp("libreoffice")
    profile = tmp_path_factory.mktemp("lo-profile")  # its own profile: never clash with a running soffice
    sources = [str(built_examples / slug / f"{slug}-{stem}.docx") for slug, stem in CASES]
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *sources], check=True, capture_output=True, timeout=600)
    return out


@pytest.mark.parametrize("slug,stem", CASES)
def test_docx_lays_out_like_the_pdf(built_examples, libreoffice_pdfs, slug, stem):
    ours = pdfium.PdfDocument(str(built_examples / slug / f"{slug}-{stem}.pdf"))
    theirs = pdfium.PdfDocument(str(libreoffice_pdfs / f"{slug}-{stem}.pdf"))
    assert abs(len(ours) - len(theirs)) <= 1, f"PDF {len(ours)} pages, DOCX in LibreOffice {len(theirs)}"


@pytest.mark.parametrize("slug,stem", CASES)
def test_word_numbers_read_the_same_in_libreoffice(built_examples, libreoffice_pdfs, slug, stem):
    pattern = re.compile(r"^[ \t]*(\d+(?:\.\d+)?)[ \t]+\S", flags=re.M)
    ours = pattern.findall(pdf_body_text(built_examples / slug / f"{slug}-{stem}.pdf"))
    theirs = pattern.findall(pdf_body_text(libreoffice_pdfs / f"{slug}-{stem}.pdf"))
    assert [n for n in theirs if "." in n] == [n for n in ours if "." in n] and len(ours) > 10
