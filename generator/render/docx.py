"""The DOCX writer: a ``Document`` model -> Word bytes, over templates/reference.docx.

Like pandoc's reference.docx, the shipped reference defines every style (fonts, sizes,
colours, spacing, indents, numbering, page size and margins); this module only picks style
names and adds what no style can carry: the text, numbers, links, bookmarks, page fields,
and table row properties. Restyle the documents in scripts/make_reference_docx.py.

Section and paragraph numbers ("3", "3.2") are Word's own: the reference links Heading 1 and
Numbered Paragraph to one multilevel list (numbering.xml), and each numbered paragraph carries
its w:numPr, so Word renumbers on edit and its navigation pane and cross-references use them.
They read the same as the model's numbers (1, 1.1, 1.2 ...), which the PDF prints, because both
count the same paragraphs; unnumbered Heading 1s (Document control, Signatures) switch the list
off (numId 0). A house style whose headings have no list gets the numbers as typed text.

The front page follows the PDF's: logo, title block, title page details (title_page.py), the
DRAFT line and watermark for text that is not an issued edition, then the contents list (a TOC
field, docx_front.py); the first numbered section starts a new page.
"""

from __future__ import annotations

import io

import docx

from ..document.model import Document, Heading, ListBlock, PageBreak, Paragraph, SignatureTable, Table
from .docx_front import contents, detail_paragraph, logo_run, watermark_run
from .docx_inline import Bookmarks, StyleBook, add_field, add_runs, add_text, new_paragraph, set_paragraph_style
from .docx_package import document_timestamp, reference_bytes, reproducible_zip, set_core_properties, styles_only
from .docx_tables import write_signature_table, write_table
from .title_page import DRAFT_TEXT, details, front_end

PARAGRAPH_STYLES = {
    "": "Body Text",
    "title": "Title",
    "subtitle": "Subtitle",
    "meta": "Document Meta",
    "note": "Note",
    "small": "Small",
    "quote": "Quote",
}
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}


def render(document: Document) -> bytes:
    """Return the document as DOCX bytes; the same document always gives the same bytes.

    Refuses (``ValueError``) a paragraph style, heading level or block the writer does not
    know, rather than guessing how it should look; (``LookupError``) a reference.docx that
    lacks a style the writer uses.
    """
    word = docx.Document(io.BytesIO(document.meta.house_style or reference_bytes()))
    styles_only(word)  # a reference gives styles, never words (docx_package)
    styles = StyleBook(word)
    body = _Body(word, styles)
    blocks = document.all_blocks
    if document.meta.logo is not None:
        body.logo(document.meta.logo)
    front = front_end(blocks)
    for index, block in enumerate(blocks):
        if index == front and front > 0:  # a document with a title block has a title page
            body.title_page(document)
        if (isinstance(block, Heading) and block.level == 1 and block.number and index > 0
                and not body.contents_written):
            body.contents(blocks)
        body.write(block)
    body.finish()
    _page_furniture(word, document, styles)
    set_core_properties(word.core_properties, document.meta, document.full_title, edition_label(document))
    buffer = io.BytesIO()
    word.save(buffer)
    return reproducible_zip(buffer.getvalue(), document_timestamp(document.meta.date))


def edition_label(document: Document) -> str:
    """Return "Edition " and the first 12 hex characters of the fingerprint ("" if none)."""
    return f"Edition {document.short_fingerprint}" if document.meta.fingerprint else ""


