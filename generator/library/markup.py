"""Parse the clause library's Markdown subset into model blocks (markdown-it-py).

The subset: paragraphs, bullet and numbered lists, bold, italic, links. Raw HTML is off,
so ``<script>`` stays text. Links keep only http(s) and mailto targets, and ``#s-<section>``
cross-references (``see section [9](#s-immigration)``), whose text the assembler replaces
with the section's number (generator/document/crossref.py).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..document.model import ListBlock, Paragraph, Run

_SAFE_SCHEMES = ("https://", "http://", "mailto:", "#s-")
_PARSER = MarkdownIt("zero").enable(["emphasis", "list", "link", "escape", "newline", "entity"])


def parse_markdown(text: str) -> list[Paragraph | ListBlock]:
    """Return the paragraphs and lists of ``text``, in order, as unnumbered model blocks."""
    tokens = _PARSER.parse(text)
    blocks: list[Paragraph | ListBlock] = []
    list_stack: list[tuple[bool, list[tuple[Run, ...]]]] = []
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_stack.append((token.type == "ordered_list_open", []))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            ordered, items = list_stack.pop()
            if list_stack:  # a nested list joins its parent's items, one level is enough on paper
                list_stack[-1][1].extend(items)
            else:
                blocks.append(ListBlock(items=tuple(items), ordered=ordered))
        elif token.type == "inline":
            runs = inline_runs(token.children or [])
            if not runs:
                continue
            if list_stack:
                list_stack[-1][1].append(runs)
            else:
                blocks.append(Paragraph(runs=runs))
    return blocks


def inline_runs(children: list[Token]) -> tuple[Run, ...]:
    """Return the inline tokens as runs, merging neighbours that share formatting."""
    runs: list[Run] = []
    strong = emphasis = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            emphasis += 1
        elif kind == "em_close":
            emphasis -= 1
        elif kind == "link_open":
            target = str(child.attrs.get("href", ""))
            href = target if target.startswith(_SAFE_SCHEMES) else None
        elif kind == "link_close":
            href = None
        elif kind in ("text", "text_special"):
            _append(runs, Run(child.content, bool(strong), bool(emphasis), href))
        elif kind in ("softbreak", "hardbreak"):
            _append(runs, Run(" ", bool(strong), bool(emphasis), href))
    return tuple(run for run in runs if run.text)


def _append(runs: list[Run], run: Run) -> None:
    if runs and (runs[-1].strong, runs[-1].emphasis, runs[-1].href) == (run.strong, run.emphasis, run.href):
        runs[-1] = Run(runs[-1].text + run.text, run.strong, run.emphasis, run.href)
    else:
        runs.append(run)
