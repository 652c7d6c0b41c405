#!/usr/bin/env python3
"""Write templates/reference.docx: every style, font, page and numbering setting of the DOCX
documents. The renderer only picks style names, so restyling the documents means editing
this script (or the .docx in Word, keeping the style names) and never the render code.

Run from the repository root: ``.venv/bin/python scripts/make_reference_docx.py [OUTPUT]``
(OUTPUT defaults to templates/reference.docx; the tests write elsewhere and compare).
It starts from python-docx's default template (for its latent-style table, which tells Word
how to show its built-in styles), replaces every style definition with ours, drops the
template's baggage (Word 2010 styles copy, thumbnail, custom XML) and writes the zip
reproducibly, so running it twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Twips
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.render.docx_package import reproducible_zip  # noqa: E402

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
TARGET = ROOT / "templates" / "reference.docx"
STAMP = dt.datetime(2026, 1, 1, 12)

FONT = "Carlito"  # metric-compatible with Calibri: Word on Windows substitutes Calibri
SCRIPT_FONT = "DejaVu Sans"  # Carlito has no Arabic; DejaVu Sans covers Arabic and Urdu names
INK, ACCENT, MUTED, RULE, HEAD_FILL = "1A1A1A", "1F3A5F", "595959", "A6A6A6", "E3EAF3"
# The page and the sizes match templates/print.css (A4; margins 24 mm top, 22 mm bottom, 20 mm
# at the sides; body 11 pt; headings 15/12/11 pt), so both formats lay out alike.
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 1134, 1361, 1247  # twips: 20, 24 and 22 mm
TEXT_WIDTH = 11906 - 2 * MARGIN_SIDE  # twips: A4 width less the side margins
NUMBER_INDENT = 709  # 1.25 cm: "12.14" fits before the tab at 11 pt
# Line spacing in 240ths of a line: Carlito's single line is 1.22 em, so 272 gives the
# stylesheet's line-height of 1.38.
LINE = 272
OUTLINE_NUM_ID = 3  # the multilevel list: 1 (Heading 1), 1.1 (Numbered Paragraph)
LIST_INDENT = 1077  # list text 0.65 cm inside the numbered-paragraph text column


def num_pr(level: int) -> str:
    """Return the w:numPr linking a style to level ``level`` of the multilevel list."""
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{OUTLINE_NUM_ID}"/></w:numPr>'


def ppr(*parts: str) -> str:
    """Return a w:pPr with ``parts``, which the caller gives in schema order."""
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def rpr(*parts: str) -> str:
    """Return a w:rPr with ``parts``, which the caller gives in schema order."""
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def spacing(before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}"/>'


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def colour(hex_rgb: str) -> str:
    return f'<w:color w:val="{hex_rgb}"/>'


def border(side: str, hex_rgb: str, eighths: int = 4, space: int = 1) -> str:
    return f'<w:{side} w:val="single" w:sz="{eighths}" w:space="{space}" w:color="{hex_rgb}"/>'


def tab(kind: str, position: int) -> str:
    return f'<w:tabs><w:tab w:val="{kind}" w:pos="{position}"/></w:tabs>'


def hanging(left: int, hang: int) -> str:
    return f'<w:ind w:left="{left}" w:hanging="{hang}"/>'


KEEP = "<w:keepNext/><w:keepLines/>"
BOLD = "<w:b/><w:bCs/>"
ITALIC = "<w:i/><w:iCs/>"

# (type, style id, name as stored in styles.xml, based on, next, pPr, rPr, custom?)
# Built-in styles keep Word's own stored names ("heading 1", "header", "caption") so that
# Word treats them as its built-ins: navigation pane, table of contents, outline view.
STYLES = [
    ("paragraph", "Normal", "Normal", None, None, "", rpr(colour(INK)), False),
    ("paragraph", "BodyText", "Body Text", "Normal", "BodyText", ppr(spacing(0, 120)), "", False),
    ("paragraph", "NumberedParagraph", "Numbered Paragraph", "BodyText", "NumberedParagraph",
     ppr(num_pr(1), tab("left", NUMBER_INDENT), spacing(0, 120), hanging(NUMBER_INDENT, NUMBER_INDENT)), "", True),
    ("paragraph", "Title", "Title", "Normal", "Subtitle",
     ppr(KEEP, spacing(1134, 120)), rpr(BOLD, colour(ACCENT), '<w:kern w:val="28"/>', size(52)), False),
    ("paragraph", "Subtitle", "Subtitle", "Normal", "DocumentMeta",
     ppr("<w:keepNext/>", spacing(0, 120)), rpr(colour(ACCENT), size(34)), False),
    ("paragraph", "SubtitleLine", "Subtitle Line", "Subtitle", "DocumentMeta",
     ppr("<w:keepNext/>", spacing(170, 113)), rpr(colour("333333"), size(25)), True),
    ("paragraph", "DocumentMeta", "Document Meta", "Normal", "Normal",
     ppr(spacing(120, 480)), rpr(colour(MUTED), size(22)), True),
    ("paragraph", "Note", "Note", "Normal", "Normal",
     ppr(f"<w:pBdr>{border('left', ACCENT, 18, 8)}</w:pBdr>", '<w:shd w:val="clear" w:color="auto" w:fill="F2F4F7"/>',
         spacing(120, 240), '<w:ind w:left="170" w:right="170"/>'), rpr(size(21)), True),
    ("paragraph", "Small", "Small", "Normal", "Normal", ppr(spacing(60, 120)), rpr(colour(MUTED), size(19)), True),
    ("paragraph", "Heading1", "heading 1", "Normal", "NumberedParagraph",
     ppr(KEEP, num_pr(0), tab("left", NUMBER_INDENT), spacing(360, 120), hanging(NUMBER_INDENT, NUMBER_INDENT),
         '<w:outlineLvl w:val="0"/>'), rpr(BOLD, colour(ACCENT), size(30)), False),
    ("paragraph", "Heading2", "heading 2", "Normal", "NumberedParagraph",
     ppr(KEEP, spacing(240, 80), '<w:ind w:left="0"/>', '<w:outlineLvl w:val="1"/>'),
     rpr(BOLD, colour(ACCENT), size(24)), False),
    ("paragraph", "Heading3", "heading 3", "Normal", "NumberedParagraph",
     ppr(KEEP, spacing(200, 60), '<w:ind w:left="0"/>', '<w:outlineLvl w:val="2"/>'),
     rpr(BOLD, ITALIC, colour(ACCENT), size(22)), False),
    ("paragraph", "ListBullet", "List Bullet", "Normal", "ListBullet",
     ppr('<w:numPr><w:numId w:val="1"/></w:numPr>', spacing(0, 60), hanging(LIST_INDENT, 368)), "", False),
    ("paragraph", "ListNumber", "List Number", "Normal", "ListNumber",
     ppr('<w:numPr><w:numId w:val="2"/></w:numPr>', spacing(0, 60), hanging(LIST_INDENT, 368)), "", False),
    ("paragraph", "Quote", "Quote", "Normal", "Normal",
     ppr(spacing(60, 120), f'<w:ind w:left="{LIST_INDENT}" w:right="567"/>'), rpr(ITALIC, colour(MUTED)), False),
    ("paragraph", "Caption", "caption", "Normal", "Normal",
     ppr("<w:keepNext/>", spacing(180, 60)), rpr(BOLD, colour(MUTED), size(19)), False),
    ("paragraph", "TableText", "Table Text", "Normal", "TableText", ppr(spacing(0, 0)), rpr(size(20)), True),
    ("paragraph", "TableHeading", "Table Heading", "TableText", "TableText",
     ppr("<w:keepNext/>"), rpr(BOLD, colour(ACCENT)), True),
    ("paragraph", "TOCHeading", "TOC Heading", "Normal", "Normal",
     ppr("<w:keepNext/>", spacing(360, 120)), rpr(BOLD, colour(ACCENT), size(24)), False),
    ("paragraph", "TOC1", "toc 1", "Normal", "Normal",
     ppr(f'<w:tabs><w:tab w:val="left" w:pos="{NUMBER_INDENT}"/><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>',
         spacing(57, 57), hanging(NUMBER_INDENT, NUMBER_INDENT)), rpr(BOLD), False),
    ("paragraph", "TOC2", "toc 2", "Normal", "Normal",
     ppr(f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>',
         spacing(0, 0), f'<w:ind w:left="{NUMBER_INDENT}"/>'), rpr(size(20)), False),
    ("paragraph", "TitlePageDetail", "Title Page Detail", "Normal", "Normal",
     ppr(spacing(0, 40), hanging(2552, 2552), tab("left", 2552)), rpr(size(21)), True),
    ("paragraph", "DraftMark", "Draft Mark", "Normal", "Normal",
     ppr(spacing(120, 120)), rpr(BOLD, colour("B00020"), size(24)), True),
    ("paragraph", "Header", "header", "Normal", "Header",
     ppr(f"<w:pBdr>{border('bottom', RULE)}</w:pBdr>",
         f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>',
         spacing(0, 0)),
     rpr(colour(MUTED), size(18)), False),
    ("paragraph", "Footer", "footer", "Normal", "Footer",
     ppr(f"<w:pBdr>{border('top', RULE)}</w:pBdr>", tab("right", TEXT_WIDTH), spacing(0, 0)),
     rpr(colour(MUTED), size(18)), False),
    ("character", "DefaultParagraphFont", "Default Paragraph Font", None, None, "", "", False),
    ("character", "Hyperlink", "Hyperlink", "DefaultParagraphFont", None, "",
     rpr(colour("1D4F91"), '<w:u w:val="single"/>'), False),
]

TABLE_STYLES = f"""
<w:style {nsdecls("w")} w:type="table" w:default="1" w:styleId="TableNormal">
  <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  <w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
    <w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>
