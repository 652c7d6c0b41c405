"""The title page (logo, Marac, title, version and edition, issued, owner, protective marking),
the DRAFT marking, cross-references and a Marac's own house style, read back from the DOCX
(python-docx) and the PDF (pypdf, pdfplumber, pikepdf).

Each PDF here is rendered once per session: a draft with a PNG logo, an issued edition with an
SVG logo (both the short annex).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pikepdf
import pypdf
import pytest
from docx.oxml.ns import qn

from generator.cli import main
from generator.document.assemble import assemble
from generator.errors import ClauseLibraryError
from generator.library.clauses import load_library
from generator.render import docx as docx_writer
from generator.render import html as html_writer
from generator.render import pdf as pdf_writer
from generator.settings.loader import load_settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"
TODAY = dt.date(2026, 11, 26)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SVG_LOGO = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            b'viewBox="0 0 300 100" width="300" height="100">'
            b'<defs><linearGradient id="g"><stop offset="0" stop-color="#1f3a5f"/></linearGradient>'
            b'<circle id="dot" cx="50" cy="50" r="40"/></defs>'
            b'<rect width="300" height="100" fill="url(#g)"/><use xlink:href="#dot" fill="#f2c14e"/></svg>')


def png_logo(width: int = 600, height: int = 200) -> bytes:
    """Return a small real PNG (a blue band with a yellow disc)."""
    from PIL import Image as PILImage, ImageDraw

    picture = PILImage.new("RGB", (width, height), "#1f3a5f")
    ImageDraw.Draw(picture).ellipse((20, 20, height - 20, height - 20), fill="#f2c14e")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def copy_marac(tmp: Path, name: str = "westmere") -> Path:
    folder = tmp / name
    shutil.copytree(EXAMPLES / name, folder, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    return folder


def as_edition(document, *, draft: bool, issued: str = ""):
    """Return the document as the editions helper hands it over: a draft, or issued on a date."""
    return dataclasses.replace(document, meta=dataclasses.replace(document.meta, draft=draft, issued=issued))


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, library):
    """{"draft"|"issued": (model, docx bytes, pdf bytes)}: the Westmere annex, a draft with a
    PNG logo beside marac.yaml, and an issued edition with an SVG logo named by marac.logo."""
    root = tmp_path_factory.mktemp("title")
    draft_folder = copy_marac(root / "draft")
    (draft_folder / "logo.png").write_bytes(png_logo())
    issued_folder = copy_marac(root / "issued")
    (issued_folder / "brand").mkdir()
    (issued_folder / "brand" / "mark.svg").write_bytes(SVG_LOGO)
    config = issued_folder / "marac.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  slug: westmere\n", "  slug: westmere\n  logo: brand/mark.svg\n", 1), encoding="utf-8")
    out = {}
    for key, folder, draft, issued in (("draft", draft_folder, True, ""), ("issued", issued_folder, False, "2025-04-02")):
        model = as_edition(assemble(load_settings(folder / "marac.yaml", TODAY), library, "annex"),
                           draft=draft, issued=issued)
        out[key] = (model, docx_writer.render(model), pdf_writer.render(model))
    return out


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def first_page_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return pdf.pages[0].extract_text()


# --- DOCX -----------------------------------------------------------------------------------

def test_docx_title_page_reads_as_the_marac_s_own(rendered):
    model, data, _ = rendered["draft"]
    paragraphs = docx_paragraphs(data)
    assert paragraphs[1:3] == ["Westmere Marac", model.meta.title]
    details = [p for p in paragraphs if "\t" in p][:4]
    assert details == [
        f"Version\t{model.meta.version} · Edition {model.meta.fingerprint[:12]}",
        "Issued\tnot issued",
        "Owner\tWestmere Marac Steering Group",
        "Protective marking\tOFFICIAL (this document). The case information it governs is OFFICIAL-SENSITIVE: "
        "handle it under each agency’s rules for that marking.",
    ]
    assert "DRAFT - not issued" in paragraphs
    _, issued, _ = rendered["issued"]
    assert "Issued\t2 April 2025" in docx_paragraphs(issued)
    assert "DRAFT - not issued" not in docx_paragraphs(issued)


def test_docx_logo_is_an_image_part_on_the_title_page_with_alt_text(rendered):
    _, data, _ = rendered["draft"]
    word = docx.Document(io.BytesIO(data))
    first = word.paragraphs[0]._p
    doc_pr = next(first.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    assert doc_pr.get("descr") == "Logo of Westmere Marac"
    extent = next(first.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
    width, height = int(extent.get("cx")), int(extent.get("cy"))
    assert abs(width / height - 3.0) < 0.01 and width <= 6 * 360000  # 600x200 px kept at 3:1, within 6 cm
    images = [rel.target_part for rel in word.part.rels.values() if rel.reltype.endswith("/image")]
    assert [part.content_type for part in images] == ["image/png"]
    assert images[0].blob == png_logo()


def test_docx_with_a_logo_is_still_byte_reproducible(rendered):
    model, data, _ = rendered["draft"]
    assert docx_writer.render(model) == data


def test_docx_svg_logo_is_stored_as_svg_for_word_and_libreoffice(rendered):
    _, data, _ = rendered["issued"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read("word/media/logo.svg") == SVG_LOGO
        document = package.read("word/document.xml").decode()
        assert "svgBlip" in document and 'image/svg+xml' in package.read("[Content_Types].xml").decode()


def test_docx_draft_has_a_watermark_and_an_issued_edition_none(rendered):
    for key, expected in (("draft", True), ("issued", False)):
        _, data, _ = rendered[key]
        header = docx.Document(io.BytesIO(data)).sections[0].header._element
        paths = [e for e in header.iter() if e.tag.endswith("}textpath") and e.get("string")]
        assert bool(paths) is expected
        if expected:
            assert paths[0].get("string") == "DRAFT - not issued"


# --- PDF ------------------------------------------------------------------------------------

def test_pdf_title_page_says_the_same(rendered):
    model, _, data = rendered["draft"]
    text = first_page_text(data)
    for expected in ("Westmere Marac", model.meta.title, f"Version {model.meta.version} · Edition {model.meta.fingerprint[:12]}",
                     "Issued not issued", "Owner Westmere Marac Steering Group", "OFFICIAL-SENSITIVE",
                     "DRAFT - not issued"):
        assert expected in text, expected
    issued_text = first_page_text(rendered["issued"][2])
    assert "Issued 2 April 2025" in issued_text and "DRAFT" not in issued_text


def test_pdf_header_carries_the_protective_marking(rendered):
    _, _, data = rendered["issued"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            top = page.crop((0, 0, page.width, 24 * 72 / 25.4)).extract_text()
            assert "OFFICIAL" in top


def test_pdf_draft_watermark_on_every_page_and_none_when_issued(rendered):
    for key, expected in (("draft", True), ("issued", False)):
        _, _, data = rendered[key]
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                # pdfplumber's size includes the rotation's scale: body type is at most 26 pt.
                big = "".join(c["text"] for c in page.chars if c["size"] > 30)
                assert (big == "DRAFT-notissued") is expected  # pdfplumber gives no spaces


def test_pdf_logo_is_an_image_with_alt_text_in_the_tagged_structure(rendered):
    for key in ("draft", "issued"):
        _, _, data = rendered[key]
        reader = pypdf.PdfReader(io.BytesIO(data))
        if key == "draft":
            assert len(reader.pages[0].images) == 1  # the PNG, as an image XObject
        else:
            assert "/XObject" in reader.pages[0]["/Resources"]  # the SVG, drawn as a form
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert str(pdf.Root.Lang) == "en-GB" and pdf.Root.MarkInfo.Marked
            elements = list(_struct_elements(pdf.Root.StructTreeRoot))
            figures = [e for e in elements if e.get("/S") == "/Figure"]
            assert [str(f.Alt) for f in figures] == ["Logo of Westmere Marac"]
            # The watermark is a page background, an artifact: no structure element holds it.
            assert elements[0].get("/S") != "/Div"
            assert "pdfuaid" in pdf.open_metadata().__str__() or pdf.Root.Metadata is not None


def _struct_elements(node):
    stack = [node.K]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary):
            yield item
            if "/K" in item:
                stack.append(item.K)


# --- cross-references -----------------------------------------------------------------------

def test_a_clause_refers_to_a_section_by_its_number_in_both_formats(tmp_path, library):
    folder = copy_marac(tmp_path)
    config = folder / "marac.yaml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "clauses:\n  add:\n    - id: local.see_immigration\n      title: Where to look\n"
        "      section: governance\n      applies_to: [mop]\n"
        "      text: For immigration status, see section [n](#s-immigration).\n"), encoding="utf-8")
    model = assemble(load_settings(config, TODAY), library, "mop")
    number = next(b.number for b in model.blocks if getattr(b, "anchor", None) == "s-immigration")
    paragraph = next(b for b in model.blocks if "see section" in "".join(r.text for r in getattr(b, "runs", ())))
    assert "".join(r.text for r in paragraph.runs).endswith(f"see section {number}.")
    word = docx.Document(io.BytesIO(docx_writer.render(model)))
    p = next(p for p in word.paragraphs if "see section" in p.text)
    assert p.text.endswith(f"see section {number}.")
    assert [t.text.strip() for t in p._p.iter(qn("w:instrText"))] == ["REF s_immigration \\r \\h"]
    bookmarked = [b.get(qn("w:name")) for b in word.element.body.iter(qn("w:bookmarkStart"))]
    assert "s_immigration" in bookmarked
    assert f'<a href="#s-immigration">{number}</a>' in html_writer.render_html(model)


def test_a_reference_to_a_missing_section_is_refused(tmp_path, library):
    folder = copy_marac(tmp_path)
    config = folder / "marac.yaml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "clauses:\n  add:\n    - id: local.bad_ref\n      title: Bad\n      section: governance\n"
        "      applies_to: [mop]\n      text: See section [n](#s-nowhere).\n"), encoding="utf-8")
    with pytest.raises(ClauseLibraryError, match="#s-nowhere, which is no numbered section"):
        assemble(load_settings(config, TODAY), library, "mop")


# --- a Marac's own house style --------------------------------------------------------------

def test_a_house_style_reference_docx_is_used(tmp_path, library):
    folder = copy_marac(tmp_path)
    with zipfile.ZipFile(REPO / "templates" / "reference.docx") as source, \
            zipfile.ZipFile(folder / "reference.docx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b'w:ascii="Carlito"', b'w:ascii="Georgia"')
            target.writestr(info, data)
    model = assemble(load_settings(folder / "marac.yaml", TODAY), library, "isa")
    word = docx.Document(io.BytesIO(docx_writer.render(model)))
    fonts = word.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(qn("w:ascii")) == "Georgia"
    assert word.paragraphs[0].text == "Westmere Marac"


def test_a_house_style_lacking_a_style_is_refused_naming_it(tmp_path, runner):
    folder = copy_marac(tmp_path)
    with zipfile.ZipFile(REPO / "templates" / "reference.docx") as source, \
            zipfile.ZipFile(folder / "reference.docx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b'<w:name w:val="Numbered Paragraph"/>', b'<w:name w:val="Numbered Para"/>')
            target.writestr(info, data)
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "reference.docx" in result.output and "lacks the style(s) Numbered Paragraph" in result.output
    assert "Traceback" not in result.output
    (folder / "reference.docx").write_bytes(b"not a zip")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1 and "is not a Word document" in result.output
