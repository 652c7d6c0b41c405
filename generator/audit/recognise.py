"""Recognise each requirement and general section in a document: found, partial or not found.

A requirement is found when one part of the document (see ``text``) expresses every one of
its facets (``patterns.yaml``); the evidence is the first sentence for each facet, quoted with
where it is. Conflicts (``conflicts``) turn a requirement's status into ``conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .patterns import Patterns, RequirementRule, SectionRule, normalise
from .text import Text

FOUND, PARTIAL, NOT_FOUND, CONFLICT = "found", "partial", "not found", "conflict"


@dataclass(frozen=True)
class Evidence:
    """A quoted sentence and where it is in the document."""

    quote: str
    where: str


@dataclass(frozen=True)
class Finding:
    """The status of one requirement or section, with its evidence and the clauses that close a gap."""

    id: str
    title: str
    status: str
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()  # names of the facets not found
    clauses: tuple[str, ...] = field(default=())


def evidence_of(text: Text, sentence: int) -> Evidence:
    """Return the quote and place of sentence ``sentence``."""
    return Evidence(quote=text.sentences[sentence].quote, where=text.passage_of(sentence).where)


def recognise_requirement(text: Text, rule: RequirementRule, title: str) -> Finding:
    """Return the status of requirement ``rule`` in ``text`` with the evidence of the best part."""
    hits = [_facet_hits(text, rule, i) for i in range(len(rule.facets))]
    # A sentence that expresses several facets at once is the best evidence for each of them.
    weight: dict[int, int] = {}
    for sentences in hits:
        for sentence in sentences:
            weight[sentence] = weight.get(sentence, 0) + 1
    best: tuple[int, bool, list[int | None]] | None = None  # (facets matched, has first, sentence per facet)
    for part in range(len(text.parts)) if rule.scope != "document" else [None]:
        chosen = [_best_in(text, hits[i], part, rule.facets[i].scope, weight) for i in range(len(rule.facets))]
        count = sum(c is not None for c in chosen)
        key = (count, chosen[0] is not None)
        if best is None or key > best[:2]:
            best = (count, chosen[0] is not None, chosen)
    count, has_first, chosen = best or (0, False, [None] * len(rule.facets))
    placed = sorted(c for c in chosen if c is not None)
    if placed:
        # Quote, for each facet, the sentence nearest the others, so the evidence reads as one passage.
        anchor = placed[len(placed) // 2]
        part = _part_holding(text, anchor) if rule.scope != "document" else None
        chosen = [_best_in(text, hits[i], part, rule.facets[i].scope, weight, anchor) if c is not None else None
                  for i, c in enumerate(chosen)]
    if count >= rule.found_min:
        status = FOUND
    elif rule.partial_min is not None and has_first and count >= rule.partial_min:
        status = PARTIAL
    else:
        status = NOT_FOUND
    evidence: list[Evidence] = []
    if status != NOT_FOUND:
        for sentence in sorted({c for c in chosen if c is not None}):
            evidence.append(evidence_of(text, sentence))
    missing = tuple(rule.facets[i].name for i, c in enumerate(chosen) if c is None) if status != FOUND else ()
    return Finding(id=rule.id, title=title, status=status, evidence=tuple(evidence),
                   missing=missing if status != NOT_FOUND else tuple(f.name for f in rule.facets))


def _facet_hits(text: Text, rule: RequirementRule, index: int) -> list[int]:
    facet = rule.facets[index]
    found = []
    for sentence, _ in text.hits(facet.regex):
        passage = text.passage_of(sentence)
        if facet.heading_level is not None and not (passage.kind == "heading" and passage.level == facet.heading_level):
            continue
        if facet.ie and not text.names_ie(sentence):
            continue
        found.append(sentence)
    return found


def _part_holding(text: Text, sentence: int) -> int | None:
    parts = text.part_of(sentence)
    return parts[0] if parts else None


def _best_in(text: Text, sentences: list[int], part: int | None, scope: str, weight: dict[int, int],
             anchor: int = 0) -> int | None:
    """Return the facet's best sentence in ``part``: most facets at once, not a heading, nearest ``anchor``."""
    if part is not None and scope != "document":
        start, end = text.parts[part]
        sentences = [s for s in sentences if start <= text.sentences[s].passage < end]
    if not sentences:
        return None
    return min(sentences, key=lambda s: (-weight.get(s, 0), text.passage_of(s).kind == "heading", abs(s - anchor), s))


def recognise_section(text: Text, rule: SectionRule) -> Finding:
    """Return whether general section ``rule`` is in ``text``: found by its wording, partial by heading alone."""
    heading = next((s for s, _ in text.hits(rule.headings) if text.passage_of(s).kind == "heading"), None)
    phrase = next((s for s, _ in text.hits(rule.phrases)), None)
    chosen = sorted({s for s in (heading, phrase) if s is not None})
    status = FOUND if phrase is not None else PARTIAL if heading is not None else NOT_FOUND
    return Finding(id=rule.id, title=rule.title, status=status,
                   evidence=tuple(evidence_of(text, s) for s in chosen))


def guess_kind(title: str, text: Text, patterns: Patterns) -> str | None:
    """Return mop, isa or annex from the document's title (or first lines), or None if it does not say."""
    candidates = [title] + [p.text for p in text.passages[:6]]
    for candidate in candidates:
        norm = normalise(candidate)
        for kind in ("annex", "isa", "mop"):
            if patterns.kinds[kind].search(norm):
                return kind
    return None
