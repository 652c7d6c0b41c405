"""The clause library: structure, coverage of G01-G24 per document, our own words, exact citations."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from generator.library.clauses import DOC_KINDS, load_library
from generator.library.requirements import load_requirements

# Hashed 10-word runs of the guidance (scripts/guidance_shingles.py): the repository never holds
# or reads the guidance itself.
GUIDANCE_SHINGLES = Path(__file__).resolve().parent / "data" / "guidance-shingles.txt"
EQUALITY_STATEMENT = (
    "All work undertaken at the meetings will be informed by a commitment to equality principles "
    "enshrined in the law, which means that particular measures to protect victims will be implemented "
    "without discrimination on any ground such as sex, gender, race, sexual orientation, age, disability, "
    "marital status, migrant or refugee status, or other status."
)


def required_pairs() -> list[tuple[str, str]]:
    """(G-id, document) pairs from the project's requirement catalogue."""
    return [(r.id, kind) for r in load_requirements().requirements for kind in r.documents]


def test_requirements_catalogue_is_complete():
    catalogue = load_requirements()
    pairs = required_pairs()
    assert [r.id for r in catalogue.requirements] == [f"G{n:02d}" for n in range(1, 25)]
    assert ("G05", "isa") in pairs and ("G05", "mop") not in pairs
    mandatory = {r.id for r in catalogue.requirements if r.mandatory}
    assert mandatory == {"G01", "G02", "G03", "G04", "G13", "G15", "G21", "G22"}


def test_mandatory_requirements_are_covered_only_by_mandatory_clauses():
    mandatory = {r.id for r in load_requirements().requirements if r.mandatory}
    for clause in load_library().clauses:
        if set(clause.covers) & mandatory and not clause.local:
            assert clause.mandatory, f"{clause.id} covers a mandatory requirement but can be excluded"


@pytest.mark.parametrize("gid,kind", required_pairs())
def test_every_requirement_is_covered_in_its_documents(gid, kind):
    library = load_library()
    assert any(gid in c.covers and kind in c.applies_to for c in library.clauses), (
        f"no clause covers {gid} in the {kind}")


def test_annex_covers_the_immigration_requirements():
    covered = {gid for c in load_library().clauses if "annex" in c.applies_to for gid in c.covers}
    assert {"G01", "G02", "G03", "G04", "G13", "G15", "G22"} <= covered


def test_each_document_has_the_general_sections():
    library = load_library()
    for kind in DOC_KINDS:
        sections = {c.section for c in library.clauses if kind in c.applies_to}
        missing = set(library.documents[kind].sections) - sections
        assert not missing, f"{kind} has empty sections: {missing}"


def test_clause_fields_are_complete():
    library = load_library()
    assert re.match(r"^\d{4}\.\d+$", library.version)
    for clause in library.clauses:
        assert clause.title.strip() and clause.text.strip(), clause.id
        assert clause.version >= 1
        assert len(clause.text.split()) >= 25, f"{clause.id} is too thin to be protocol text"


def test_equality_statement_quoted_verbatim_and_attributed():
    library = load_library()
    quoting = [c for c in library.clauses if EQUALITY_STATEMENT in " ".join(c.text.split())]
    assert quoting, "the G15 statement is not quoted word for word"
    kinds = {k for c in quoting for k in c.applies_to}
    assert {"mop", "isa"} <= kinds
    for clause in quoting:
        assert "G15" in clause.covers and clause.mandatory
        assert "Ealing" in clause.text and "SafeLives" in clause.text


GUIDANCE_TITLE = (r"(guidance for maracs on (the )?sharing of information )?in relation to victims who may "
                  r"have insecure immigration status")


def shingle_hash(words: list[str]) -> str:
    """The hash scripts/guidance_shingles.py stores for a run of ten words."""
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_written_in_our_own_words():
    """No run of 10 words from the guidance appears in a clause, except the equality statement."""
    shingles = set(GUIDANCE_SHINGLES.read_text(encoding="ascii").split())
    assert len(shingles) > 3000
    allowed = " ".join(_words(EQUALITY_STATEMENT))
    for clause in load_library().clauses:
        # Naming the guidance by its title is a citation, not copying.
        text = " ".join(clause.text.split()).replace(EQUALITY_STATEMENT, " ")
        text = re.sub(GUIDANCE_TITLE, " ", text, flags=re.I)
        words = _words(text)
        copied = [" ".join(words[i:i + 10]) for i in range(len(words) - 9)
                  if shingle_hash(words[i:i + 10]) in shingles and " ".join(words[i:i + 10]) not in allowed]
        assert not copied, f"{clause.id} copies the guidance: {copied[0]!r}"


ALLOWED_STATUTES = {
    "Data Protection Act 2018", "Crime and Disorder Act 1998", "Children Act 2004", "Care Act 2014",
    "Domestic Abuse Act 2021", "Human Rights Act 1998", "Equality Act 2010",
    "Children Act 1989", "Mental Capacity Act 2005", "Borders, Citizenship and Immigration Act 2009",
    "Social Services and Well-being (Wales) Act 2014",
    "Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015",
    "Criminal Justice Act 2003", "Domestic Violence, Crime and Victims Act 2004",
    "Freedom of Information Act 2000", "Data (Use and Access) Act 2025",
}


def test_only_the_statutes_design_lists_are_cited():
    for clause in load_library().clauses:
        text = " ".join(clause.text.split())
        for match in re.finditer(r"Act (\d{4})", text):
            before = text[: match.end()]
            assert any(before.endswith(statute) for statute in ALLOWED_STATUTES), (
                f"{clause.id} cites an Act DESIGN.md does not list: ...{before[-60:]}")


def test_clause_files_are_plain_yaml():
    folder = Path(__file__).resolve().parents[1] / "clauses"
    for path in folder.glob("*.yaml"):
        assert "&" not in "".join(l.split("#")[0] for l in path.read_text(encoding="utf-8").splitlines()
                                  if l.lstrip().startswith(("- &", "&"))), path
        yaml.safe_load(path.read_text(encoding="utf-8"))
