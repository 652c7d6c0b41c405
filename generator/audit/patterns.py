"""Load ``patterns.yaml``: how each requirement, general section and conflict is recognised.

Returns compiled, frozen rules. The file is the project's own (shipped in the package), so a
broken pattern is our bug and is reported as ``ClauseLibraryError`` naming the entry.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ClauseLibraryError, Problem

PATTERNS_FILE = Path(__file__).with_name("patterns.yaml")
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": "-", "\u2011": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Return ``text`` as the patterns see it: NFKC, lower case, plain quotes and dashes."""
    return unicodedata.normalize("NFKC", text).translate(_PLAIN).lower()


@dataclass(frozen=True)
class Facet:
    """One idea a requirement needs: any of its expressions, with where it may count."""

    name: str
    regex: re.Pattern
    ie: bool = False  # counts only in a sentence naming Immigration Enforcement
    heading_level: int | None = None  # counts only in headings of this level
    scope: str = "section"  # "section" or "document"


@dataclass(frozen=True)
class RequirementRule:
    """How one G-id is recognised: its facets and how many make it found or partial."""

    id: str
    facets: tuple[Facet, ...]
    found_min: int
    partial_min: int | None  # None: this requirement is never partial
    immigration: bool
    scope: str
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


@dataclass(frozen=True)
class SectionRule:
    """A general section of a complete protocol: its heading and wording, and where it belongs."""

    id: str
    title: str
    documents: tuple[str, ...]
    library: tuple[str, ...]  # the clause library's sections that supply it
    headings: re.Pattern
    phrases: re.Pattern
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


@dataclass(frozen=True)
class ConflictRule:
    """Wording that contradicts the guidance, cited by G-id."""

    id: str
    name: str
    why: str
    regex: re.Pattern
    ie: bool
    unless: re.Pattern | None
    list_items: bool  # only list items and table rows of a few words: a party or circulation list
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


@dataclass(frozen=True)
class IntervalRule:
    """A review interval longer than two years (G21)."""

    id: str
    why: str
    sentence: re.Pattern
    interval: re.Pattern
    words: re.Pattern
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


@dataclass(frozen=True)
class EmailRule:
    """A Home Office email address in the text (G03)."""

    id: str
    why: str
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


@dataclass(frozen=True)
class Patterns:
    """Every recognition rule of the audit, from the one patterns file."""

    requirements: dict[str, RequirementRule]
    sections: dict[str, SectionRule]
    conflicts: tuple[ConflictRule, ...]
    interval: IntervalRule
    email: EmailRule
    negation: re.Pattern
    refusals: re.Pattern
    immigration_bodies: re.Pattern
    not_recipients: re.Pattern
    not_negations: re.Pattern
    kinds: dict[str, re.Pattern]


def load_patterns(path: Path | None = None) -> Patterns:
    """Return the compiled rules of ``path`` (default: the shipped patterns.yaml), cached.

    Refuses (``ClauseLibraryError``) a file that is not valid YAML, lacks a key, or holds a
    regular expression that does not compile.
    """
    return _load(Path(path or PATTERNS_FILE).resolve())


def _examples(entry: dict) -> dict[str, tuple[str, ...]]:
    """Return a rule's example texts (which must match, which must not) as its keyword arguments."""
    return {"examples_match": tuple(entry["examples"]["match"]),
            "examples_no_match": tuple(entry["examples"]["no_match"])}


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Patterns:
    where = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        shorthands = {f"<{k}>": v for k, v in data["shorthands"].items()}

        def compile_any(items, field: str) -> re.Pattern:
            if isinstance(items, str):
                items = [items]
            expanded = []
            for item in items:
                for token, value in shorthands.items():
                    item = item.replace(token, value)
                expanded.append(f"(?:{item})")
            try:
                return re.compile("|".join(expanded))
            except re.error as exc:
                raise ClauseLibraryError([Problem(where, None, field, f"pattern does not compile: {exc}")],
                                         heading="The audit patterns are broken:") from None

        requirements = {}
        for gid, entry in data["requirements"].items():
            facets = tuple(Facet(name=f["name"], regex=compile_any(f["any"], f"requirements.{gid}.facets"),
                                 ie=bool(f.get("ie")), heading_level=f.get("heading_level"),
                                 scope=f.get("scope", "section")) for f in entry["facets"])
            count = len(facets)
            partial = entry.get("partial_min", (count + 1) // 2 if count >= 3 else None)
            requirements[gid] = RequirementRule(
                id=gid, facets=facets, found_min=int(entry.get("found_min", count)), partial_min=partial,
                immigration=bool(entry.get("immigration")), scope=entry.get("scope", "section"),
                **_examples(entry))
        sections = {
            sid: SectionRule(id=sid, title=e["title"], documents=tuple(e["documents"]), library=tuple(e["library"]),
                             headings=compile_any(e["headings"], f"sections.{sid}.headings"),
                             phrases=compile_any(e["any"], f"sections.{sid}.any"),
                             **_examples(e))
            for sid, e in data["sections"].items()}
        conflicts = tuple(
            ConflictRule(id=c["id"], name=c["name"], why=c["why"], regex=compile_any(c["any"], f"conflicts.{c['name']}"),
                         ie=bool(c.get("ie")), list_items=bool(c.get("list_items")),
                         unless=compile_any(c["unless"], f"conflicts.{c['name']}.unless") if c.get("unless") else None,
                         **_examples(c))
            for c in data["conflicts"])
        r = data["review_interval"]
        interval = IntervalRule(id=r["id"], why=r["why"], sentence=compile_any(r["sentence"], "review_interval.sentence"),
                                interval=compile_any(r["interval"], "review_interval.interval"),
                                words=compile_any(r["words"], "review_interval.words"),
                                **_examples(r))
        e = data["ie_email"]
        email = EmailRule(id=e["id"], why=e["why"], **_examples(e))
        return Patterns(requirements=requirements, sections=sections, conflicts=conflicts, interval=interval,
                        email=email,
                        negation=compile_any(data["shorthands"]["neg"], "shorthands.neg"),
                        refusals=compile_any(data["refusals"], "refusals"),
                        immigration_bodies=compile_any(data["immigration_bodies"], "immigration_bodies"),
                        not_recipients=compile_any(data["not_recipients"], "not_recipients"),
                        not_negations=compile_any(data["not_negations"], "not_negations"),
                        kinds={k: compile_any(v, f"kinds.{k}") for k, v in data["kinds"].items()})
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ClauseLibraryError([Problem(where, None, "", f"cannot be read: {exc!r}")],
                                 heading="The audit patterns are broken:") from None
