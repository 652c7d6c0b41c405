"""A redline as a Word document with real tracked changes (``w:ins`` / ``w:del``).

The input is the redline model from ``document.compare``: runs marked ``change="ins"`` become
insertions and ``"del"`` deletions, authored "Marac protocol generator" and dated at the day
the newer text was issued, so Word's Review pane can accept or reject each one. A plain,
self-contained layout (python-docx's default styles): a redline is read and reviewed, never
signed. Imports only the model.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document.model import Document, Heading, ListBlock, Paragraph, Run, SignatureTable, Table

AUTHOR = "Marac protocol generator"


def render_redline(document: Document, changed_on: dt.date) -> bytes:
    """Return the DOCX bytes of a redline model; changes are dated ``changed_on`` (midnight UTC)."""
    word = docx.Document()
    properties = word.core_properties
    properties.title = document.meta.title
    properties.author = AUTHOR
    stamp = dt.datetime.combine(changed_on, dt.time(0, 0))
    properties.created = properties.modified = stamp
    ids = itertools.count(1)
    date = f"{changed_on.isoformat()}T00:00:00Z"
    word.add_heading(document.full_title, level=0)
    for block in document.blocks:
        if isinstance(block, Heading):
            paragraph = word.add_heading(level=min(block.level, 3))
            _add_runs(paragraph, _numbered(block.number, block.runs), ids, date)
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph()
            _add_runs(paragraph, _numbered(block.number, block.runs), ids, date)
        elif isinstance(block, ListBlock):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                _add_runs(word.add_paragraph(style=style), item, ids, date)
        elif isinstance(block, Table):
            _add_table(word, block.header, block.rows)
        elif isinstance(block, SignatureTable):
            _add_table(word, ("Agency",), tuple((row.agency,) for row in block.rows))
    stream = io.BytesIO()
    word.save(stream)
    return stream.getvalue()


def _numbered(number: str | None, runs: tuple[Run, ...]) -> tuple[Run, ...]:
    return ((Run(f"{number} "),) + runs) if number else runs


def _add_table(word, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    table = word.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text


def _add_runs(paragraph, runs: tuple[Run, ...], ids, date: str) -> None:
    for run in runs:
        element = _run_element(run)
        if run.change in ("ins", "del"):
            wrapper = OxmlElement(f"w:{run.change}")
            wrapper.set(qn("w:id"), str(next(ids)))
            wrapper.set(qn("w:author"), AUTHOR)
            wrapper.set(qn("w:date"), date)
            wrapper.append(element)
            element = wrapper
        paragraph._p.append(element)


def _run_element(run: Run):
    r = OxmlElement("w:r")
    if run.strong or run.emphasis or run.href:
        properties = OxmlElement("w:rPr")
        if run.strong:
            properties.append(OxmlElement("w:b"))
        if run.emphasis:
            properties.append(OxmlElement("w:i"))
        if run.href:
            underline = OxmlElement("w:u")
            underline.set(qn("w:val"), "single")
            properties.append(underline)
        r.append(properties)
    text = OxmlElement("w:delText" if run.change == "del" else "w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = run.text + (f" <{run.href}>" if run.href else "")
    r.append(text)
    return r
