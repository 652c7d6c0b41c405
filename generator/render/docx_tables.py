"""Tables in the DOCX writer: the document-control (version) table and the signature table.

Both use the reference's "Marac Table" style (borders, padding, shaded bold header row) and
its "Table Heading"/"Table Text" paragraph styles. What a table style cannot say is set
here as row and table properties: the header row repeating on every page (w:tblHeader),
rows that never split across a page (w:cantSplit), row height and column widths.
"""

from __future__ import annotations

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Twips

from ..document.model import SignatureTable, Table
from .docx_inline import Bookmarks, StyleBook, add_text, set_paragraph_style

# Tall enough to sign in with a pen, short enough for about twelve partners a page.
SIGNATURE_ROW_HEIGHT = Cm(1.4)  # the PDF's too (print.css), so both break pages alike
# Agency, Signatory, Role, Signature, Date: the signature gets the room a hand needs, the
# date room for "12/03/2026" written by hand.
SIGNATURE_WIDTHS = (0.25, 0.18, 0.24, 0.20, 0.13)


def text_width(document) -> Emu:
    """Return the width between the margins of the document's last section."""
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)


def write_table(document, block: Table, styles: StyleBook) -> None:
    """Append ``block`` (e.g. the version table) with a repeating bold header row, as wide
    as the text. Widths that do not match the columns fall back to equal columns."""
    table = _new_table(document, block.header, block.widths, styles)
    for values in block.rows:
        row = table.add_row()
        _mark_row(row, header=False)
        for cell, value in zip(row.cells, values, strict=False):
            _fill(cell, value, styles.id("Table Text"))


def write_signature_table(document, block: SignatureTable, styles: StyleBook, bookmarks: Bookmarks) -> None:
    """Append the signature table: one row per partner, each tall enough to sign in and
    never split across pages, the header repeated on every page, and a bookmark named after
    the row's anchor on its (empty) signature cell."""
    widths = SIGNATURE_WIDTHS if len(block.header) == len(SIGNATURE_WIDTHS) else ()
    table = _new_table(document, block.header, widths, styles)
    for partner in block.rows:
        row = table.add_row()
        row.height = SIGNATURE_ROW_HEIGHT
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _mark_row(row, header=False)
        cells = row.cells
        for cell, value in zip(cells, (partner.agency, partner.signatory, partner.role, "", ""), strict=False):
            _fill(cell, value, styles.id("Table Text"))
        if len(cells) > 3:
            bookmarks.wrap(cells[3]._tc.p_lst[0], partner.anchor)


def _new_table(document, header: tuple[str, ...], widths: tuple[float, ...], styles: StyleBook):
    """Return a one-row (header) table with fixed column widths summing to the text width."""
    columns = len(header)
    table = document.add_table(rows=1, cols=columns, style=styles["Marac Table"])
    total = text_width(document).twips
    if len(widths) != columns or sum(widths) <= 0:
        widths = (1.0,) * columns
    scale = sum(widths)
    # Whole twips (what w:gridCol holds), rounded down, so the columns never add up to more
    # than the text width.
    column_widths = [Twips(int(total * w / scale)) for w in widths]
    # A fixed layout with an explicit width: Word and LibreOffice then use our columns
    # instead of fitting them to the text, so the table can never run past the margin.
    table.autofit = False
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(w.twips for w in column_widths)))
    for column, width in zip(table.columns, column_widths, strict=True):
        column.width = width
    header_row = table.rows[0]
    _mark_row(header_row, header=True)
    # Rows added later take their cell widths (w:tcW, which Word reads) from the grid
    # (w:gridCol, which LibreOffice reads); the header row was made before, so set its own.
    for cell, label, width in zip(header_row.cells, header, column_widths, strict=True):
        cell.width = width
        _fill(cell, label, styles.id("Table Heading"))
    return table


def _fill(cell, value: str, style_id: str) -> None:
    p = cell._tc.p_lst[0]  # a new cell holds one empty paragraph
    set_paragraph_style(p, style_id)
    if value:
        add_text(p, value)


def _mark_row(row, header: bool) -> None:
    """Set w:cantSplit (and w:tblHeader on the header row) in the schema's order: cantSplit
    before trHeight, tblHeader after it."""
    tr_pr = row._tr.get_or_add_trPr()
    height = tr_pr.find(qn("w:trHeight"))
    cant_split = OxmlElement("w:cantSplit")
    if height is not None:
        height.addprevious(cant_split)
    else:
        tr_pr.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        (height.addnext if height is not None else tr_pr.append)(repeat)
