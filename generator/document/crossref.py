"""Cross-references: "see section [9](#s-immigration)" in a clause becomes "see section 9",
with the number of the section as this document numbers it.

A clause cannot know its section's number (sections drop out with ``when`` and ``exclude``), so
it names the section's anchor and the assembler fills the number in once every heading is
numbered. The run keeps its ``#anchor`` link, which the writers turn into an internal link (PDF)
and a REF field to the heading's bookmark (DOCX), so Word renumbers it with the sections.
"""

from __future__ import annotations

import dataclasses

from ..errors import ClauseLibraryError, Problem
from .model import Block, Heading, ListBlock, Paragraph, Run


def resolve_references(blocks: list[Block], document: str) -> list[Block]:
    """Return ``blocks`` with each cross-reference run's text set to its section's number.

    Refuses (``ClauseLibraryError``) a reference to a section that is not in the document or
    has no number, naming the anchor, since a dangling "see section" would mislead a reader.
    """
    numbers = {b.anchor: b.number for b in blocks if isinstance(b, Heading) and b.anchor}
    problems: list[Problem] = []

    def fix(runs: tuple[Run, ...]) -> tuple[Run, ...]:
        out = []
        for run in runs:
            if run.href and run.href.startswith("#"):
                number = numbers.get(run.href[1:])
                if not number:
                    problems.append(Problem(document, None, "cross-reference", (
                        f"refers to {run.href}, which is no numbered section of this document; "
                        "name a section that it includes (s-<section id>)")))
                    number = run.text
                run = dataclasses.replace(run, text=number)
            out.append(run)
        return tuple(out)

    resolved: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            block = dataclasses.replace(block, runs=fix(block.runs))
        elif isinstance(block, ListBlock):
            block = dataclasses.replace(block, items=tuple(fix(item) for item in block.items))
        resolved.append(block)
    if problems:
        raise ClauseLibraryError(problems)
    return resolved
