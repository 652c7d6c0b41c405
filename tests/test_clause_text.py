"""The protocol text partners sign, read back from the built DOCX and PDF of every example
(England: Northbridge, Westmere; Wales: Afon Glas): issue 12's loopholes, law and writing faults."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pytest

from generator.document.assemble import assemble
from generator.document.model import ListBlock, Paragraph, Table
from generator.library.clauses import load_library
from generator.library.placeholders import escape_markdown, typographic_quotes
from generator.policy.recognisers import immigration_enforcement_name
from generator.register.drafts import with_history
from generator.register.editions import Edition
from generator.render.title_page import details
from generator.settings.loader import load_settings
from test_render_parity import docx_text, pdf_body_text

ENGLAND = ("northbridge", "westmere")
WALES = ("afonglas",)
SLUGS = ENGLAND + WALES
STEMS = {"mop": "operating-protocol", "isa": "information-sharing-agreement", "annex": "immigration-status-annex"}
GUIDANCE_TITLE = ("Guidance for Maracs on sharing of information in relation to victims who may have insecure "
                  "immigration status")


@lru_cache(maxsize=None)
def _read(path: Path) -> str:
    text = docx_text(path) if path.suffix == ".docx" else pdf_body_text(path)
    return text.replace("\u00ad", "")


def text_of(built: Path, slug: str, kind: str, ext: str = "docx") -> str:
    """The built document's text, with runs of whitespace (line ends included) as one space."""
    return " ".join(_read(built / slug / f"{slug}-{STEMS[kind]}.{ext}").split())


def both_formats(built: Path, slug: str, kind: str) -> list[str]:
    return [text_of(built, slug, kind, "docx"), text_of(built, slug, kind, "pdf")]


# --- 1-4: loopholes ----------------------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_1_the_confidentiality_statement_bans_enforcement_use_without_exception(built_examples, slug):
    for mop in both_formats(built_examples, slug, "mop"):
        assert "Nothing from this meeting may ever be used to support immigration enforcement against anyone" in mop
        assert "unless this Marac has explicitly agreed to it in order to safeguard a victim" not in mop
        assert "with one exception only: a disclosure that this Marac has explicitly agreed" in mop


@pytest.mark.parametrize("slug", SLUGS)
def test_2_no_reuse_against_the_victim_and_g07_in_every_document(built_examples, slug):
    isa = text_of(built_examples, slug, "isa")
    assert "It is never used against the victim" in isa
    assert "the agency that supplied the information cannot agree to it alone" in isa
    assert "without the agreement of the agency that supplied it" not in isa
    for kind in ("mop", "isa", "annex"):
        text = text_of(built_examples, slug, kind)
        assert re.search(r"Marac is not a legal entity", text), kind
        assert re.search(r"agree(d by|ment of) all the partner agencies", text), kind
        assert "through the coordinator" in text, kind


@pytest.mark.parametrize("slug", SLUGS)
def test_3_urgent_disclosures_need_the_same_marac_agreement(built_examples, slug):
    for kind in ("mop", "isa", "annex"):
        for text in both_formats(built_examples, slug, kind):
            assert "that took part in the discussion" not in text
            assert "obtain the explicit written agreement of each of them" in text
            assert "No disclosure is made until every partner agency has agreed" in text
            assert "regulated immigration adviser or solicitor" in text
            assert "asks a partner agency to confirm that a victim has been involved with the Marac" in text
            assert "informed consent" in text


@pytest.mark.parametrize("slug", SLUGS)
def test_4_immigration_enforcement_means_the_whole_home_office_as_the_rule_does(built_examples, slug):
    for kind in ("mop", "isa", "annex"):
        text = text_of(built_examples, slug, kind)
        assert "Immigration Enforcement means the Home Office as a whole" in text, kind
    for body in ("the Home Office", "Immigration Enforcement", "Border Force", "UK Visas and Immigration",
                 "UK Border Agency"):
        assert immigration_enforcement_name(body), f"the rule does not refuse {body}, which the text names"


# --- 5-9: the law, stated exactly ---------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_5_data_protection_conditions_with_their_scope(built_examples, slug):
    for isa in both_formats(built_examples, slug, "isa"):
        for phrase in ("paragraph 6, statutory and government purposes",
                       "paragraph 10, preventing or detecting unlawful acts",
                       "paragraph 18, safeguarding of children and of individuals at risk",
                       "Not every adult victim heard at the Marac meets this test",
                       "has needs for care and support",
                       "the party cannot reasonably be expected to obtain it",
                       "appropriate policy document in place where paragraph 5 of that Part requires one",
                       "Part 4 of Schedule 1",
                       "Part 3 of the Data Protection Act 2018", "section 35", "Schedule 8", "section 42"):
            assert phrase in isa, phrase


