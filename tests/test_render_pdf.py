"""The PDF writer, read back with pypdf, pdfplumber and pikepdf.

Each example document is rendered once per session (a PDF takes a second or two); the tests
then read what a partner agency would see: pages, running header and footer, bookmarks,
numbered paragraphs, the signature table and where its signing cells are.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path
from dataclasses import dataclass, replace
from functools import cached_property

import pdfplumber
import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.errors import RenderError
from generator.policy.gate import load_one_clean
from generator.document.model import Document, Heading, Paragraph, Run, SignatureRow, SignatureTable, Table
from generator.render import html as html_writer
from generator.render import pdf
from generator.render.pdf_fetch import FetchRefused, LocalOnlyFetcher
from generator.resources import data_dir

from test_render_html import HOSTILE, TEMPLATE_LIKE, make_document  # tests/ is on sys.path (no package)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"
A4 = (595.276, 841.89)  # points
CM = 72 / 2.54
EXAMPLE_KEYS = [("northbridge", "mop"), ("northbridge", "isa"), ("northbridge", "annex"), ("westmere", "mop")]
INTERNATIONAL = {
    "welsh": "Gwasanaeth Tân ac Achub Gogledd Cymru — Gwenllian Ŵyn-Pryce, Dŷ",
    "polish": "Zofia Wiśniewska-Łęcka, Zażółć gęślą jaźń",
    "arabic": "مركز الأمان للنساء",
    "urdu": "نسرین اختر",
}


def squash(text: str) -> str:
    """Return ``text`` without whitespace, ligatures unfolded: wrapping never changes it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def same_text(extracted: str, expected: str) -> bool:
    """Return whether pdfplumber's text is ``expected``; right-to-left runs come out in visual
    order (and lam-alef as one ligature), so for those only the letters are compared."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in expected):
        return sorted(squash(extracted)) == sorted(squash(expected))
    return squash(extracted) == squash(expected)


@dataclass
class Rendered:
    document: Document
    data: bytes
    anchors: dict

    @cached_property
    def page_texts(self) -> list[str]:
        """Each page's text in drawing order (pdfium is some 20 times faster than pdfplumber)."""
        source = pdfium.PdfDocument(self.data)
        try:
            return [source[i].get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "-")
                    for i in range(len(source))]
        finally:
            source.close()

    @cached_property
    def body_text(self) -> str:
        """The text of every page without its running header and footer lines, and without the
        list markers, which pdfium gives apart at the end of each page."""
        meta = self.document.meta
        header, footer = f"{meta.marac} {meta.protective_marking} {meta.title}", f"Version {meta.version} · Edition "
        return "\n".join(line for text in self.page_texts for line in text.splitlines()
                         if line != header and not line.startswith(footer)
                         and not re.fullmatch(r"\s*(•|[a-z]\.|\d{1,2}\.)\s*", line))


def render(document: Document) -> Rendered:
    data, anchors = pdf.render_with_anchors(document)
    return Rendered(document, data, anchors)


@pytest.fixture(scope="session")
def rendered_examples() -> dict[tuple[str, str], Rendered]:
    library = load_library()
    loaded = {name: load_one_clean(str(EXAMPLES / name)) for name in {name for name, _ in EXAMPLE_KEYS}}
    return {(name, kind): render(assemble(loaded[name], library, kind)) for name, kind in EXAMPLE_KEYS}


@pytest.fixture(scope="session", params=EXAMPLE_KEYS, ids=["-".join(key) for key in EXAMPLE_KEYS])
def example(request, rendered_examples) -> Rendered:
    return rendered_examples[request.param]


@pytest.fixture(scope="session")
def international() -> Rendered:
    """A small document whose partners have Welsh, Polish, Arabic, Urdu and hostile names."""
    rows = tuple(SignatureRow(text, text, "Lead", f"sig-{key}") for key, text in INTERNATIONAL.items())
    rows += (SignatureRow(HOSTILE, TEMPLATE_LIKE, "Role", "sig-hostile"),)
    base = make_document(rows)
    paragraphs = tuple(Paragraph((Run(text),), number=f"1.{i}") for i, text in enumerate(INTERNATIONAL.values(), 2))
    blocks = base.blocks[:7] + paragraphs + base.blocks[7:]
    return render(replace(base, blocks=blocks))


