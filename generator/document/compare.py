"""Compare two editions' document models: a summary by clause and a redline Document.

The signed text is split into groups at anchored headings (the title, document control, each
section heading, each clause ``c-<id>``, the signatures). Groups are matched by anchor, blocks
within a group by their words, and paragraphs that changed are compared word by word
(``difflib``), so the redline marks exactly the words deleted (``Run.change == "del"``) and
inserted (``"ins"``). Writers render those marks; this module only builds the model. Pure.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass

from .fingerprint import runs_text
from .model import Block, Document, Heading, ListBlock, PageBreak, Paragraph, Run, SignatureTable, Table
from .schedules import REVISED_STYLE, TITLES, schedule_sections

_TOKEN = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class ClauseChange:
    """One changed part of the signed text: ``how`` is added, removed, reworded or changed."""

    key: str  # "c-<clause id>", "document-control", "signatures", "title", "s-<section>"
    title: str
    how: str
    detail: str = ""

    @property
    def line(self) -> str:
        """Return the change as one line of the summary."""
        return f"  {self.how:9} {self.title}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Comparison:
    """What changed from ``old`` to ``new``: per-part changes, notes and the redline model."""

    old: Document
    new: Document
    changes: tuple[ClauseChange, ...]
    notes: tuple[str, ...]
    redline: Document

    @property
    def unchanged(self) -> bool:
        """Return True when the signed texts have the same words (version numbers aside)."""
        return not self.changes

    def summary(self, label_old: str, label_new: str) -> str:
        """Return the plain summary a signatory reads: one line per changed clause, then notes."""
        lines = [f"{self.new.meta.title}: changes from {label_old} to {label_new}"]
        if not self.changes:
            lines.append("  No clause changed.")
        lines += [change.line for change in self.changes]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def compare(old: Document, new: Document, old_versions: dict[str, int] | None = None,
            new_versions: dict[str, int] | None = None, heading: str = "") -> Comparison:
    """Return the comparison of two documents of the same kind (``old_versions``/``new_versions``:
    clause id -> library version, to tell a library revision from a settings change)."""
    old_versions, new_versions = old_versions or {}, new_versions or {}
    old_groups, new_groups = _groups(old.blocks), _groups(new.blocks)
    old_keys, new_keys = [k for k, _ in old_groups], [k for k, _ in new_groups]
    old_map, new_map = dict(old_groups), dict(new_groups)
    changes: list[ClauseChange] = []
    redline: list[Block] = []
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for key in new_keys[b1:b2]:
                redline += _group_redline(key, old_map[key], new_map[key], changes, old_versions, new_versions)
            continue
        for key in old_keys[a1:a2]:
            if key not in new_map:
                changes.append(ClauseChange(key, _title(old_map[key]), "removed"))
                redline += [_mark(b, "del") for b in _for_redline(old_map[key])]
        for key in new_keys[b1:b2]:
            if key in old_map:
                redline += _group_redline(key, old_map[key], new_map[key], changes, old_versions, new_versions)
            else:
                changes.append(ClauseChange(key, _title(new_map[key]), "added"))
                redline += [_mark(b, "ins") for b in _for_redline(new_map[key])]
    notes = []
    if old.meta.library_version != new.meta.library_version:
        notes.append(f"clause library version changed: {old.meta.library_version} to {new.meta.library_version}")
    old_schedules, new_schedules = _schedule_contents(old), _schedule_contents(new)
    moved = sorted(TITLES.get(k, k) for k in set(old_schedules) | set(new_schedules)
                   if old_schedules.get(k) != new_schedules.get(k))
    if moved:
        notes.append("schedules updated (not part of the signed text): " + "; ".join(moved))
    intro = [Paragraph((Run(heading or "Comparison of two texts; not for signature."),), style="note")]
    if changes:
        intro.append(ListBlock(items=tuple((Run(c.line.strip()),) for c in changes)))
    document = dataclasses.replace(new, blocks=tuple(intro + redline), schedules=())
    return Comparison(old, new, tuple(changes), tuple(notes), document)


def _schedule_contents(document: Document) -> dict[str, list[str]]:
    """Return schedule id -> its words, leaving out revision-date lines and the version history
    (which change with every edition)."""
    out = {}
    for name, blocks in schedule_sections(document):
        if name == "history":
            continue
        out[name] = [_words(b) for b in blocks if not (isinstance(b, Paragraph) and b.style == REVISED_STYLE
                                                       and runs_text(b.runs).startswith("Revised "))]
    return out


def _groups(blocks: tuple[Block, ...]) -> list[tuple[str, list[Block]]]:
    groups: list[tuple[str, list[Block]]] = [("title", [])]
    for block in blocks:
        if isinstance(block, Heading) and block.anchor and block.level <= 2:
            groups.append((block.anchor, [block]))
        else:
            groups[-1][1].append(block)
    return [(key, items) for key, items in groups if items]


def _title(blocks: list[Block]) -> str:
    head = blocks[0]
    if isinstance(head, Heading):
        number = f"{head.number} " if head.number else ""
        return number + runs_text(head.runs)
    return "Title page"


def _words(block: Block) -> str:
    """Return a block's words without its paragraph number (numbers shift when a paragraph is added)."""
    if isinstance(block, (Heading, Paragraph)):
        return runs_text(block.runs, marks=True)
    if isinstance(block, ListBlock):
        return "\n".join(runs_text(item, marks=True) for item in block.items)
    if isinstance(block, Table):
        return "\n".join([" | ".join(block.header)] + [" | ".join(r) for r in block.rows])
    if isinstance(block, SignatureTable):
        return "\n".join(row.agency for row in block.rows)
    return "---"


