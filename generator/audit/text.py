"""The audited document as sentences on lines, so each pattern scans the whole text once.

Every sentence of every passage is normalised (see ``patterns.normalise``) and put on a line
of its own; a match's offset then gives its sentence, its passage and the original wording to
quote. Parts (the windows a requirement's facets must share) are the document's top-level
sections, or runs of passages where it has too few headings to use.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..policy.recognisers import immigration_enforcement_name
from .patterns import Patterns, normalise
from .reader import Passage, ReadDocument

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[]?[A-Z])|(?<=;)\s+")
# Email addresses are judged by the audit's email rule, which cites the Home Office domain; read
# as words they would also make the sentence "name" Immigration Enforcement for every other rule.
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
RUN = 12  # passages per part where a document has no usable headings
LONGEST_PART = 80  # longer sections are cut into overlapping parts, so far-apart words do not pair


@dataclass(frozen=True)
class Sentence:
    """One sentence: its passage (0-based index), its original wording and its normalised form."""

    passage: int
    quote: str
    norm: str


class Text:
    """A document's sentences, their line offsets, and its parts."""

    def __init__(self, document: ReadDocument, patterns: Patterns):
        self.document = document
        self.patterns = patterns
        self.passages: tuple[Passage, ...] = document.passages
        self.sentences: list[Sentence] = []
        for number, passage in enumerate(self.passages):
            for piece in _SENTENCE_END.split(passage.text):
                if piece.strip():
                    self.sentences.append(Sentence(number, piece.strip(), normalise(piece.strip())))
        self.starts: list[int] = []
        offset = 0
        for sentence in self.sentences:
            self.starts.append(offset)
            offset += len(sentence.norm) + 1
        self.joined = "\n".join(s.norm for s in self.sentences)
        self.parts = _parts(self.passages)
        self._names_ie: dict[int, bool] = {}

    def hits(self, regex: re.Pattern) -> list[tuple[int, int]]:
        """Return (sentence number, offset of the match within it) for each sentence ``regex`` matches, once each."""
        found: list[tuple[int, int]] = []
        last = -1
        for match in regex.finditer(self.joined):
            number = bisect.bisect_right(self.starts, match.start()) - 1
            if number != last:
                found.append((number, match.start() - self.starts[number]))
                last = number
        return found

    def names_ie(self, number: int) -> bool:
        """Return whether sentence ``number`` names Immigration Enforcement (as a recipient or actor)."""
        if number not in self._names_ie:
            norm = self.patterns.not_recipients.sub(" ", _without_emails(self.sentences[number].norm))
            self._names_ie[number] = bool(immigration_enforcement_name(norm)
                                          or self.patterns.immigration_bodies.search(norm))
        return self._names_ie[number]

    def ie_end(self, number: int) -> int:
        """Return where, in sentence ``number``'s normalised text, its first Immigration Enforcement name ends.

        Found as the shortest run of whole words the recogniser already accepts, so the names
        stay defined in ``generator.policy.recognisers`` alone. Returns 0 when none is named.
        """
        if not self.names_ie(number):
            return 0
        norm = _without_emails(self.sentences[number].norm)
        bodies = self.patterns.immigration_bodies.search(norm)
        ends = [m.end() for m in re.finditer(r"\S+", norm)]
        low, high = 0, len(ends) - 1
        if immigration_enforcement_name(norm) is None:
            return bodies.end() if bodies else 0
        while low < high:
            middle = (low + high) // 2
            if immigration_enforcement_name(norm[:ends[middle]]) is None:
                low = middle + 1
            else:
                high = middle
        end = ends[low]
        return min(end, bodies.end()) if bodies else end

    def passage_of(self, number: int) -> Passage:
        """Return the passage sentence ``number`` belongs to."""
        return self.passages[self.sentences[number].passage]

    def part_of(self, number: int) -> list[int]:
        """Return the indexes of the parts that contain sentence ``number``'s passage."""
        index = self.sentences[number].passage
        return [i for i, (start, end) in enumerate(self.parts) if start <= index < end]


def _without_emails(norm: str) -> str:
    """Return ``norm`` with each email address blanked to spaces of the same length (offsets hold)."""
    return _EMAIL.sub(lambda m: " " * len(m.group()), norm)


def _parts(passages: tuple[Passage, ...]) -> list[tuple[int, int]]:
    """Return (first, end) passage ranges: top-level sections, cut to size, or runs of passages."""
    tops = [i for i, p in enumerate(passages) if p.kind == "heading" and p.level == 1]
    if len(tops) < 3:
        tops = [i for i, p in enumerate(passages) if p.kind == "heading"]
    if len(tops) < 3:
        return [(start, min(start + RUN, len(passages))) for start in range(0, max(len(passages), 1), RUN // 2)]
    bounds = [0] + tops + [len(passages)]
    parts: list[tuple[int, int]] = []
    for start, end in zip(bounds, bounds[1:]):
        if end <= start:
            continue
        while end - start > LONGEST_PART:
            parts.append((start, start + LONGEST_PART))
            start += LONGEST_PART - RUN
        parts.append((start, end))
    return parts
