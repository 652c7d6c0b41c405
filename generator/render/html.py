"""The HTML writer: a Document -> one HTML page, through templates/document.html.j2.

Autoescaping is on, so every piece of model text (a partner's name, a clause, a link text) is
data, never markup. The print stylesheet templates/print.css is embedded in the standalone
page; the PDF writer asks for the page without it and hands WeasyPrint a parsed copy instead.
The Jinja environment and the stylesheet text are read once per process.
"""

from __future__ import annotations

import base64
import functools
import re
import unicodedata
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..document.model import Document, Heading, Image, ListBlock, PageBreak, Paragraph, Run, SignatureTable, Table
from ..resources import data_dir
from .title_page import DRAFT_TEXT, details, front_end, logo_size_cm

TEMPLATE = "document.html.j2"
STYLESHEET = "print.css"
_RTL_CLASSES = ("R", "AL")
# The DRAFT watermark: large, pale, diagonal text on an A4 page, as an SVG page background.
_WATERMARK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
    '<text x="105" y="160" transform="rotate(-55 105 148.5)" text-anchor="middle" '
    'font-family="Carlito, sans-serif" font-weight="bold" font-size="24" fill="#c0504d" '
    f'fill-opacity="0.3">{DRAFT_TEXT}</text></svg>')
WATERMARK_URL = "data:image/svg+xml;base64," + base64.b64encode(_WATERMARK_SVG.encode("utf-8")).decode("ascii")
_CSS_UNSAFE = frozenset("\"'\\<>&")


def render(document: Document) -> bytes:
    """Return the document as a standalone UTF-8 HTML page, its print stylesheet embedded."""
    return render_html(document).encode("utf-8")


def render_html(document: Document, *, embed_css: bool = True) -> str:
    """Return the document's HTML page as text.

    With ``embed_css`` false the page carries only its per-document page furniture (running
    header and footer strings); the caller must supply ``stylesheet_path()`` itself.
    Refuses (``TypeError``) a block type the template does not know.
    """
    template = _environment().get_template(TEMPLATE)
    meta = document.meta
    return template.render(
        meta=meta,
        title=document.full_title,
        edition=document.short_fingerprint,
        blocks=_blocks(document.all_blocks),
        front=front_end(document.all_blocks),
        details=details(meta, document.short_fingerprint),
        draft_text=DRAFT_TEXT if meta.draft else "",
        watermark=WATERMARK_URL if meta.draft else "",
        logo=_logo(meta.logo) if meta.logo is not None else None,
        css=Markup(stylesheet_text()) if embed_css else None,
    )


def _logo(image: Image) -> dict:
    """Return the logo as a data: URL with its alt text and size (the page fetches nothing)."""
    width, height = logo_size_cm(image)
    encoded = base64.b64encode(image.data).decode("ascii")
    return {"src": f"data:{image.media_type};base64,{encoded}", "alt": image.alt,
            "width": f"{width}cm", "height": f"{height}cm"}


def stylesheet_path() -> Path:
    """Return the path of the shipped print stylesheet (templates/print.css)."""
    return data_dir("templates") / STYLESHEET


@functools.cache
def stylesheet_text() -> str:
    """Return the print stylesheet's text, read once per process, with its PNG images inlined
    as ``data:`` URLs (so the text stands alone and names no folder).

    Refuses (``ValueError``) a stylesheet that could close the ``<style>`` element it is
    embedded in, since it goes into the page unescaped.
    """
    text = stylesheet_path().read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{stylesheet_path()} contains '</', which would end its <style> element")
    return _IMAGE_URL.sub(_inlined, text)


# The stylesheet's own images (the contents page's dot leader) go in as data: URLs. A page that
# embeds the stylesheet then needs no file beside it, and WeasyPrint, which names each image in
# the PDF after an MD5 of its URL, names it the same whichever folder the tool is installed in:
# with a file URL, the same document built from two checkouts differed in those bytes.
_IMAGE_URL = re.compile(r"url\((['\"]?)([A-Za-z0-9_-]+\.png)\1\)")


def _inlined(match: re.Match) -> str:
    data = (data_dir("templates") / match.group(2)).read_bytes()
    return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"


def css_string(text: str) -> Markup:
    """Return ``text`` as a quoted CSS string, safe inside a ``<style>`` element.

    Quotes, backslashes, ``<``, ``>``, ``&`` and every unprintable character (newlines
    included) become CSS escapes, so nothing from the model can end the string, the rule or
    the element. Each escape ends with the one space CSS swallows after it.
    """
    body = "".join(f"\\{ord(ch):X} " if ch in _CSS_UNSAFE or not ch.isprintable() else ch for ch in text)
    return Markup(f'"{body}"')


def direction(text: str) -> str | None:
    """Return "rtl" when the first strongly directional character of ``text`` is right-to-left.

    This is what HTML's ``dir="auto"`` does; WeasyPrint does not implement ``dir="auto"`` or
    ``unicode-bidi: plaintext``, so the writer works it out. Returns None for left-to-right text.
    """
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return None
        if kind in _RTL_CLASSES:
            return "rtl"
    return None


def _dir_attribute(value: str | tuple[Run, ...]) -> Markup:
    text = value if isinstance(value, str) else "".join(run.text for run in value)
    return Markup(' dir="rtl"') if direction(text) else Markup("")


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["dir"] = _dir_attribute
    return env


_KINDS = {Heading: "heading", Paragraph: "paragraph", ListBlock: "list", Table: "table",
          SignatureTable: "signatures", PageBreak: "pagebreak"}


def _blocks(blocks) -> list[dict]:
    """Return what the template needs per block: its kind, the block, and layout hints.

    ``new_page`` starts on a fresh page the first numbered section after the front matter and
    the section that holds the signature table. ``contents`` (on the first numbered section)
    lists the level-1 and level-2 headings of the whole document, as Word's TOC field does.
    """
    views = []
    first_section = None
    last_section = None
    for block in blocks:
        kind = _KINDS.get(type(block))
        if kind is None:
            raise TypeError(f"the HTML writer has no layout for {type(block).__name__}")
        view = {"kind": kind, "block": block, "new_page": False, "contents": ()}
        if kind == "heading" and block.level == 1:
            last_section = view
            if first_section is None and block.number and views:
                first_section = view
                view["new_page"] = True
        if kind == "signatures" and last_section is not None:
            last_section["new_page"] = True
        views.append(view)
    if first_section is not None:
        first_section["contents"] = tuple(
            view["block"] for view in views
            if view["kind"] == "heading" and view["block"].level <= 2 and view["block"].anchor)
    return views
