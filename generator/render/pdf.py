"""The PDF writer: the HTML writer's page, laid out by WeasyPrint on A4.

PDF is "HTML writer + engine": the page comes from ``html.render_html`` (without its embedded
stylesheet), the print stylesheet is parsed once per process into a ``weasyprint.CSS`` with its
font configuration, and WeasyPrint may fetch nothing but files in templates/. In place of
WeasyPrint's own user-agent stylesheet it gets templates/user-agent.css, the same rules narrowed
to the elements the HTML writer emits (the PDFs are byte for byte the same, about 8% faster).
Streams are deflated at zlib's default level rather than pydyf's 9 (``pdf_compression``).
WeasyPrint is imported with its native libraries found in the linker's cache (``native_libraries``).

The output uses WeasyPrint's "pdf/ua-1" variant: a structure tree, /MarkInfo, /Lang from
``<html lang>``, /DisplayDocTitle and the PDF/UA identification in the XMP. It has not been
through a PDF/UA validator; WeasyPrint 70 tags the running header and footer as content
rather than as pagination artifacts (WeasyPrint issue #1836).

The MOP, the ISA and the annex arrive ready for digital signing: after WeasyPrint has
written the page, ``pdf_fields`` adds, as an incremental update, one empty signature field per
partner agency over its signature cell, named after the cell (``sig-<agency-slug>``). The
document info carries the full edition fingerprint (/edition) and the Marac's slug (/marac),
so a signed copy that comes back can be matched to its edition.

The output is reproducible: its dates come from the document (``dcterms.created`` and
``dcterms.modified``), its file /ID from the edition fingerprint, WeasyPrint names font
subsets after the font, not at random, and the field update pins its own /ID half and dates;
so the same Document gives the same bytes, in one process or many.
"""

from __future__ import annotations

import functools

from .native_libraries import import_weasyprint

import_weasyprint()  # before any WeasyPrint module is imported (native_libraries says why)
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError  # noqa: E402

from ..errors import RenderError
from ..document.model import Document, SignatureTable
from ..resources import data_dir
from .html import render_html, stylesheet_path, stylesheet_text
from .pdf_compression import use_default_level
from .pdf_fetch import LocalOnlyFetcher
from ..signing.fields import FieldSpec, add_signature_fields

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in points (1/72 in)
SIGNATURE_PREFIX = "sig-"
SIGNED_KINDS = frozenset({"mop", "isa", "annex"})  # every partner signs these: they get signature fields

# pdf/ua-1 implies pdf_tags=True and PDF 1.7, and adds the PDF/UA identification to the XMP.
# custom_metadata copies <meta name="edition"> (the full fingerprint) and <meta name="marac"> (the
# Marac's slug) into the document info, where `marac signatures import` reads them.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}

USER_AGENT_STYLESHEET = "user-agent.css"

Box = tuple[int, float, float, float, float]


def render(document: Document) -> bytes:
    """Return the document as PDF bytes (A4, tagged, bookmarked, reproducible, with signature fields).

    Refuses (``RenderError``) to finish if the page asks for any resource outside templates/.
    """
    return render_with_anchors(document)[0]


def render_with_anchors(document: Document) -> tuple[bytes, dict[str, Box]]:
    """Return the PDF bytes (as ``render`` gives them) and where each signature cell is.

    The mapping is ``anchor -> (page index, x, y, width, height)`` for every element id that
    starts with "sig-": the cell's border box in PDF points, origin at the bottom-left of its
    page (PDF user space), so a signature field can be placed exactly over it. Only the first
    page a cell appears on counts (a table row never splits, so there is only one).
    """
    laid_out = _layout(document)
    boxes = signature_boxes(laid_out)
    return add_signature_fields(_write(laid_out, document), signature_fields(document, boxes)), boxes


def signature_fields(document: Document, boxes: dict[str, Box]) -> list[FieldSpec]:
    """Return the signature fields a document gets: one per signature-table row, in table order.

    Only the MOP, the ISA and the annex get fields. Each field is named after the row's anchor
    and its tooltip names the agency, the signatory and their role. A row whose cell was not
    laid out gets no field.
    """
    if document.meta.kind not in SIGNED_KINDS:
        return []
    rows = [row for block in document.all_blocks if isinstance(block, SignatureTable) for row in block.rows]
    return [FieldSpec(row.anchor, boxes[row.anchor], f"Signature of {row.agency}"
                      + (f" ({row.signatory}, {row.role})" if row.signatory else ""))
            for row in rows if row.anchor in boxes]