@pytest.mark.parametrize("slug", SLUGS)
def test_6_non_public_partners_have_their_own_lawful_basis(built_examples, slug):
    isa = text_of(built_examples, slug, "isa")
    assert "Parties that are not public authorities" in isa
    assert "Article 6(1)(f), legitimate interests" in isa and "legitimate interests assessment" in isa
    assert "Since 5 February 2026" in isa and "recognised legitimate interest under Article 6(1)(ea)" in isa
    assert "A public authority cannot rely on Article 6(1)(ea) or Article 6(1)(f)" in isa
    assert "confirms with its own data protection officer, before it signs, that this basis" not in isa


@pytest.mark.parametrize("slug", SLUGS)
def test_7_the_data_sharing_code_checklist(built_examples, slug):
    isa = text_of(built_examples, slug, "isa")
    for phrase in ("section 121 of the Data Protection Act 2018", "data protection impact assessment under Article 35",
                   "not joint controllers under Article 26", "within 72 hours", "Article 33", "section 67",
                   "Article 16", "Article 18", "Article 14(5)(b)",
                   "paragraph 2 of Part 1 of Schedule 2 to the Data Protection Act 2018",
                   "Freedom of Information Act 2000", "A party may withdraw", "Caldicott Principles"):
        assert phrase in isa, phrase
    assert "on behalf of the partners" not in isa


@pytest.mark.parametrize("slug", ENGLAND)
def test_8_english_maracs_cite_english_law(built_examples, slug):
    isa, mop = text_of(built_examples, slug, "isa"), text_of(built_examples, slug, "mop")
    assert "Children Act 2004, section 11" in isa and "Care Act 2014, section 42" in isa
    assert "Children Act 1989, sections 17 and 47" in isa
    assert "section 43 of the Care Act 2014" in mop
    for welsh in (r"Wales\) Act", r"section 28\b", r"Wales Accord"):
        assert not re.search(welsh, isa) and not re.search(welsh, mop), welsh


@pytest.mark.parametrize("slug", WALES)
def test_8_welsh_maracs_cite_welsh_law(built_examples, slug):
    for isa in both_formats(built_examples, slug, "isa"):
        assert "Children Act 2004, section 28" in isa
        assert "Social Services and Well-being (Wales) Act 2014, Part 7" in isa
        assert "Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015" in isa
        assert "Wales Accord on the Sharing of Personal Information" in isa
        assert "Children Act 1989, section 47" in isa
        for english in (r"Care Act 2014", r"section 11\b", r"section 17\b"):
            assert not re.search(english, isa), english
    mop = text_of(built_examples, slug, "mop")
    assert "regional safeguarding board" in mop and "Care Act 2014" not in mop


@pytest.mark.parametrize("slug", SLUGS)
def test_8_children_as_victims_cited(built_examples, slug):
    mop = text_of(built_examples, slug, "mop")
    assert "Under section 3 of the Domestic Abuse Act 2021" in mop
    assert "section 47 of the Children Act 1989" in mop


@pytest.mark.parametrize("slug", SLUGS)
def test_9_police_policy_and_the_home_office_duty_in_context(built_examples, slug):
    for kind in ("mop", "isa", "annex"):
        text = text_of(built_examples, slug, kind)
        assert "Whatever that policy says at the time" in text
        assert "which SafeLives’ guidance gives as the main reason" in text
        assert "section 55 of the Borders, Citizenship and Immigration Act 2009" in text
        assert "engages Article 3 of the European Convention on Human Rights" in text


# --- 11: what real protocols have -----------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_11_the_operating_protocol_has_what_real_protocols_have(built_examples, slug):
    mop = text_of(built_examples, slug, "mop")
    for phrase in ("The Marac has the four aims SafeLives sets for every Marac",
                   "connect the Marac with the other arrangements that protect people",
                   "to keep safe the practitioners and other staff of partner agencies",
                   "compared with the number SafeLives recommends", "Quorum and attendance",
                   "within two working days of the meeting", "Urgent cases between meetings",
                   "Victims aged 16 and 17", "Mental Capacity Act 2005", "MAPPA",
                   "domestic homicide reviews under section 9 of the Domestic Violence, Crime and Victims Act 2004",
                   "Domestic Violence Disclosure Scheme", "Honour-based abuse, forced marriage and stalking",
                   "Withdrawal, complaints and breaches"):
        assert phrase in mop, phrase


# --- 13: lost spaces ------------------------------------------------------------------------------

# A letter or digit glued to "(" (but not a legal number such as 6(1)(e) or 10(5)), or a sentence
# glued to the next one ("Partnership.Telephone").
GLUED_PAREN = re.compile(r"[^\W_]\((?!(?:\d+|[a-z]{1,3})\))")
GLUED_SENTENCE = re.compile(r"[^\W_][.;:!?][A-Z]")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("kind", STEMS)
@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_13_no_words_glued_together(built_examples, slug, kind, ext):
    for line in _read(built_examples / slug / f"{slug}-{STEMS[kind]}.{ext}").splitlines():
        for pattern in (GLUED_PAREN, GLUED_SENTENCE):
            match = pattern.search(line)
            assert not match, f"{slug} {kind}.{ext}: glued text ...{line[max(0, match.start() - 30):match.end() + 30]}..."


