"""Every clause that states law says where to check it: ``sources`` with an exact citation and an
official address, and nothing the text cites is missing from them."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from generator.library.clauses import Source, load_library

from test_clause_library import ALLOWED_STATUTES

# Instruments a clause may name besides Acts: each must be in the clause's sources when named.
INSTRUMENTS = ALLOWED_STATUTES | {"UK GDPR", "European Convention on Human Rights", "Caldicott Principles",
                                  "Wales Accord on the Sharing of Personal Information"}
_NUMBER = r"\d+[A-Z]?(?:\([0-9a-z]+\))*"
_CITED = re.compile(rf"\b(article|section|paragraph|schedule)s?\s+({_NUMBER}(?:(?:,\s*|\s+and\s+|\s+or\s+|\s+to\s+){_NUMBER})*)",
                    re.I)


def legal_mentions(text: str) -> set[str]:
    """The instruments and the numbered provisions (article 6, section 10, paragraph 18 ...) ``text`` names."""
    flat = " ".join(text.split())
    found = {name for name in INSTRUMENTS if name in flat}
    for match in _CITED.finditer(flat):
        kind = match.group(1).lower()
        for number in re.findall(r"\d+[A-Z]?", re.sub(r"\([0-9a-z]+\)", "", match.group(2))):
            found.add(f"{kind} {number}")
    return found


def test_the_extractor_reads_lists_and_sub_paragraphs():
    mentions = legal_mentions("Article 6(1)(e) and paragraphs 6, 10 and 18 of Part 2 of Schedule 1 to the "
                              "Data Protection Act 2018; sections 325 to 327")
    assert {"article 6", "paragraph 6", "paragraph 10", "paragraph 18", "schedule 1", "section 325",
            "section 327", "Data Protection Act 2018"} <= mentions
    assert "article 1" not in mentions


@pytest.mark.parametrize("clause", load_library().clauses, ids=lambda c: c.id)
def test_what_a_clause_cites_is_in_its_sources(clause):
    cited = legal_mentions(clause.text)
    listed = set().union(*(legal_mentions(s.citation) for s in clause.sources)) if clause.sources else set()
    missing = sorted(cited - listed)
    assert not missing, f"{clause.id} names {missing} but its sources: do not list them"


def test_clauses_that_state_the_data_protection_law_have_sources():
    library = load_library().by_id()
    for cid in ("isa.legal.data-protection", "isa.legal.special-category", "isa.legal.law-enforcement",
                "isa.legal.powers", "isa.legal.ico-code", "isa.breaches.reporting", "immigration.enforcement-excluded"):
        assert library[cid].sources, cid
        assert all(s.url.startswith("https://") for s in library[cid].sources)


def test_a_source_must_be_an_official_address():
    Source(citation="Children Act 1989, section 47", url="https://www.legislation.gov.uk/ukpga/1989/41/section/47")
    for url in ("https://www.example.com/children-act", "http://www.legislation.gov.uk/ukpga/1989/41",
                "https://legislation.gov.uk.evil.example/x"):
        with pytest.raises(ValidationError):
            Source(citation="Children Act 1989", url=url)


def test_cited_sources_lists_every_source_with_its_clause():
    library = load_library()
    rows = library.cited_sources()
    assert ("isa.legal.special-category",
            "Data Protection Act 2018, Schedule 1, Part 2, paragraph 18 (safeguarding of children and of individuals at risk)",
            "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1/paragraph/18") in rows
    assert len(rows) == sum(len(c.sources) for c in library.clauses)