def _for_redline(blocks: list[Block]) -> list[Block]:
    """Return the blocks with the signature table as a list of agencies (a redline is not signed)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, SignatureTable):
            out.append(ListBlock(items=tuple((Run(row.agency),) for row in block.rows)))
        elif not isinstance(block, PageBreak):
            out.append(block)
    return out


def _group_redline(key: str, old: list[Block], new: list[Block], changes: list[ClauseChange],
                   old_versions: dict[str, int], new_versions: dict[str, int]) -> list[Block]:
    old_blocks, new_blocks = _for_redline(old), _for_redline(new)
    old_words, new_words = [_words(b) for b in old_blocks], [_words(b) for b in new_blocks]
    if old_words == new_words:
        return new_blocks
    changes.append(_describe(key, old, new, old_versions, new_versions))
    out: list[Block] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out += new_blocks[b1:b2]
            continue
        olds, news = old_blocks[a1:a2], new_blocks[b1:b2]
        paired = 0
        while paired < min(len(olds), len(news)) and _pairable(olds[paired], news[paired]):
            out.append(_word_diff_block(olds[paired], news[paired]))
            paired += 1
        out += [_mark(b, "del") for b in olds[paired:]]
        out += [_mark(b, "ins") for b in news[paired:]]
    return out


def _describe(key: str, old: list[Block], new: list[Block], old_versions: dict[str, int],
              new_versions: dict[str, int]) -> ClauseChange:
    title = _title(new)
    if key.startswith("c-"):
        clause = key[2:]
        before, after = old_versions.get(clause), new_versions.get(clause)
        if before is not None and after is not None and before != after:
            return ClauseChange(key, title, "reworded", f"clause revised in the library, version {before} to {after}")
        return ClauseChange(key, title, "reworded", "settings changed")
    signatures_old = [r.agency for b in old if isinstance(b, SignatureTable) for r in b.rows]
    signatures_new = [r.agency for b in new if isinstance(b, SignatureTable) for r in b.rows]
    if signatures_old != signatures_new:
        added = [a for a in signatures_new if a not in signatures_old]
        removed = [a for a in signatures_old if a not in signatures_new]
        parts = ([f"partners added: {', '.join(added)}"] if added else []) + (
            [f"partners removed: {', '.join(removed)}"] if removed else [])
        return ClauseChange(key, title, "changed", "; ".join(parts) or "partners reordered")
    return ClauseChange(key, title, "changed")  # the title, document control: version and dates


def _pairable(old: Block, new: Block) -> bool:
    return type(old) is type(new) and isinstance(old, (Heading, Paragraph, ListBlock))


def _mark(block: Block, change: str) -> Block:
    if isinstance(block, (Heading, Paragraph)):
        return dataclasses.replace(block, runs=tuple(dataclasses.replace(r, change=change) for r in block.runs))
    if isinstance(block, ListBlock):
        return dataclasses.replace(block, items=tuple(
            tuple(dataclasses.replace(r, change=change) for r in item) for item in block.items))
    return block  # a table cannot carry marks; the summary names the change


def _word_diff_block(old: Block, new: Block) -> Block:
    if isinstance(new, ListBlock):
        return dataclasses.replace(new, items=_list_diff(old.items, new.items))
    return dataclasses.replace(new, runs=word_diff(old.runs, new.runs))


def _list_diff(old: tuple, new: tuple) -> tuple:
    keys_old = [runs_text(i, marks=True) for i in old]
    keys_new = [runs_text(i, marks=True) for i in new]
    items: list[tuple[Run, ...]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False).get_opcodes():
        if op == "equal":
            items += new[b1:b2]
            continue
        olds, news = old[a1:a2], new[b1:b2]
        common = min(len(olds), len(news))
        items += [word_diff(olds[i], news[i]) for i in range(common)]
        items += [tuple(dataclasses.replace(r, change="del") for r in item) for item in olds[common:]]
        items += [tuple(dataclasses.replace(r, change="ins") for r in item) for item in news[common:]]
    return tuple(items)


def word_diff(old: tuple[Run, ...], new: tuple[Run, ...]) -> tuple[Run, ...]:
    """Return ``new``'s runs with the words deleted from ``old`` and inserted into ``new`` marked."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=[t.text.rstrip() for t in old_tokens],
                                      b=[t.text.rstrip() for t in new_tokens], autojunk=False)
    out: list[Run] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out += new_tokens[b1:b2]
            continue
        out += [dataclasses.replace(t, change="del") for t in old_tokens[a1:a2]]
        out += [dataclasses.replace(t, change="ins") for t in new_tokens[b1:b2]]
    return _merge(out)


def _tokens(runs: tuple[Run, ...]) -> list[Run]:
    return [dataclasses.replace(run, text=piece) for run in runs for piece in _TOKEN.findall(run.text)]


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if merged and dataclasses.replace(merged[-1], text="") == dataclasses.replace(run, text=""):
            merged[-1] = dataclasses.replace(merged[-1], text=merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)