class _Body:
    """Writes blocks in order into the document body."""

    def __init__(self, word, styles: StyleBook):
        self.word = word
        self.styles = styles
        self.bookmarks = Bookmarks()
        self.break_pending = False
        self.lead_in = None  # the last block, if it was a paragraph: it may introduce a list
        self.numbering = word.part.numbering_part.element
        self.section_properties = word.element.body.sectPr  # new blocks go before it
        self.outline = _outline_num_id(styles)
        self.previous_style = None  # the style of the last block, if it was a paragraph
        self.contents_written = False
        self.after_heading = False  # the last block was a heading

    def logo(self, image) -> None:
        """Put the logo at the top of the title page."""
        self._new_paragraph("Normal").append(logo_run(self.word, image))

    def title_page(self, document: Document) -> None:
        """Add the title page details (version and edition, issued, owner, marking) and, for
        text that is not an issued edition, the DRAFT line."""
        for label, value in details(document.meta, edition_label(document).removeprefix("Edition ")):
            self.section_properties.addprevious(
                detail_paragraph(self.styles.id("Title Page Detail"), label, value))
        if document.meta.draft:
            add_text(self._new_paragraph("Draft Mark"), DRAFT_TEXT)

    def contents(self, blocks) -> None:
        """Add the contents list (every heading of levels 1-2, as Word's TOC field lists them)
        before the first section, which then starts a new page, as in the PDF."""
        entries = [(b.level, b.number or "", "".join(r.text for r in b.runs), b.anchor)
                   for b in blocks if isinstance(b, Heading) and b.level <= 2 and b.anchor]
        self.section_properties.addprevious(contents(entries, self.styles))
        self.contents_written = True
        self.break_pending = True

    def write(self, block) -> None:
        """Append one block. Refuses (``ValueError``) an unknown block or style."""
        if isinstance(block, (ListBlock, Table, SignatureTable)) and self.lead_in is not None:
            # "The aims are to:" or "By signing, ...": never left alone at a page foot,
            # away from the list or table it introduces.
            self.lead_in.get_or_add_pPr().keepNext_val = True
        self.lead_in = None
        follows_heading, self.after_heading = self.after_heading, isinstance(block, Heading)
        if not isinstance(block, Paragraph):
            self.previous_style = None
        if isinstance(block, PageBreak):
            self.break_pending = True
        elif isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
            if follows_heading and block.style == "note":
                # A schedule's "not part of the signed text" note stays with what it is about,
                # so its heading and note are never left alone at a page foot.
                self.lead_in.get_or_add_pPr().keepNext_val = True
        elif isinstance(block, ListBlock):
            self._list(block)
        elif isinstance(block, Table):
            self._before_table(block.caption)
            write_table(self.word, block, self.styles)
        elif isinstance(block, SignatureTable):
            self._before_table(block.caption)
            write_signature_table(self.word, block, self.styles, self.bookmarks)
        else:
            raise ValueError(f"the DOCX writer does not know the block {type(block).__name__}")

    def finish(self) -> None:
        """A page break at the very end would only add a blank page: drop it."""
        self.break_pending = False

    def _new_paragraph(self, style_name: str):
        p = new_paragraph(self.styles.id(style_name))
        if self.break_pending:
            # "Page break before" on the next paragraph, not a break character: a break
            # character leaves an empty line at the top of the new page.
            p.get_or_add_pPr().pageBreakBefore_val = True
            self.break_pending = False
        self.section_properties.addprevious(p)
        return p

    def _before_table(self, caption: str) -> None:
        if caption:
            add_text(self._new_paragraph("Caption"), caption)
        elif self.break_pending:
            # A table cannot carry "page break before" reliably in both Word and
            # LibreOffice, so here the break is a break character in an empty paragraph.
            self.word.add_page_break()
            self.break_pending = False

    def _heading(self, block: Heading) -> None:
        if block.level not in HEADING_STYLES or block.style:
            raise ValueError(f"the DOCX writer has no heading of level {block.level} "
                             f"and style {block.style!r}")
        paragraph = self._new_paragraph(HEADING_STYLES[block.level])
        if block.level == 1:
            self._number(paragraph, block.number, level=0)
        elif block.number:
            add_text(paragraph, f"{block.number}\t")
        add_runs(paragraph, block.runs, self.styles, self.word.part)
        self.bookmarks.wrap(paragraph, block.anchor)

    def _paragraph(self, block: Paragraph) -> None:
        if block.style not in PARAGRAPH_STYLES:
            raise ValueError(f"the DOCX writer has no paragraph style {block.style!r}")
        numbered = bool(block.number) and block.style == ""
        style_name = "Numbered Paragraph" if numbered else PARAGRAPH_STYLES[block.style]
        if block.style == "subtitle" and self.previous_style == "subtitle":
            style_name = "Subtitle Line"  # a second subtitle is smaller, as in print.css
        self.previous_style = block.style
        paragraph = self._new_paragraph(style_name)
        if numbered:
            self._number(paragraph, block.number, level=1)
        elif block.number:
            add_text(paragraph, f"{block.number}\t")
        add_runs(paragraph, block.runs, self.styles, self.word.part)
        self.lead_in = paragraph

    def _number(self, paragraph, number: str | None, level: int) -> None:
        """Number ``paragraph`` through Word's list at ``level``, or switch the list off for an
        unnumbered heading; typed numbers when the reference has no list."""
        if self.outline is None:
            if number:
                add_text(paragraph, f"{number}\t")
            return
        num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = self.outline if number else 0

    def _list(self, block: ListBlock) -> None:
        if block.style:
            raise ValueError(f"the DOCX writer has no list style {block.style!r}")
        style_name = "List Number" if block.ordered else "List Bullet"
        # Each numbered list restarts at 1: a new numbering instance with a start override.
        # Sharing the style's own instance would number the second list on from the first.
        num_id = self._restarted_numbering(style_name) if block.ordered else None
        for item in block.items:
            paragraph = self._new_paragraph(style_name)
            if num_id is not None:
                num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            add_runs(paragraph, item, self.styles, self.word.part)

    def _restarted_numbering(self, style_name: str) -> int:
        style_num_pr = self.styles[style_name].element.pPr.numPr
        abstract_id = self.numbering.num_having_numId(style_num_pr.numId.val).abstractNumId.val
        num = self.numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId


def _outline_num_id(styles: StyleBook) -> int | None:
    """Return the numId of the list the reference links to Heading 1, or None if it has none."""
    properties = styles["Heading 1"].element.pPr
    num_pr = properties.numPr if properties is not None else None
    if num_pr is None or num_pr.numId is None:
        return None
    return num_pr.numId.val


def _page_furniture(word, document: Document, styles: StyleBook) -> None:
    """Header: the Marac's name, the protective marking (centred, bold) and the document's
    title, and behind the text of a draft the DRAFT watermark. Footer: version, edition and
    "Page X of Y" as PAGE and NUMPAGES fields, so the edition of a loose page is known."""
    meta = document.meta
    for section in word.sections:
        header = section.header.paragraphs[0]._p
        set_paragraph_style(header, styles.id("Header"))
        add_text(header, f"{meta.marac}\t")
        add_text(header, meta.protective_marking, strong=True)
        add_text(header, f"\t{meta.title}")
        if meta.draft:
            header.append(watermark_run())
        footer = section.footer.paragraphs[0]._p
        set_paragraph_style(footer, styles.id("Footer"))
        left = " · ".join(part for part in (f"Version {meta.version}", edition_label(document)) if part)
        add_text(footer, f"{left}\tPage ")
        add_field(footer, "PAGE")
        add_text(footer, " of ")
        add_field(footer, "NUMPAGES")