def test_13_the_examples_that_lost_spaces_have_them(built_examples):
    # The Idva's contact details, once glued to the sentence before them ("Council.Telephone"),
    # now print in the contacts schedule after the signed text: each place keeps its spaces.
    for mop in both_formats(built_examples, "westmere", "mop"):
        signed, heading, schedules = mop.rpartition("Schedule 1: Contacts, meetings and venue")
        assert heading, "the contacts schedule is missing"
        assert "run by Westshire County Council. Its contact details are in the Contacts schedule." in signed
        assert ("Idva service Westshire Idva Service, run by Westshire County Council, telephone 01632 960 745, "
                "idva@westshire-cc.gov.example Governance") in schedules
        assert "(legal advice)" in signed and " (legal advice)" in signed
    north = text_of(built_examples, "northbridge", "mop")
    assert not re.search(r"\w\(takes part", north)


def test_13_a_placeholder_keeps_its_leading_space():
    assert escape_markdown(" (legal advice)") == r" \(legal advice\)"
    assert escape_markdown("  Telephone:\n 01632 ") == r" Telephone\: 01632 "


# --- 14: one apostrophe, one interval, the title, the attribution, no note to the coordinator ----

def test_14_quotes_in_settings_become_typographic_but_addresses_stay_as_typed():
    assert typographic_quotes("Children's Services") == "Children’s Services"
    assert typographic_quotes("'Safe to share?'") == "‘Safe to share?’"
    assert typographic_quotes("o'brien@council.example") == "o'brien@council.example"


def _schedule_strings(document) -> list[str]:
    """Every table cell and every run of text in ``document``'s schedules."""
    out = []
    for block in document.schedules:
        if isinstance(block, Table):
            out += [cell for row in block.rows for cell in row]
        elif isinstance(block, Paragraph):
            out += [run.text for run in block.runs]
        elif isinstance(block, ListBlock):
            out += [run.text for item in block.items for run in item]
    return out


def test_14_schedules_history_and_title_page_print_settings_typographically_but_addresses_as_typed(examples):
    loaded = load_settings(examples / "northbridge" / "marac.yaml")
    settings = loaded.settings
    first, *others = settings.partners
    signatory = first.signatory.model_copy(update={"name": "Siobhan O'Brien", "role": "Head of Children's Services",
                                                   "email": "s.o'brien@northbridge.gov.example"})
    service = settings.specialist_pathways.services[0].model_copy(
        update={"organisation": "St Mary's Refuge", "email": "o'neill@stmarys.example",
                "url": "https://stmarys.example/women's-advice"})
    pathways = settings.specialist_pathways.model_copy(
        update={"services": [service, *settings.specialist_pathways.services[1:]]})
    governance = settings.governance.model_copy(update={"group": "Northbridge Women's Safety Board"})
    changed = settings.model_copy(update={"partners": [first.model_copy(update={"signatory": signatory}), *others],
                                          "specialist_pathways": pathways, "governance": governance})
    document = assemble(dataclasses.replace(loaded, settings=changed), load_library(), "mop")
    edition = Edition.model_construct(document="mop", version="1.0", issued=dt.date(2026, 3, 2),
                                      summary="Adds St Mary's Refuge", approved_by="the Children's Board")
    strings = _schedule_strings(with_history(document, [edition]))
    for typed in ("Siobhan O’Brien", "Head of Children’s Services", "St Mary’s Refuge", "Adds St Mary’s Refuge",
                  "the Children’s Board", "s.o'brien@northbridge.gov.example", "o'neill@stmarys.example",
                  "https://stmarys.example/women's-advice"):
        assert typed in strings, typed
    assert any("(Northbridge Women’s Safety Board)" in text for text in strings)
    straight = [t for t in strings if "'" in t and "@" not in t and "://" not in t]
    assert not straight, straight
    assert ("Owner", "Northbridge Women’s Safety Board") in details(document.meta, "")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("kind", STEMS)
def test_14_one_apostrophe_style(built_examples, slug, kind):
    for text in both_formats(built_examples, slug, kind):
        words = [w for w in text.split() if "'" in w and "@" not in w and "://" not in w]
        assert not words, f"straight apostrophes in {slug} {kind}: {words[:5]}"
        assert "’" in text


@pytest.mark.parametrize("slug", SLUGS)
def test_14_review_interval_title_attribution_and_no_coordinator_note(built_examples, slug):
    for kind in ("mop", "isa"):
        text = text_of(built_examples, slug, kind)
        assert "and in any case at least every two years" not in text
        assert re.search(r"reviews it every \d+ months?\.", text)
        assert "The guidance quotes the statement from the operating protocol of the Ealing Marac, a different Marac" in text
        assert "as implemented in the Ealing Marac" not in text
    for kind in ("mop", "annex"):
        assert GUIDANCE_TITLE in text_of(built_examples, slug, kind)
    for annex in both_formats(built_examples, slug, "annex"):
        assert "Where to insert it" not in annex