</w:style>
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="MaracTable">
  <w:name w:val="Marac Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>
  <w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>{''.join(border(side, RULE, 4, 0) for side in ('top', 'left', 'bottom', 'right', 'insideH', 'insideV'))}</w:tblBorders>
    <w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/></w:tcPr>
  </w:tblStylePr>
</w:style>
<w:style {nsdecls("w")} w:type="numbering" w:default="1" w:styleId="NoList">
  <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
</w:style>"""

DOC_DEFAULTS = f"""<w:docDefaults {nsdecls("w")}>
  <w:rPrDefault><w:rPr>
    <w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{SCRIPT_FONT}"/>
    <w:sz w:val="22"/><w:szCs w:val="22"/>
    <w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>
  </w:rPr></w:rPrDefault>
  <w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="{LINE}" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>"""


def numbering_xml() -> str:
    """Return numbering.xml: one bullet list and one decimal list, both one level deep
    (the Markdown subset flattens nested lists), indented inside the text column."""
    def abstract(number: int, fmt: str, text: str) -> str:
        return (f'<w:abstractNum w:abstractNumId="{number}"><w:nsid w:val="4D41524{number}"/>'
                '<w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/><w:pPr>{tab("num", LIST_INDENT)}{hanging(LIST_INDENT, 368)}</w:pPr>'
                "</w:lvl></w:abstractNum>")
    # The protocol's own numbers: sections (Heading 1) 1, 2, 3 and their paragraphs
    # (Numbered Paragraph) 1.1, 1.2; each level is linked to its style (w:pStyle), so Word
    # renumbers on edit and its cross-references and navigation pane use the numbers.
    outline = ('<w:abstractNum w:abstractNumId="2"><w:nsid w:val="4D415243"/>'
               '<w:multiLevelType w:val="multilevel"/>'
               '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
               f'<w:lvlText w:val="%1"/><w:lvlJc w:val="left"/><w:pPr>{hanging(NUMBER_INDENT, NUMBER_INDENT)}</w:pPr></w:lvl>'
               '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="NumberedParagraph"/>'
               f'<w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/><w:pPr>{hanging(NUMBER_INDENT, NUMBER_INDENT)}</w:pPr>'
               f'{rpr(colour(ACCENT))}</w:lvl>'
               '</w:abstractNum>')
    return (f'<w:numbering {nsdecls("w")}>{abstract(0, "bullet", "•")}{abstract(1, "decimal", "%1.")}{outline}'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
            f'<w:num w:numId="{OUTLINE_NUM_ID}"><w:abstractNumId w:val="2"/></w:num></w:numbering>')


def style_xml(kind, style_id, name, based_on, next_id, p_props, r_props, custom) -> str:
    """Return one w:style element as XML text."""
    attrs = f'w:type="{kind}" w:styleId="{style_id}"'
    if custom:
        attrs += ' w:customStyle="1"'
    if style_id in ("Normal", "DefaultParagraphFont"):
        attrs += ' w:default="1"'
    inner = f'<w:name w:val="{name}"/>'
    inner += f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    inner += f'<w:next w:val="{next_id}"/>' if next_id else ""
    inner += "<w:qFormat/>"
    return f"<w:style {nsdecls('w')} {attrs}>{inner}{p_props}{r_props}</w:style>"


def write_styles(document) -> None:
    """Replace every style and the document defaults; keep Word's latent-style table."""
    styles = document.styles.element
    for child in list(styles):
        if child.tag in (qn("w:style"), qn("w:docDefaults")):
            styles.remove(child)
    styles.insert(0, parse_xml(DOC_DEFAULTS))
    for spec in STYLES:
        styles.append(parse_xml(style_xml(*spec)))
    for element in etree.fromstring(f"<root>{TABLE_STYLES}</root>"):
        styles.append(parse_xml(etree.tostring(element)))


