"""The DOCX title page and contents: the logo, the title page details, the DRAFT watermark and
the table of contents field.

The contents list is a real TOC field (headings 1-2, with links), inside a content control Word
knows as its "Table of Contents", pre-filled with one entry per heading so that it reads right
before Word refreshes it (settings.xml asks Word to update fields on open) and in LibreOffice,
which shows the entries as written.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import quoteattr

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from ..document.model import Image
from .docx_inline import add_field, add_text, bookmark_name, new_paragraph
from .title_page import DRAFT_TEXT, logo_size_cm

_SVG_BLIP = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # Office's extension id for an SVG picture
_VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def logo_run(word, image: Image) -> object:
    """Return a ``w:r`` holding the logo as an inline picture, scaled to fit the logo box, with
    its alt text as the picture's description (what a screen reader says).

    A PNG is stored as it is; an SVG is stored as an SVG part referenced both as the picture and
    through Office's SVG extension, which Word 2016 and later and LibreOffice draw."""
    if image.media_type == "image/png":
        r_id, _ = word.part.get_or_add_image(io.BytesIO(image.data))
        extension = ""
    else:
        part = Part(PackURI("/word/media/logo.svg"), "image/svg+xml", image.data, word.part.package)
        r_id = word.part.relate_to(part, RT.IMAGE)
        extension = (f'<a:extLst><a:ext uri="{_SVG_BLIP}"><asvg:svgBlip '
                     'xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" '
                     f'r:embed="{r_id}"/></a:ext></a:extLst>')
    width_cm, height_cm = logo_size_cm(image)
    cx, cy = Cm(width_cm), Cm(height_cm)
    alt = quoteattr(image.alt)
    return parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="Logo" descr={alt}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        f'<pic:nvPicPr><pic:cNvPr id="0" name="Logo" descr={alt}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{r_id}">{extension}</a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def detail_paragraph(style_id: str, label: str, value: str):
    """Return a title page line "Label<tab>value", the label in bold."""
    p = new_paragraph(style_id)
    add_text(p, f"{label}\t", strong=True)
    add_text(p, value)
    return p


def contents(entries: list[tuple[int, str, str, str]], styles) -> object:
    """Return the contents list: a ``w:sdt`` holding a TOC field over headings 1-2.

    ``entries`` are (level, number, title, anchor) per heading, in document order. Each entry
    links to its heading's bookmark and carries a PAGEREF field for its page number, empty until
    Word or LibreOffice updates the field ("Update table")."""
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
                    '<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent/></w:sdt>')
    content = sdt.find(qn("w:sdtContent"))
    heading = new_paragraph(styles.id("TOC Heading"))
    add_text(heading, "Contents")
    content.append(heading)
    paragraphs = []
    for level, number, title, anchor in entries:
        p = new_paragraph(styles.id(f"TOC {min(level, 2)}"))
        if not paragraphs:
            _field_char(p, "begin")
            instruction = OxmlElement("w:r")
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = ' TOC \\o "1-2" \\h \\z \\u '
            instruction.append(text)
            p.append(instruction)
            _field_char(p, "separate")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark_name(anchor))
        link.set(qn("w:history"), "1")
        # No page numbers before the first update: only Word's or LibreOffice's layout knows
        # them, and a wrong number would mislead. Word fills them in on open (updateFields).
        add_text(link, f"{number}\t{title}" if number else title)
        add_field(link, f"PAGEREF {bookmark_name(anchor)} \\h", placeholder="")
        p.append(link)
        paragraphs.append(p)
        content.append(p)
    if paragraphs:
        _field_char(paragraphs[-1], "end")
    return sdt


def watermark_run() -> object:
    """Return a ``w:r`` with the diagonal "DRAFT - not issued" watermark, Word's own kind
    (a VML text path in the header, behind the text), which LibreOffice shows too."""
    return parse_xml(
        f'<w:r {nsdecls("w")} {_VML}><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
        + "".join(f'<v:f eqn="{eqn}"/>' for eqn in (
            "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
            "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5",
            "mid @7 @8", "mid @6 @7", "sum @6 0 @5"))
        + '</v:formulas><v:path textpathok="t" o:connecttype="custom"/><v:textpath on="t" fitshape="t"/>'
        '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        '<v:shape id="MaracDraftWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:88pt;rotation:315;'
        'z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="#c0504d" stroked="f"><v:fill opacity=".35"/>'
        f'<v:textpath style="font-family:&quot;Carlito&quot;;font-size:1pt" string="{DRAFT_TEXT}"/>'
        '</v:shape></w:pict></w:r>')


def _field_char(p, kind: str) -> None:
    r, char = OxmlElement("w:r"), OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    r.append(char)
    p.append(r)