def signature_boxes(laid_out) -> dict[str, Box]:
    """Return the signature-cell boxes of a laid-out WeasyPrint document (see ``render_with_anchors``).

    WeasyPrint's ``page.anchors`` holds ``(x1, y1, x2, y2)`` in CSS px from the page's top-left;
    this converts them to points with a bottom-left origin.
    """
    boxes: dict[str, Box] = {}
    for index, page in enumerate(laid_out.pages):
        page_height = page.height * PX_TO_PT
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if not name.startswith(SIGNATURE_PREFIX) or name in boxes:
                continue
            width, height = (x2 - x1) * PX_TO_PT, (y2 - y1) * PX_TO_PT
            boxes[name] = (index, round(x1 * PX_TO_PT, 3), round(page_height - y2 * PX_TO_PT, 3),
                           round(width, 3), round(height, 3))
    return boxes


def fetcher() -> LocalOnlyFetcher:
    """Return the process's URL fetcher: files inside templates/ only, everything else refused."""
    return _engine()[0]


def _layout(document: Document):
    """Return the WeasyPrint document (pages laid out, not yet written).

    Refuses (``RenderError``) when the page asks for a resource the fetcher refuses; WeasyPrint
    signals that with a ``BaseException``, which must not escape into the command line.
    """
    url_fetcher, stylesheet, font_config, _ = _engine()
    html = _MaracHTML(string=render_html(document, embed_css=False), base_url=str(data_dir("templates")),
                url_fetcher=url_fetcher)
    try:
        laid_out = html.render(stylesheets=[stylesheet], font_config=font_config, **_options(document))
        too_wide = overflowing_tables(laid_out)
        if too_wide:
            # A table sizes its columns to their longest words, so one word with nowhere to break
            # (a name or address of 60 letters) pushes the table past the margin and its last
            # columns off the page. Only such a table may break words anywhere: elsewhere an
            # email address stays whole. Laying out again is rare, and exact.
            breakable = CSS(string=" ".join(f'table[data-table="{number}"] td, table[data-table="{number}"] th '
                                            "{ overflow-wrap: anywhere }" for number in too_wide),
                            font_config=font_config)
            laid_out = html.render(stylesheets=[stylesheet, breakable], font_config=font_config,
                                   **_options(document))
        return laid_out
    except FatalURLFetchingError as exc:
        raise RenderError(f"{document.full_title}: {exc.__cause__ or exc}") from None


def overflowing_tables(laid_out) -> list[str]:
    """Return the numbers (``data-table``) of the tables of a laid-out WeasyPrint document that
    reach past the right edge of their page's text, in page order, each once. Refuses nothing."""
    found: dict[str, None] = {}
    for page in laid_out.pages:
        page_box = page._page_box  # WeasyPrint keeps each page's box tree here
        right = page_box.content_box_x() + page_box.width
        for box in page_box.descendants():
            number = box.element.get("data-table") if box.element_tag == "table" and box.element is not None else None
            if number and box.position_x + box.margin_width() > right + 0.5:
                found[number] = None
    return list(found)


def _write(laid_out, document: Document) -> bytes:
    return laid_out.write_pdf(**_options(document))


def _options(document: Document) -> dict:
    # The file identifier's first half is the edition; pydyf makes the second half an MD5 of
    # the file's objects, so both halves are functions of the content, never of the clock.
    identifier = (document.meta.fingerprint or "marac").encode("ascii")[:32]
    return {**PDF_OPTIONS, "pdf_identifier": identifier}


class _MaracHTML(HTML):
    """WeasyPrint's HTML document, styled with marac's narrowed user-agent stylesheet."""

    # WeasyPrint matches every rule of the user-agent stylesheet against every element; a rule
    # for forms or for dir="ltr" inside dir="rtl" inside dir="ltr" costs the same on every span of
    # a protocol that has none. This is the hook WeasyPrint's own tests override.
    def _ua_stylesheets(self, forms=False):
        return [_engine()[3]]


@functools.cache
def _engine() -> tuple[LocalOnlyFetcher, CSS, FontConfiguration, CSS]:
    """Return the fetcher, the parsed print stylesheet and its font configuration, and the parsed
    user-agent stylesheet, built once (and sets pydyf's compression level, ``pdf_compression``)."""
    use_default_level()
    url_fetcher = LocalOnlyFetcher(data_dir("templates"))
    font_config = FontConfiguration()
    # From the text, not the file, so its images go in inlined and the PDF's bytes do not depend
    # on the install folder; base_url keeps any other relative URL resolving as before.
    stylesheet = CSS(string=stylesheet_text(), base_url=stylesheet_path().as_uri(), url_fetcher=url_fetcher,
                     font_config=font_config)
    user_agent = CSS(filename=str(data_dir("templates") / USER_AGENT_STYLESHEET), url_fetcher=url_fetcher)
    return url_fetcher, stylesheet, font_config, user_agent