def write_numbering(document) -> None:
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in list(parse_xml(numbering_xml())):
        numbering.append(child)


def write_page(document) -> None:
    """A4 portrait, the print stylesheet's margins, an empty body: the renderer adds the content."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.header_distance = section.footer_distance = Cm(1.1)


def write_settings(document) -> None:
    """British English for the theme fonts; Word 2013+ layout (no "Compatibility Mode");
    100% zoom; fields updated on open; no revision ids, "already proofread" flag or preview picture from the template."""
    settings = document.settings.element
    zoom = settings.find(qn("w:zoom"))
    zoom.attrib.clear()
    zoom.set(qn("w:percent"), "100")
    for tag in ("w:rsids", "w:proofState", "w:savePreviewPicture"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), "en-GB")
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    # Word refreshes the contents list, page numbers and cross-references when it opens the
    # file; the writer pre-fills them, so they read right before that (and in LibreOffice).
    # Schema order: updateFields comes just before compat.
    settings.find(qn("w:compat")).addprevious(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))


FONT_TABLE = f"""<w:fonts {nsdecls("w")}>
  <w:font w:name="{FONT}"><w:altName w:val="Calibri"/><w:panose1 w:val="020F0502020204030204"/>
    <w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
  <w:font w:name="{SCRIPT_FONT}"><w:altName w:val="Arial"/><w:panose1 w:val="020B0603030804020204"/>
    <w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
