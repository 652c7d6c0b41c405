"""What to add: the library clauses that close each gap, optionally filled in for one Marac.

Without settings a clause is given as the library holds it (placeholders showing). With a
Marac's settings the document is assembled for that Marac and each clause's blocks are taken
from it, so the text is exactly what a generated protocol would say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document.model import Block, Heading, ListBlock, Paragraph
from ..library.clauses import Clause, Library

if TYPE_CHECKING:
    from ..settings.loader import LoadedSettings


@dataclass(frozen=True)
class Remedy:
    """One clause to add: id, title, library section, G-ids, its text and (filled in) its blocks."""

    id: str
    title: str
    section: str
    covers: tuple[str, ...]
    text: str
    blocks: tuple[Block, ...] = ()  # only when filled in with a Marac's settings
    filled: bool = False


def clauses_for_requirement(library: Library, kind: str, gid: str) -> list[Clause]:
    """Return the library clauses for document ``kind`` that cover ``gid``, mandatory ones first."""
    found = [c for c in library.clauses if gid in c.covers and kind in c.applies_to]
    return sorted(found, key=lambda c: not c.mandatory)


def clauses_for_section(library: Library, kind: str, sections: tuple[str, ...]) -> list[Clause]:
    """Return the library clauses for ``kind`` in any of the library ``sections``."""
    return [c for c in library.clauses if c.section in sections and kind in c.applies_to]


def remedies(library: Library, kind: str, clause_ids: list[str], loaded: LoadedSettings | None) -> list[Remedy]:
    """Return one ``Remedy`` per clause id, in library order, filled in when ``loaded`` is given.

    Refuses (``ClauseLibraryError``, from the assembler) a library clause that cannot be filled.
    A clause the Marac's settings leave out (its ``when`` is false) keeps its library text.
    """
    by_id = library.by_id()
    wanted = [c for c in library.clauses if c.id in set(clause_ids)]
    blocks = _assembled_blocks(library, kind, loaded) if loaded is not None else {}
    result = []
    for clause in wanted:
        own = blocks.get(clause.id)
        text = plain_text(own) if own else clause.text.strip()
        result.append(Remedy(id=clause.id, title=clause.title, section=clause.section, covers=clause.covers,
                             text=text, blocks=tuple(own or ()), filled=bool(own)))
    assert all(c.id in by_id for c in wanted)
    return result


def _assembled_blocks(library: Library, kind: str, loaded: LoadedSettings) -> dict[str, list[Block]]:
    """Return each clause's blocks as assembled for this Marac, keyed by clause id."""
    from ..document.assemble import assemble  # Jinja2 and Markdown only when filling in

    document = assemble(loaded, library, kind)
    found: dict[str, list[Block]] = {}
    current: list[Block] | None = None
    for block in document.blocks:
        if isinstance(block, Heading):
            if block.level == 2 and block.anchor and block.anchor.startswith("c-"):
                current = found.setdefault(block.anchor[2:], [])
                continue
            current = None
            continue
        if current is not None:
            current.append(block)
    return found


def plain_text(blocks) -> str:
    """Return blocks as plain text: paragraphs separated by blank lines, list items as "- item"."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append("".join(run.text for run in block.runs))
        elif isinstance(block, ListBlock):
            out.append("\n".join(f"- {''.join(run.text for run in item)}" for item in block.items))
    return "\n\n".join(out)
