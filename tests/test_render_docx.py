"""The DOCX writer: build the model, render, read the bytes back with python-docx, and
compare part by part (pandoc's writer tests, timestamps fixed)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.settings.loader import load_settings
from generator.document.model import (
    Document,
    DocumentMeta,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Run,
    SignatureRow,
    SignatureTable,
    Table,
)
from generator.render import writer
from generator.render.docx import render
from generator.render.docx_inline import bookmark_name

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"
TODAY = dt.date(2026, 11, 26)
EXAMPLE_DOCS = [(marac, kind) for marac in ("northbridge", "westmere") for kind in ("mop", "isa", "annex")]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture(scope="session")
def rendered(library):
    """Every example document, assembled and rendered once: {(marac, kind): (model, bytes)}."""
    out = {}
    for marac, kind in EXAMPLE_DOCS:
        model = assemble(load_settings(EXAMPLES / marac / "marac.yaml", TODAY), library, kind)
        out[(marac, kind)] = (model, render(model))
    return out


@pytest.fixture(params=EXAMPLE_DOCS, ids=lambda p: f"{p[0]}-{p[1]}")
def example(request, rendered):
    """One example: (model, bytes, python-docx Document read back from the bytes)."""
    model, data = rendered[request.param]
    return model, data, docx.Document(io.BytesIO(data))


def meta(**changes) -> DocumentMeta:
    values = dict(kind="mop", title="Marac Operating Protocol", marac="Testford Marac", slug="testford",
                  file_stem="operating-protocol", version="1.0", date="2025-06-30", subject="A test",
                  keywords=("Marac", "test"), fingerprint="0123456789abcdef" * 4)
    values.update(changes)
    return DocumentMeta(**values)


def read(blocks, **changes):
    """Render a hand-built document and read it back."""
    data = render(Document(meta(**changes), tuple(blocks)))
    return docx.Document(io.BytesIO(data)), data


def body_text(word) -> list[str]:
    paragraphs = [p.text for p in word.paragraphs]
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return paragraphs + cells


def heading_text(block) -> str:
    return "".join(run.text for run in block.runs)


def word_numbers(word) -> list[tuple[str, str]]:
    """Return (style name, number) for every paragraph Word numbers through the outline list,
    counted as Word counts a multilevel list: level 0 "1", level 1 "1.1", restarting under
    each level-0 item. Paragraphs with numId 0 (list switched off) are skipped."""
    counters = [0, 0]
    found = []
    outline = word.styles["Heading 1"].element.pPr.numPr.numId.val
    for p in word.paragraphs:
        num_pr = p._p.pPr.numPr if p._p.pPr is not None else None
        if num_pr is None or num_pr.numId.val != outline:
            continue
        level = num_pr.ilvl.val
        counters[level] += 1
        if level == 0:
            counters[1] = 0
        found.append((p.style.name, ".".join(str(n) for n in counters[:level + 1])))
    return found


def test_writer_is_registered():
    assert writer("docx") is render


def test_headings_are_real_heading_styles_numbered_by_word(example):
    model, _, word = example
    expected = [(f"Heading {b.level}", heading_text(b)) for b in model.all_blocks if isinstance(b, Heading)]
    found = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert found == expected
    for level in (1, 2, 3):
        style = word.styles[f"Heading {level}"]
        assert style.paragraph_format.keep_with_next
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    unnumbered = [p for p in word.paragraphs if p.style.name == "Heading 1" and p.text in ("Document control", "Signatures")]
    assert unnumbered and all(p._p.pPr.numPr.numId.val == 0 for p in unnumbered)


def test_numbers_are_words_own_and_match_the_model(example):
    model, _, word = example
    expected = [("Heading 1", b.number) for b in model.blocks if isinstance(b, Heading) and b.level == 1 and b.number]
    expected += [("Numbered Paragraph", b.number) for b in model.blocks if isinstance(b, Paragraph) and b.number]
    found = word_numbers(word)
    assert sorted(found, key=lambda f: [int(n) for n in f[1].split(".")]) == sorted(
        expected, key=lambda f: [int(n) for n in f[1].split(".")])
    assert len(found) > 20
    numbered = [p for p in word.paragraphs if p.style.name == "Numbered Paragraph"]
    assert all(p._p.pPr.numPr.ilvl.val == 1 for p in numbered)
    assert not any(re.match(r"\d+(\.\d+)?\t", p.text) for p in word.paragraphs)  # no typed numbers
    numbering = word.part.numbering_part.element
    outline = word.styles["Heading 1"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(outline).abstractNumId.val
    levels = numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl')
    assert [lvl.find(qn("w:lvlText")).get(qn("w:val")) for lvl in levels] == ["%1", "%1.%2"]
    assert [lvl.find(qn("w:pStyle")).get(qn("w:val")) for lvl in levels] == ["Heading1", "NumberedParagraph"]


def test_contents_is_a_toc_field_prefilled_with_the_headings(example):
    model, data, word = example
    body = word.element.body
    sdt = body.find(qn("w:sdt"))
    assert sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery").get(qn("w:val")) == "Table of Contents"
    instructions = [t.text.strip() for t in sdt.iter(qn("w:instrText"))]
    assert instructions[0] == 'TOC \\o "1-2" \\h \\z \\u'
    entries = [p for p in sdt.iter(qn("w:p")) if p.find(f"{W}hyperlink") is not None]
    # Every heading of levels 1-2 a reader sees, the schedules' included (as the PDF's contents
    # list them); numbered sections show their number, unnumbered headings none.
    expected = [(f"{b.number}\t" if b.number else "") + heading_text(b)
                for b in model.all_blocks if isinstance(b, Heading) and b.level <= 2]
    assert ["".join(t.text for t in p.iter(qn("w:t"))) for p in entries] == [
        e.replace("\t", "") for e in expected]
    anchors = [p.find(f"{W}hyperlink").get(qn("w:anchor")) for p in entries]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert set(anchors) <= bookmarks
    assert sum(1 for i in instructions if i.startswith("PAGEREF")) == len(entries)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert '<w:updateFields w:val="true"/>' in package.read("word/settings.xml").decode()
    first_section = next(p for p in word.paragraphs if p.style.name == "Heading 1" and p._p.pPr.numPr.numId.val)
    assert first_section.paragraph_format.page_break_before


def test_header_and_footer(example):
    model, _, word = example
    section = word.sections[0]
    assert section.header.paragraphs[0].text == f"{model.meta.marac}\tOFFICIAL\t{model.meta.title}"
    assert [r.text for r in section.header.paragraphs[0].runs if r.bold] == ["OFFICIAL"]
    footer = section.footer._element
    fields = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert fields == ["PAGE", "NUMPAGES"]
    text = "".join(t.text for t in footer.iter(f"{W}t"))
    assert f"Version {model.meta.version}" in text
    assert f"Edition {model.meta.fingerprint[:12]}" in text
    assert re.search(r"Page 1 of 1$", text)


def test_signature_table(example):
    model, _, word = example
    partners = next(b for b in model.blocks if isinstance(b, SignatureTable)).rows
    table = next(t for t in word.tables if t.rows[0].cells[-2].text == "Signature")  # the schedules follow it
    assert [c.text for c in table.rows[0].cells] == ["Agency", "Signatory", "Role", "Signature", "Date"]
    assert len(table.rows) == len(partners) + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(row.height >= Cm(1.2) for row in table.rows[1:])
    assert [[c.text for c in row.cells[:3]] for row in table.rows[1:]] == [
        [p.agency, p.signatory, p.role] for p in partners]
    section = word.sections[0]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(grid) <= (section.page_width - section.left_margin - section.right_margin) / 635
    names = [b.get(qn("w:name")) for row in table.rows[1:] for b in row.cells[3]._tc.iter(qn("w:bookmarkStart"))]
    assert names == [bookmark_name(p.anchor) for p in partners]
    assert table.style.name == word.tables[0].style.name == "Marac Table"


def test_version_table_repeats_its_bold_header(example):
    model, _, word = example
    versions = next(b for b in model.blocks if isinstance(b, Table) and b.style == "versions")
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(versions.header)
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [list(r) for r in versions.rows]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert {c.paragraphs[0].style.name for c in table.rows[0].cells} == {"Table Heading"}
    assert word.styles["Table Heading"].font.bold


def test_core_properties(example):
    model, _, word = example
    core = word.core_properties
    assert core.title == f"{model.meta.marac}: {model.meta.title}"
    assert core.subject == model.meta.subject
    assert core.author == model.meta.marac
    assert core.keywords == "; ".join(model.meta.keywords)
    assert core.language == "en-GB"
    assert core.revision == 1
    day = dt.date.fromisoformat(model.meta.date)
    assert core.created.date() == core.modified.date() == core.last_printed.date() == day


def test_same_document_gives_the_same_bytes(rendered, monkeypatch):
    model, first = rendered[("westmere", "isa")]
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400 + 7)  # zip entries read the clock
    assert render(model) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        names = package.namelist()
        assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
        day = dt.date.fromisoformat(model.meta.date)
        assert {info.date_time[:3] for info in package.infolist()} == {(day.year, day.month, day.day)}


def test_welsh_polish_and_arabic_names_survive(rendered):
    model, data = rendered[("northbridge", "mop")]
    text = "\n".join(body_text(docx.Document(io.BytesIO(data))))
    for name in ("Gwenllian Ŵyn-Pryce", "Zofia Wiśniewska", "Nasreen Akhtar — نسرین اختر"):
        assert name in text
    word, _ = read([Paragraph((Run("Ŵyn, ŷ, łódź, świat — اجالا"),), number="1.1")])
    paragraph = next(p for p in word.paragraphs if p.style.name == "Numbered Paragraph")
    assert paragraph.text == "Ŵyn, ŷ, łódź, świat — اجالا"
    arabic = [r for r in paragraph.runs if r.text == "اجالا"]
    assert arabic and arabic[0].font.rtl  # shaped and set right to left, in the cs font
    defaults = word.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(qn("w:ascii")) == "Carlito" and defaults.get(qn("w:cs")) == "DejaVu Sans"


def test_hostile_partner_names_appear_literally(marac_copy, library):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = ["{{ 7*7 }}", "<script>alert(1)</script>"]
    for old, new in zip(re.findall(r"^  - name: (.+)$", text, flags=re.M), hostile):
        text = text.replace(f"  - name: {old}\n", f"  - name: {json.dumps(new)}\n", 1)
    path.write_text(text, encoding="utf-8")
    model = assemble(load_settings(path, TODAY), library, "isa")
    word = docx.Document(io.BytesIO(render(model)))
    agencies = [row.cells[0].text for row in word.tables[-1].rows[1:3]]
    assert agencies == hostile
    assert "49" not in agencies


def test_runs_links_lists_and_page_breaks():
    blocks = [
        Heading(1, (Run("Scope"),), number="1", anchor="s-scope"),
        Paragraph((Run("See "), Run("the guidance", href="https://safelives.org.uk/x"), Run(" and "),
                   Run("must", strong=True), Run(" "), Run("not", emphasis=True), Run(".")), number="1.1"),
        Paragraph((Run("The steps are:"),), number="1.2"),
        ListBlock(((Run("first"),), (Run("second"),)), ordered=True),
        ListBlock(((Run("one"),),), ordered=True),
        ListBlock(((Run("a point"),),)),
        PageBreak(),
        Paragraph((Run("After the break"),), style="note"),
    ]
    word, _ = read(blocks)
    paragraphs = word.paragraphs
    link = paragraphs[1]._p.find(qn("w:hyperlink"))
    relationship = word.part.rels[link.get(qn("r:id"))]
    assert relationship.is_external and relationship.target_ref == "https://safelives.org.uk/x"
    assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(qn("w:val")) == word.styles["Hyperlink"].style_id
    assert "".join(t.text for t in link.iter(qn("w:t"))) == "the guidance"
    assert [(r.text, r.bold, r.italic) for r in paragraphs[1].runs if r.text in ("must", "not")] == [
        ("must", True, None), ("not", None, True)]
    assert paragraphs[2].paragraph_format.keep_with_next  # a lead-in stays with its list
    numbered = [p for p in paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]  # each numbered list restarts at 1
    assert [p.style.name for p in paragraphs if p.text == "a point"] == ["List Bullet"]
    assert paragraphs[-1].style.name == "Note" and paragraphs[-1].paragraph_format.page_break_before
    starts = word.element.body.iter(qn("w:bookmarkStart"))
    assert [b.get(qn("w:name")) for b in starts] == ["s_scope"]


def test_a_schedule_heading_and_its_note_stay_with_the_table():
    word, _ = read([
        Heading(1, (Run("Schedule 1: Contacts"),), anchor="schedule-contacts"),
        Paragraph((Run("This schedule is not part of the text partners sign."),), style="note"),
        Table(header=("Who or what", "Details"), rows=(("Chair", "A. Person"),)),
        Paragraph((Run("A note after a table"),), style="note"),
    ])
    note, later = [p for p in word.paragraphs if p.style.name == "Note"]
    assert note.paragraph_format.keep_with_next
    assert not later.paragraph_format.keep_with_next  # only a note straight after a heading


def test_unknown_styles_are_refused():
    with pytest.raises(ValueError, match="paragraph style 'fancy'"):
        render(Document(meta(), (Paragraph((Run("x"),), style="fancy"),)))
    with pytest.raises(ValueError, match="level 4"):
        render(Document(meta(), (Heading(4, (Run("x"),)),)))


def test_bookmark_names_suit_word():
    assert bookmark_name("sig-northshire-police") == "sig_northshire_police"
    long_a = bookmark_name("sig-ashgrove-youth-young-peoples-domestic-abuse-service")
    long_b = bookmark_name("sig-ashgrove-youth-young-peoples-domestic-abuse-services")
    assert len(long_a) <= 40 and long_a != long_b and long_a.startswith("sig_ashgrove")
    assert bookmark_name("3-scope")[0].isalpha()


def test_every_style_used_is_defined(example):
    _, data, _ = example
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
        defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
        used = set()
        for name in package.namelist():
            if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
                used |= set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', package.read(name).decode()))
    assert used and used <= defined


def test_reference_docx_page_fonts_and_language():
    word = docx.Document(REPO / "templates" / "reference.docx")
    section = word.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    # The print stylesheet's margins: 20 mm at the sides, 24 mm top, 22 mm bottom.
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.0
    assert (round(section.top_margin.cm, 1), round(section.bottom_margin.cm, 1)) == (2.4, 2.2)
    defaults = word.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}lang").get(qn("w:val")) == "en-GB"
    with zipfile.ZipFile(REPO / "templates" / "reference.docx") as package:
        fonts = package.read("word/fontTable.xml").decode()
    assert re.search(r'w:name="Carlito"><w:altName w:val="Calibri"/>', fonts)
    assert not word.paragraphs  # the renderer adds all content


def test_reference_docx_is_what_the_script_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_reference_docx", REPO / "scripts" / "make_reference_docx.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main([str(tmp_path / "reference.docx")]) == 0
    assert (tmp_path / "reference.docx").read_bytes() == (REPO / "templates" / "reference.docx").read_bytes(), (
        "templates/reference.docx is out of date: run scripts/make_reference_docx.py and commit it")


def test_a_large_example_renders_fast(rendered):
    model, _ = rendered[("northbridge", "mop")]
    assert len(next(b for b in model.blocks if isinstance(b, SignatureTable)).rows) >= 30
    best = min(_timed(render, model) for _ in range(3))
    assert best < 0.5


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def test_rendering_a_hand_built_signature_table():
    rows = tuple(SignatureRow(f"Agency {i}", f"Person {i}", "Lead", f"sig-agency-{i}") for i in range(3))
    word, _ = read([SignatureTable(rows=rows, caption="Partner agencies")])
    assert word.paragraphs[-1].style.name == "Caption" and word.paragraphs[-1].text == "Partner agencies"
    assert [r.cells[0].text for r in word.tables[0].rows] == ["Agency", "Agency 0", "Agency 1", "Agency 2"]