</w:fonts>"""


def rewrite_parts(document) -> None:
    """Parts python-docx keeps as plain blobs (font table, theme, app properties): rewrite
    their bytes, since python-docx has no API for them."""
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name == "/word/fontTable.xml":
            part._blob = FONT_TABLE.encode("utf-8")
        elif name == "/word/theme/theme1.xml":
            theme = etree.fromstring(part.blob)
            a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
            for latin in theme.iter(f"{a}latin"):
                latin.set("typeface", FONT)
            theme.find(f".//{a}fontScheme").set("name", "Marac")
            part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
        elif name == "/docProps/app.xml":
            app = etree.fromstring(part.blob)
            ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
            app.find(f"{ep}Application").text = "marac"
            part._blob = etree.tostring(app, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_baggage(document) -> None:
    """Drop the template's Word 2010 styles copy (which Word 2010 would prefer over ours),
    its custom XML and its thumbnail of a blank page."""
    drop = {STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.THUMBNAIL}
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in drop:
                del rels[r_id]


def write_core(document) -> None:
    core = document.core_properties
    core.title, core.subject, core.author = "Marac document styles", "Reference styles for marac", "marac"
    core.comments = "Regenerate with scripts/make_reference_docx.py; keep the style names."
    core.keywords, core.category, core.last_modified_by = "", "", "marac"
    core.language, core.revision = "en-GB", 1
    core.created = core.modified = core.last_printed = STAMP


def build() -> bytes:
    """Return the reference.docx bytes (the same bytes on every run)."""
    document = docx.Document()
    write_styles(document)
    write_numbering(document)
    write_page(document)
    write_settings(document)
    rewrite_parts(document)
    drop_baggage(document)
    write_core(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), STAMP)


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