def test_every_page_is_a4(example):
    reader = pypdf.PdfReader(io.BytesIO(example.data))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.1)


def test_print_stylesheet_applies_its_fonts(example):
    assert {"Carlito", "Carlito-Bold"} <= embedded_fonts(example.data)


def test_header_and_footer_on_every_page(example):
    meta = example.document.meta
    pages = example.page_texts
    for number, text in enumerate(pages, 1):
        lines = text.splitlines()
        assert f"{meta.marac} {meta.protective_marking} {meta.title}" in lines  # the marking, centred
        assert f"Version {meta.version} · Edition {meta.fingerprint[:12]} Page {number} of {len(pages)}" in lines


def test_bookmarks_are_the_headings_with_their_numbers(example):
    reader = pypdf.PdfReader(io.BytesIO(example.data))

    def flatten(items, depth=1):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, depth + 1)
            else:
                yield depth, item.title

    expected = [(block.level, f"{block.number} {''.join(r.text for r in block.runs)}" if block.number
                 else "".join(r.text for r in block.runs))
                for block in example.document.all_blocks if isinstance(block, Heading) and block.level <= 2]
    assert list(flatten(reader.outline)) == expected
    assert any(title.startswith("1 ") for _, title in expected)


def test_contents_gives_each_heading_and_the_page_it_starts_on(example):
    """Each contents line reads number, heading, page: the page its bookmark goes to (never the 0
    WeasyPrint 70 gives target-counter() in some boxes), and the dots are a background, so a line
    holds no dot as text."""
    reader = pypdf.PdfReader(io.BytesIO(example.data))

    def flatten(items):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item)
            else:
                yield f"{item.title} {reader.get_destination_page_number(item) + 1}"

    expected = list(flatten(reader.outline))
    lines = [line.strip() for line in example.body_text.splitlines()]
    start = lines.index("Contents") + 1
    listed = [line for line in lines[start:] if line][:len(expected)]
    assert listed == expected
    assert len(expected) > 5 and not any(line.endswith(" 0") for line in listed)


def test_contents_page_numbers_are_flush_right_and_titles_line_up(example):
    """The page numbers of the contents end at the right margin (20 mm), and every heading's title
    starts in one column whatever its number's width: the layout a reader scans down."""
    right_margin = A4[0] - 20 / 10 * CM
    with pdfplumber.open(io.BytesIO(example.data)) as source:
        words = source.pages[0].extract_words()
    contents_top = next(word["bottom"] for word in words if word["text"] == "Contents")
    lines: dict[int, list[dict]] = {}
    for word in words:
        if word["top"] > contents_top and word["bottom"] < A4[1] - 22 / 10 * CM:
            lines.setdefault(round(word["top"]), []).append(word)
    entries = [sorted(line, key=lambda word: word["x0"]) for line in lines.values()]
    entries = [line for line in entries if line[-1]["text"].isdigit()]
    assert len(entries) > 5
    assert all(abs(line[-1]["x1"] - right_margin) < 0.5 for line in entries)
    numbered = [line for line in entries if re.fullmatch(r"\d+", line[0]["text"]) and len(line) > 2]
    assert numbered and len({round(line[1]["x0"], 1) for line in numbered}) == 1
    assert all(line[-2]["x1"] < line[-1]["x0"] - 20 for line in entries)  # the dots' gap


