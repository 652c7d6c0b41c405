"""Find wording that contradicts the guidance, sentence by sentence, each cited by G-id.

A conflict needs the rule's words in a sentence that (for most rules) names Immigration
Enforcement, with no negation before them and no refusal anywhere in the sentence: "The
Home Office may attend" is a conflict, "The Home Office does not attend" and "if the Home
Office asks to attend, the chair declines" are not. A review interval over 24 months is one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..policy.recognisers import immigration_enforcement_email
from .patterns import ConflictRule, IntervalRule, Patterns
from .text import Text

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

LIST_ITEM_WORDS = 8  # a list item or table row this short that names a body is a list entry
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "thirty-six": 36, "thirty six": 36, "forty-eight": 48, "forty eight": 48,
            "sixty": 60}


@dataclass(frozen=True)
class Conflict:
    """Text that contradicts a requirement: the G-id, the quote, where it is and why."""

    id: str
    quote: str
    where: str
    why: str


def find_conflicts(text: Text, patterns: Patterns) -> list[Conflict]:
    """Return every conflict in ``text``, in document order, at most one per sentence and G-id."""
    found: dict[tuple[int, str], Conflict] = {}
    for rule in patterns.conflicts:
        for sentence, offset in text.hits(rule.regex):
            if (sentence, rule.id) not in found and _is_conflict(text, patterns, rule, sentence, offset):
                found[(sentence, rule.id)] = _conflict(text, sentence, rule.id, rule.why)
    for sentence, months in review_intervals(text, patterns.interval):
        if months > 24 and (sentence, patterns.interval.id) not in found:
            found[(sentence, patterns.interval.id)] = _conflict(
                text, sentence, patterns.interval.id, f"{patterns.interval.why} ({_months_label(months)})")
    for number, sentence in enumerate(text.sentences):
        if "@" in sentence.quote and (number, patterns.email.id) not in found:
            domains = [d for d in map(immigration_enforcement_email, _EMAIL.findall(sentence.quote)) if d]
            if domains:
                found[(number, patterns.email.id)] = _conflict(text, number, patterns.email.id,
                                                               f"{patterns.email.why} ({domains[0]})")
    return [found[key] for key in sorted(found)]


def _is_conflict(text: Text, patterns: Patterns, rule: ConflictRule, sentence: int, offset: int) -> bool:
    # Blank (same length, so offsets hold) wording like "no other option" that negates nothing.
    norm = patterns.not_negations.sub(lambda m: " " * len(m.group()), text.sentences[sentence].norm)
    if rule.ie and not text.names_ie(sentence):
        return False
    if rule.list_items:
        passage = text.passage_of(sentence)
        if passage.kind not in ("list", "table") or len(passage.text.split()) > LIST_ITEM_WORDS:
            return False
    # A negation before the later of the rule's words and the name turns the sentence round:
    # "X does not attend", "nothing is passed to X", "... and no part of X is on it".
    if patterns.refusals.search(norm) or patterns.negation.search(norm[:max(offset, text.ie_end(sentence))]):
        return False
    if rule.unless is not None and rule.unless.search(norm):
        return False
    if rule.list_items and patterns.negation.search(norm):
        return False
    return True


def review_intervals(text: Text, rule: IntervalRule) -> list[tuple[int, int]]:
    """Return (sentence, months) for each review interval stated in a sentence about review."""
    found = []
    for sentence, _ in text.hits(rule.sentence):
        norm = text.sentences[sentence].norm
        for match in rule.interval.finditer(norm):
            n = match.group("n")
            value = int(n) if n.isdigit() else _NUMBERS.get(n.replace("-", " "), _NUMBERS.get(n, 0))
            found.append((sentence, value * (12 if match.group("unit").startswith("year") else 1)))
        for match in rule.words.finditer(norm):
            word = match.group("word")
            found.append((sentence, 60 if re.search(r"quinquennial|five", word) else 36))
    return found


def _months_label(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 else f"{months} months"


def _conflict(text: Text, sentence: int, gid: str, why: str) -> Conflict:
    return Conflict(id=gid, quote=text.sentences[sentence].quote, where=text.passage_of(sentence).where, why=why)
