"""The audit's recognition rules (generator/audit/patterns.yaml): every example there is run.

Each requirement, section and conflict carries wording that must be recognised and wording that
must not; these tests hold the file to its own examples, so changing a pattern shows at once
what it now misses or wrongly takes in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.audit.conflicts import find_conflicts, review_intervals
from generator.audit.patterns import load_patterns
from generator.audit.reader import Passage, ReadDocument
from generator.audit.recognise import FOUND, NOT_FOUND, recognise_requirement, recognise_section
from generator.audit.text import Text
from generator.library.clauses import load_library
from generator.library.requirements import load_requirements

PATTERNS = load_patterns()


def text_of(source: str) -> Text:
    """A document of one passage per line: "- " starts a list item; a short line without a full
    stop is a top-level heading."""
    passages = []
    heading = ""
    for index, line in enumerate(source.split("\n"), start=1):
        is_item = line.startswith("- ")
        is_heading = not is_item and len(line.split()) <= 6 and not line.rstrip().endswith((".", ";", ":"))
        kind = "list" if is_item else "heading" if is_heading else "paragraph"
        passages.append(Passage(text=line[2:] if is_item else line, index=index, heading="" if is_heading else heading,
                                kind=kind, level=1 if is_heading else 0))
        heading = line if is_heading else heading
    return Text(ReadDocument(path=Path("example.docx"), title="", passages=tuple(passages)), PATTERNS)


REQUIREMENT_EXAMPLES = [(gid, example, True) for gid, rule in PATTERNS.requirements.items() for example in rule.examples_match]
REQUIREMENT_EXAMPLES += [(gid, example, False) for gid, rule in PATTERNS.requirements.items() for example in rule.examples_no_match]


def test_every_requirement_of_the_catalogue_has_rules_and_examples():
    catalogue = load_requirements()
    assert sorted(PATTERNS.requirements) == [r.id for r in catalogue.requirements]
    for rule in PATTERNS.requirements.values():
        assert rule.examples_match and rule.examples_no_match, rule.id
        assert all(f.name for f in rule.facets)


@pytest.mark.parametrize("gid,example,expected", REQUIREMENT_EXAMPLES,
                         ids=[f"{g}-{'match' if e else 'no'}-{i}" for i, (g, _, e) in enumerate(REQUIREMENT_EXAMPLES)])
def test_requirement_examples(gid, example, expected):
    finding = recognise_requirement(text_of(example), PATTERNS.requirements[gid], gid)
    if expected:
        assert finding.status == FOUND, (finding.missing, example)
        assert finding.evidence and all(e.quote in example for e in finding.evidence)
    else:
        assert finding.status != FOUND, (finding.evidence, example)


@pytest.mark.parametrize("sid", sorted(PATTERNS.sections))
def test_section_examples(sid):
    rule = PATTERNS.sections[sid]
    for example in rule.examples_match:
        assert recognise_section(text_of(example), rule).status == FOUND, example
    for example in rule.examples_no_match:
        assert recognise_section(text_of(example), rule).status == NOT_FOUND, example


def test_sections_name_real_library_sections():
    library = load_library()
    for rule in PATTERNS.sections.values():
        assert set(rule.library) <= set(library.sections), rule.id
        assert set(rule.documents) <= {"mop", "isa"}


@pytest.mark.parametrize("rule", PATTERNS.conflicts, ids=lambda r: r.name)
def test_conflict_examples(rule):
    for example in rule.examples_match:
        found = find_conflicts(text_of(example), PATTERNS)
        assert [c.id for c in found] and rule.id in [c.id for c in found], example
        assert all(c.quote in example and c.why for c in found)
        assert all(c.id != rule.id for c in find_conflicts(text_of(example.replace("\n- ", "\n").lower()), PATTERNS)) \
            if rule.list_items else True
    for example in rule.examples_no_match:
        assert find_conflicts(text_of(example), PATTERNS) == [], example


def test_review_interval_examples():
    rule = PATTERNS.interval
    for example in rule.examples_match:
        conflicts = find_conflicts(text_of(example), PATTERNS)
        assert [c.id for c in conflicts] == ["G21"], example
        assert "longer than the two years" in conflicts[0].why
    for example in rule.examples_no_match:
        assert all(months <= 24 for _, months in review_intervals(text_of(example), rule)), example
        assert find_conflicts(text_of(example), PATTERNS) == []


def test_home_office_email_examples():
    rule = PATTERNS.email
    for example in rule.examples_match:
        conflicts = find_conflicts(text_of(example), PATTERNS)
        assert [c.id for c in conflicts] == [rule.id] and "homeoffice.gov.uk" in conflicts[0].why
    for example in rule.examples_no_match:
        assert find_conflicts(text_of(example), PATTERNS) == []


@pytest.mark.parametrize("sentence,months", [
    ("The protocol is reviewed every 3 years.", 36),
    ("Review at intervals of 18 months.", 18),
    ("It will be reviewed within two years.", 24),
    ("This agreement is reviewed every five years.", 60),
])
def test_review_intervals_are_read_as_months(sentence, months):
    assert [m for _, m in review_intervals(text_of(sentence), PATTERNS.interval)] == [months]


@pytest.mark.parametrize("sentence", [
    "Immigration Enforcement does not attend, and is not invited to, any Marac meeting.",
    "Nothing is passed to the Home Office.",
    "The coordinator keeps the list of recipients and makes sure that no part of Immigration Enforcement is on it.",
    "If the Home Office asks to receive the minutes, the coordinator declines.",
    "Home Office guidance on domestic homicide reviews is shared with partners.",
    "Perpetrators may threaten to report the victim to the Home Office.",
    "Minutes are never sent to anyone at an address like ie.team@example.org or to Immigration Enforcement.",
])
def test_sentences_that_keep_immigration_enforcement_out_are_not_conflicts(sentence):
    assert find_conflicts(text_of(sentence), PATTERNS) == []


@pytest.mark.parametrize("sentence,gid", [
    ("Representatives of UK Visas and Immigration may join the meeting for relevant cases.", "G02"),
    ("The agenda is also sent to Border Force.", "G03"),
    ("Where there is no other option, agencies may share information with the Home Office.", "G04"),
    ("Partners may disclose Marac information to any other government department.", "G03"),
    ("Our policy is to share Marac information with the Home Office when it asks.", "G04"),
    ("Where victims stop attending, the police inform Immigration Enforcement.", "G04"),
])
def test_sentences_that_let_immigration_enforcement_in_are_conflicts(sentence, gid):
    conflicts = find_conflicts(text_of(sentence), PATTERNS)
    assert gid in [c.id for c in conflicts]
    assert conflicts[0].quote == sentence