def test_tagged_titled_dated_and_in_british_english(example):
    meta = example.document.meta
    with pikepdf.open(io.BytesIO(example.data)) as source:
        root = source.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en-GB"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        info = source.docinfo
        assert str(info.Title) == example.document.full_title
        assert str(info.Subject) == meta.subject
        stamp = "D:" + meta.date.replace("-", "")
        assert str(info.CreationDate).startswith(stamp) and str(info.ModDate).startswith(stamp)
        assert str(info.edition) == meta.fingerprint
        assert str(source.trailer.ID[0]) == meta.fingerprint[:32]
        assert source.open_metadata().get("pdfuaid:part") == "1"


def test_no_heading_is_left_alone_at_the_foot_of_a_page(example):
    headings = {squash("".join(run.text for run in block.runs))
                for block in example.document.all_blocks if isinstance(block, Heading)}
    meta = example.document.meta
    for number, text in enumerate(example.page_texts[:-1], 1):
        body = [line for line in text.splitlines()
                if line != f"{meta.marac} {meta.title}" and not line.startswith("Version ")
                and line.strip() not in ("•", "")]
        assert squash(body[-1]) not in headings and not re.match(r"\d+ ", body[-1]), (number, body[-1])


def test_every_numbered_paragraph_reads_number_then_text(example):
    body = squash(example.body_text)
    numbered = [block for block in example.document.blocks if isinstance(block, Paragraph) and block.number]
    assert numbered or example.document.meta.kind == "annex"
    for block in numbered:
        assert squash(block.number + "".join(run.text for run in block.runs)) in body, block.number
    first = next(iter(numbered), None)
    if first is not None:  # the number and the text are separate words, in that order
        assert re.search(rf"^{re.escape(first.number)} \S", example.body_text, re.MULTILINE)


def test_signature_cells_are_the_signing_column_of_each_partner(example):
    table = next(block for block in example.document.blocks if isinstance(block, SignatureTable))
    assert set(example.anchors) == {row.anchor for row in table.rows}
    with pdfplumber.open(io.BytesIO(example.data)) as source:
        columns_by_page = {}
        for row in table.rows:
            index, x, y, width, height = example.anchors[row.anchor]
            page = source.pages[index]
            assert 0 <= x and x + width <= page.width and 0 <= y and y + height <= page.height
            assert height >= 1.3 * CM and width >= 3.3 * CM  # room for a signature, as in the DOCX
            if index not in columns_by_page:  # x of each header word, from the (repeated) header row
                words = page.extract_words()
                header_top = next(word["top"] for word in words if word["text"] == "Signatory")
                columns_by_page[index] = {word["text"]: word["x0"] for word in words
                                          if abs(word["top"] - header_top) < 2}
            columns = columns_by_page[index]
            # The box starts where the "Signature" column does and ends where "Date" starts.
            assert columns["Signature"] - 10 < x < columns["Signature"]
            assert columns["Date"] - 10 < x + width < columns["Date"]
            # The same row, left of the box, holds this partner's agency, signatory and role.
            top, bottom = page.height - (y + height), page.height - y
            edges = [columns["Agency"], columns["Signatory"], columns["Role"], columns["Signature"]]
            for (left, right), value in zip(zip(edges, edges[1:]), (row.agency, row.signatory, row.role)):
                cell = page.crop((left - 8, top, right - 8, bottom)).extract_text()
                assert same_text(cell, value), (row.anchor, value, cell)


def test_signature_table_header_repeats_on_each_of_its_pages(rendered_examples):
    rendered = rendered_examples[("northbridge", "mop")]
    pages = sorted({box[0] for box in rendered.anchors.values()})
    assert len(pages) >= 2  # 32 partners do not fit on one page
    for index in pages:
        assert "Agency Signatory Role Signature Date" in rendered.page_texts[index]


def test_same_document_same_bytes_in_one_process(rendered_examples):
    rendered = rendered_examples[("northbridge", "annex")]
    assert pdf.render(rendered.document) == rendered.data


