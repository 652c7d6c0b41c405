"""Inside a DOCX paragraph: style look-up, runs (bold, italic, links, right-to-left script),
bookmarks and fields. Shared by the body, the tables and the page furniture.

Only style names are chosen here; how a style looks lives in templates/reference.docx.
"""

from __future__ import annotations

import hashlib
import re

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document.model import Run
# Every style the writer may ask for. The reference.docx must define them all; a Marac's own
# is checked when its settings load, the shipped one here, once at the start of a render.
from ..settings.house_style import CHARACTER_STYLES, PARAGRAPH_STYLES, TABLE_STYLES

# Arabic-script letters (Arabic, Urdu, Persian), with the spaces and joiners between words,
# so a name such as "نسرین اختر" is one right-to-left run.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_RTL_SPAN = re.compile(f"[{_ARABIC}]+(?:[ \u200c\u200d]+[{_ARABIC}]+)*")
_BOOKMARK_MAX = 40  # Word's limit for a bookmark name


class StyleBook:
    """The reference document's styles by name, checked once per render."""

    def __init__(self, document):
        styles = document.styles
        wanted = ([(n, WD_STYLE_TYPE.PARAGRAPH) for n in PARAGRAPH_STYLES]
                  + [(n, WD_STYLE_TYPE.CHARACTER) for n in CHARACTER_STYLES]
                  + [(n, WD_STYLE_TYPE.TABLE) for n in TABLE_STYLES])
        self._styles = {}
        missing = []
        for name, kind in wanted:
            style = None
            # Word stores some built-ins in lower case ("toc 1"), which python-docx's own
            # name translation does not cover.
            for candidate in (name, name.lower()):
                try:
                    style = styles[candidate]
                    break
                except KeyError:
                    continue
            if style is None or style.type != kind:
                missing.append(name)
            self._styles[name] = style
        if missing:
            raise LookupError(f"the reference.docx lacks the style(s) {', '.join(missing)}; "
                              "regenerate templates/reference.docx with scripts/make_reference_docx.py")

    def __getitem__(self, name: str):
        """Return the python-docx style ``name``. Refuses (KeyError) a name not listed above."""
        return self._styles[name]

    def id(self, name: str) -> str:
        """Return the style id of ``name`` (what w:pStyle and w:rStyle hold)."""
        return self._styles[name].style_id


def new_paragraph(style_id: str):
    """Return a detached ``w:p`` in the style ``style_id``."""
    p = OxmlElement("w:p")
    set_paragraph_style(p, style_id)
    return p


def set_paragraph_style(p, style_id: str) -> None:
    """Give the ``w:p`` element ``p`` the style ``style_id``.

    Written directly rather than through python-docx's ``paragraph.style = ...``, which looks
    up the default style on every assignment and searches for each child's place in the
    schema: together they made a 32-partner document several times slower.
    """
    properties = p.find(qn("w:pPr"))
    if properties is None:
        properties = OxmlElement("w:pPr")
        p.insert(0, properties)
    style = properties.find(qn("w:pStyle"))
    if style is None:
        style = OxmlElement("w:pStyle")
        properties.insert(0, style)  # pStyle is always the first paragraph property
    style.set(qn("w:val"), style_id)


def add_runs(p, runs: tuple[Run, ...], styles: StyleBook, part) -> None:
    """Append the model's inline runs to the ``w:p`` element ``p``: bold, italic, links as
    real w:hyperlink elements with an external relationship of ``part``, and cross-references
    (``#anchor``: "see section 9") as REF fields to the heading's bookmark, which Word keeps
    up to date when sections are renumbered."""
    for run in runs:
        if run.href and run.href.startswith("#"):
            add_field(p, f"REF {bookmark_name(run.href[1:])} \\r \\h", placeholder=run.text)
        elif run.href:
            add_hyperlink(p, run, styles, part)
        else:
            add_text(p, run.text, run.strong, run.emphasis)


