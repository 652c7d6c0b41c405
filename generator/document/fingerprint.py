"""The edition fingerprint: SHA-256 over a Document's canonical text, not over file bytes.

The canonical text is a plain, stable rendering of every block (numbers, words, emphasis
marks, link targets, table cells). It is what an edition archives, so that two editions can
be compared, and what partners' signatures are bound to.
"""

from __future__ import annotations

import hashlib

from .model import Document, Heading, ListBlock, PageBreak, Paragraph, Run, SignatureTable, Table

CANONICAL_FORMAT = "marac-canonical/1"


def runs_text(runs: tuple[Run, ...], marks: bool = False) -> str:
    """Return the runs' text; with ``marks``, bold as **x**, italic as *x* and links as x <url>."""
    parts = []
    for run in runs:
        text = run.text
        if marks:
            if run.strong:
                text = f"**{text}**"
            if run.emphasis:
                text = f"*{text}*"
            if run.href:
                text = f"{text} <{run.href}>"
        parts.append(text)
    return "".join(parts)


def canonical_text(document: Document) -> str:
    """Return the document's canonical text: one line per paragraph, item, heading or row."""
    meta = document.meta
    lines = [
        CANONICAL_FORMAT,
        f"document: {meta.kind}",
        f"title: {meta.title}",
        f"marac: {meta.marac}",
        f"version: {meta.version}",
        "",
    ]
    for block in document.blocks:
        lines.extend(_block_lines(block))
    return "\n".join(lines).rstrip("\n") + "\n"


def _block_lines(block) -> list[str]:
    if isinstance(block, Heading):
        prefix = f"{block.number} " if block.number else ""
        return ["", f"{'#' * block.level} {prefix}{runs_text(block.runs)}"]
    if isinstance(block, Paragraph):
        prefix = f"{block.number} " if block.number else ""
        return [f"{prefix}{runs_text(block.runs, marks=True)}"]
    if isinstance(block, ListBlock):
        return [
            f"{f'{i}.' if block.ordered else '-'} {runs_text(item, marks=True)}"
            for i, item in enumerate(block.items, start=1)
        ]
    if isinstance(block, Table):
        return [" | ".join(block.header)] + [" | ".join(row) for row in block.rows]
    if isinstance(block, SignatureTable):
        return [" | ".join(block.header)] + [
            f"{row.agency} | {row.signatory} | {row.role} |  | " for row in block.rows
        ]
    if isinstance(block, PageBreak):
        return ["---"]
    raise TypeError(f"unknown block {type(block).__name__}")


def fingerprint(document: Document) -> str:
    """Return the full SHA-256 hex digest of the document's canonical text."""
    return hashlib.sha256(canonical_text(document).encode("utf-8")).hexdigest()


def block_lines(block) -> list[str]:
    """Return one block's canonical lines (as in the fingerprinted text); refuses (TypeError) unknown blocks."""
    return _block_lines(block)