def test_international_names_come_out_as_text(international):
    reader = pypdf.PdfReader(io.BytesIO(international.data))
    logical = squash("".join(page.extract_text() for page in reader.pages))  # pypdf keeps logical order
    for key, text in INTERNATIONAL.items():
        assert squash(text) in logical, key
    assert 'Test "Quoted" Marac OFFICIAL Marac Operating Protocol' in international.page_texts[0].splitlines()
    body = squash(international.body_text)
    for text in (INTERNATIONAL["welsh"], INTERNATIONAL["polish"], HOSTILE, TEMPLATE_LIKE):
        assert squash(text) in body


def test_no_character_is_drawn_as_a_box(example, international):
    # WeasyPrint gives a font with missing glyphs its own encoding (WP-Encod) mapping them to .notdef.
    for rendered in (example, international):
        with pikepdf.open(io.BytesIO(rendered.data)) as source:
            for page in source.pages:
                for font in page.Resources.Font.values():
                    assert font.Encoding == pikepdf.Name("/Identity-H"), str(font.BaseFont)


def system_font_covers(text: str) -> bool:
    """Return whether fontconfig knows a font with every character of ``text``."""
    charset = " ".join(f"{ord(ch):x}" for ch in sorted(set(text)))
    try:
        found = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True, text=True)
    except OSError:
        return False
    return bool(found.stdout.strip())


URDU_ONLY = "ہے"  # heh goal and yeh barree: Urdu letters that DejaVu Sans lacks


def test_urdu_letters_are_drawn_from_a_font_that_has_them():
    """ہ and ے are missing from Carlito and DejaVu Sans; make installs Amiri, which has them."""
    assert system_font_covers(URDU_ONLY), "run scripts/system-deps.sh: it installs fonts-hosny-amiri"
    data = pdf.render(make_document(blocks=(Paragraph((Run(f"کوئی {URDU_ONLY}"),)),)))
    assert "Amiri" in embedded_fonts(data)
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert all(letter in text for letter in URDU_ONLY)


def test_right_to_left_and_hostile_rows_get_signing_cells_too(international):
    assert set(international.anchors) == {f"sig-{key}" for key in INTERNATIONAL} | {"sig-northshire-police", "sig-hostile"}
    for _, x, y, width, height in international.anchors.values():
        assert 0 < x < x + width < A4[0] and 0 < y < y + height < A4[1]


def embedded_fonts(data: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(data)) as source:
        return {str(font.BaseFont).split("+", 1)[1] for page in source.pages for font in page.Resources.Font.values()}


def test_standalone_html_applies_its_embedded_stylesheet():
    # A4 is WeasyPrint's default, so the proof is the font: without the stylesheet it is a serif.
    page = html_writer.render(make_document()).decode("utf-8")
    assert "Carlito" in embedded_fonts(HTML(string=page, url_fetcher=pdf.fetcher()).write_pdf())


def test_fetcher_refuses_everything_outside_templates(tmp_path):
    fetcher = pdf.fetcher()
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/logo.png", "file:///etc/passwd",
                (data_dir("templates") / ".." / "pyproject.toml").as_uri(), "file://evil.example/etc/passwd",
                "data:text/plain,hello", "ftp://example.org/x"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert b"size: A4" in fetcher.fetch((data_dir("templates") / "print.css").as_uri()).read()

    root, outside = tmp_path / "root", tmp_path / "secret.txt"
    root.mkdir()
    outside.write_text("secret")
    (root / "link.txt").symlink_to(outside)
    with pytest.raises(FetchRefused):
        LocalOnlyFetcher(root).fetch((root / "link.txt").as_uri())


def test_a_refused_resource_stops_the_render(monkeypatch):
    page = '<html lang="en-GB"><title>t</title><img src="http://127.0.0.1:9/x.png" alt="x"></html>'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=page, url_fetcher=pdf.fetcher()).render()
    monkeypatch.setattr(pdf, "render_html", lambda document, embed_css: page)
    with pytest.raises(RenderError, match="refused to fetch"):
        pdf.render(make_document())