def add_text(parent, text: str, strong: bool = False, emphasis: bool = False, style_id: str | None = None) -> None:
    """Append ``text`` to ``parent`` (a w:p or w:hyperlink) as runs; tabs become w:tab and
    Arabic-script stretches become right-to-left runs.

    Right-to-left runs are marked as Word marks Arabic or Urdu typed into it, so that they
    are laid out right to left in the complex-script font (DejaVu Sans, from the
    reference's defaults; Carlito has no Arabic letters).
    """
    for piece, rtl in _script_pieces(text):
        r = OxmlElement("w:r")
        properties = _run_properties(style_id, strong, emphasis, rtl)
        if properties is not None:
            r.append(properties)
        for index, chunk in enumerate(piece.split("\t")):
            if index:
                r.append(OxmlElement("w:tab"))
            if chunk:
                t = OxmlElement("w:t")
                t.text = chunk
                if chunk != chunk.strip():
                    t.set(qn("xml:space"), "preserve")
                r.append(t)
        parent.append(r)


def add_hyperlink(p, run: Run, styles: StyleBook, part) -> None:
    """Append ``run`` to ``p`` as a clickable link in the Hyperlink character style."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), part.relate_to(run.href, RT.HYPERLINK, is_external=True))
    link.set(qn("w:history"), "1")
    p.append(link)
    add_text(link, run.text, run.strong, run.emphasis, styles.id("Hyperlink"))


def add_field(p, instruction: str, placeholder: str = "1") -> None:
    """Append to ``p`` a complex field (e.g. ``PAGE``, ``NUMPAGES``) that Word and
    LibreOffice update as they lay out the page; ``placeholder`` shows until they do."""
    def field_run(tag: str, **attributes: str):
        r, child = OxmlElement("w:r"), OxmlElement(tag)
        for name, value in attributes.items():
            child.set(qn(name), value)
        r.append(child)
        p.append(r)
        return child

    field_run("w:fldChar", **{"w:fldCharType": "begin"})
    field_run("w:instrText", **{"xml:space": "preserve"}).text = f" {instruction} "
    field_run("w:fldChar", **{"w:fldCharType": "separate"})
    add_text(p, placeholder)
    field_run("w:fldChar", **{"w:fldCharType": "end"})


def bookmark_name(anchor: str) -> str:
    """Return a Word-safe bookmark name for ``anchor``: letters, digits and underscores,
    starting with a letter, at most 40 characters (a long one keeps a hash of the whole
    anchor so that two long anchors never collide)."""
    name = re.sub(r"[^A-Za-z0-9]", "_", anchor)
    if not name[:1].isalpha():
        name = f"m_{name}"
    if len(name) > _BOOKMARK_MAX:
        digest = hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:_BOOKMARK_MAX - 9]}_{digest}"
    return name


class Bookmarks:
    """Numbers the bookmarks of one document (Word wants each w:id unique)."""

    def __init__(self):
        self._next_id = 0

    def wrap(self, p, anchor: str | None) -> None:
        """Put a bookmark named after ``anchor`` around the content of the w:p ``p``;
        nothing if ``anchor`` is None."""
        if not anchor:
            return
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self._next_id))
        start.set(qn("w:name"), bookmark_name(anchor))
        end.set(qn("w:id"), str(self._next_id))
        self._next_id += 1
        p.insert(1 if p.pPr is not None else 0, start)
        p.append(end)


def _script_pieces(text: str) -> list[tuple[str, bool]]:
    pieces, position = [], 0
    for match in _RTL_SPAN.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text) or not pieces:
        pieces.append((text[position:], False))
    return pieces


def _run_properties(style_id: str | None, strong: bool, emphasis: bool, rtl: bool):
    """Return a w:rPr in schema order (rStyle, b, bCs, i, iCs, rtl), or None if empty.
    Right-to-left runs take their weight and slant from the complex-script switches."""
    tags = []
    if strong:
        tags += ["w:b", "w:bCs"] if rtl else ["w:b"]
    if emphasis:
        tags += ["w:i", "w:iCs"] if rtl else ["w:i"]
    if rtl:
        tags.append("w:rtl")
    if not tags and not style_id:
        return None
    properties = OxmlElement("w:rPr")
    if style_id:
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), style_id)
        properties.append(style)
    for tag in tags:
        properties.append(OxmlElement(tag))
    return properties