def test_the_narrowed_user_agent_stylesheet_lays_out_as_weasyprints_own(rendered_examples, international,
                                                                         monkeypatch):
    """templates/user-agent.css keeps every rule of WeasyPrint's own that can apply to marac's pages:
    the largest example (every kind of block, right-to-left names) and the international document
    come out byte for byte the same with WeasyPrint's full sheet."""
    asked = []
    narrowed = pdf._MaracHTML._ua_stylesheets
    monkeypatch.setattr(pdf._MaracHTML, "_ua_stylesheets",
                        lambda self, forms=False: asked.append(forms) or narrowed(self, forms))
    assert pdf.render(international.document) == international.data
    assert asked, "WeasyPrint no longer asks the document for its user-agent stylesheet"
    assert HTML._ua_stylesheets(None, False)[0] is not pdf._engine()[3]
    monkeypatch.setattr(pdf._MaracHTML, "_ua_stylesheets", HTML._ua_stylesheets)  # WeasyPrint's full sheet
    for rendered in (rendered_examples[("northbridge", "mop")], international):
        assert pdf.render(rendered.document) == rendered.data


def test_streams_are_deflated_at_zlibs_default_level(rendered_examples):
    """pydyf's level 9 cost three times the CPU of level 6 for streams 3% smaller
    (render/pdf_compression.py); every page's content stream is deflated at level 6, so a pydyf
    release that stops compressing through its ``zlib`` global fails here rather than silently
    slowing every build down."""
    contents, told_apart = 0, 0
    with pikepdf.open(io.BytesIO(rendered_examples[("northbridge", "annex")].data)) as document:
        for page in document.pages:
            streams = page.obj.Contents
            for stream in (streams.as_list() if isinstance(streams, pikepdf.Array) else [streams]):
                assert stream.Filter == pikepdf.Name.FlateDecode
                raw, inflated = stream.read_raw_bytes(), stream.read_bytes()
                assert raw == zlib.compress(inflated, 6)
                contents += 1
                told_apart += raw != zlib.compress(inflated, 9)
    assert contents >= 20
    assert told_apart, "no stream differs between levels 6 and 9, so this test cannot tell them apart"


def test_signature_columns_keep_their_set_widths_and_a_long_name_stays_in_its_cell():
    """The signature table lays out at the widths the DOCX has (its layout is fixed, print.css): the
    signing box is a fifth of the table; an agency name with no space to break at wraps inside the
    Agency column instead of widening it or running into the next."""
    agency = "Northshirepoliceandcrimecommissionersafeguardingpartnershipwithoutaspace"
    rendered = render(make_document((SignatureRow(agency, "B. Person", "Lead", "sig-long"),)))
    index, x, y, width, height = rendered.anchors["sig-long"]
    table_width = width / 0.20  # SIGNATURE_WIDTHS: agency .25, signatory .18, role .24, signature .20, date .13
    left = x - 0.67 * table_width
    assert left == pytest.approx(A4[0] - table_width - left, abs=1)  # the table is centred on the text width
    with pdfplumber.open(io.BytesIO(rendered.data)) as source:
        page = source.pages[index]
        top, bottom = page.height - (y + height), page.height - y
        row = [char for char in page.chars if top <= char["top"] and char["bottom"] <= bottom]
        drawn = [char for char in row if char["x1"] <= left + 0.25 * table_width]
    assert "".join(char["text"] for char in drawn) == agency
    assert all(char["x0"] > left for char in drawn)


LONG_NAME = "Northshirepoliceandcrimecommissionersafeguardingpartnershipwithoutanyspace"  # 74 letters


def _drawn_past_the_margin(data: bytes) -> list[str]:
    """Return the characters drawn right of the text area (A4 less the 20 mm right margin)."""
    with pdfplumber.open(io.BytesIO(data)) as source:
        return [char["text"] for page in source.pages for char in page.chars
                if char["x1"] > A4[0] - 20 / 25.4 * 72 + 0.5]


def test_a_word_with_nowhere_to_break_stays_on_the_page():
    """A contacts table sizes its columns to their longest words; two 74-letter names pushed its
    last columns off the page, and a paragraph's long word ran past the margin. Such a table (and
    only such a table) is laid out again with its words breakable, and a paragraph breaks its word."""
    contacts = Table(header=("Agency", "Signatory", "Email", "Telephone"),
                     rows=(("Northshire Police", "A. Person", "a.person@northshire.police.example", "01632 960 702"),
                           (LONG_NAME, LONG_NAME[::-1], "b.person@northshire.police.example", "01632 960 703")),
                     style="contacts", widths=(0.3, 0.2, 0.3, 0.2))
    base = make_document()
    blocks = base.blocks[:4] + (Paragraph((Run(f"See {LONG_NAME * 2} for details."),)), contacts) + base.blocks[4:]
    document = replace(base, blocks=blocks)
    laid_out = pdf._layout(document)
    assert pdf.overflowing_tables(laid_out) == []
    rendered = render(document)
    assert _drawn_past_the_margin(rendered.data) == []
    for text in (LONG_NAME * 2, LONG_NAME[::-1], "a.person@northshire.police.example", "01632960703"):
        assert squash(text) in squash(rendered.body_text)
    # the other table of the page (the versions table) was not made breakable
    html_text = html_writer.render_html(document, embed_css=False)
    assert html_text.count("data-table=") == 2


def test_a_table_too_wide_for_the_page_is_found(monkeypatch):
    """Laid out once, the long names do run off the page, and the table is found; the versions
    table before it is not."""
    contacts = Table(header=("Agency", "Signatory"), rows=((LONG_NAME, LONG_NAME),), style="contacts")
    base = make_document()
    document = replace(base, blocks=base.blocks[:4] + (contacts,) + base.blocks[4:])
    found = []
    real = pdf.overflowing_tables
    monkeypatch.setattr(pdf, "overflowing_tables", lambda laid_out: found.append(real(laid_out)) or [])
    assert _drawn_past_the_margin(pdf.render(document))  # the second layout is what keeps them on
    assert found == [["2"]]


def _image_names(data: bytes) -> set[str]:
    """Return the names of every image XObject in a PDF, including those inside patterns."""
    found = set()
    with pikepdf.open(io.BytesIO(data)) as source:
        for obj in source.objects:
            # pikepdf gives every object one Python type; patterns are streams, pages dictionaries
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                resources = obj.get("/Resources")
                if resources is not None and "/XObject" in resources:
                    found.update(str(name) for name in resources.XObject.keys())
    return {name for name in found if name.startswith("/i")}


def _fresh_writers() -> None:
    for cached in (pdf._engine, html_writer.stylesheet_text, html_writer._environment):
        cached.cache_clear()


def test_the_same_document_is_the_same_pdf_whichever_folder_the_tool_runs_from(tmp_path, monkeypatch):
    """WeasyPrint names each image after an MD5 of its URL; the contents page's dot leader was a
    file URL, so a build from another checkout (or another user's install) wrote other bytes for
    the same document, and an edition archived by one could not be matched by another's rebuild."""
    document = make_document()
    _fresh_writers()
    here = pdf.render_with_anchors(document)[0]
    elsewhere = tmp_path / "another checkout" / "templates"
    shutil.copytree(data_dir("templates"), elsewhere)
    for module in (html_writer, pdf):
        monkeypatch.setattr(module, "data_dir", lambda name: elsewhere if name == "templates" else data_dir(name))
    _fresh_writers()
    try:
        assert html_writer.stylesheet_path().is_relative_to(elsewhere)
        there = pdf.render_with_anchors(document)[0]
    finally:
        monkeypatch.undo()
        _fresh_writers()
    assert len(_image_names(here)) == 1  # the dot leader is drawn, from an image
    assert there == here
    assert "url(contents-dot.png)" not in html_writer.stylesheet_text()
    assert re.search(r"url\(data:image/png;base64,[A-Za-z0-9+/=]+\)", html_writer.stylesheet_text())
