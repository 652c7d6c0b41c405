"""`marac audit` over real documents: the project's own, the same without their immigration
section, and protocols written here the way older local protocols put things."""

from __future__ import annotations

from pathlib import Path

import docx
import pdfplumber
import pytest

from generator.audit.core import audit_file
from generator.audit.patterns import load_patterns
from generator.audit.pdf_reader import read_pdf
from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.policy.gate import load_one_clean

REPO = Path(__file__).resolve().parents[1]
STEMS = {"mop": "operating-protocol", "isa": "information-sharing-agreement", "annex": "immigration-status-annex"}
PATTERNS = load_patterns()
IMMIGRATION = {gid for gid, rule in PATTERNS.requirements.items() if rule.immigration}


def covered(slug: str, kind: str) -> set[str]:
    """The G-ids the clauses in the assembled document cover (read from its clause anchors)."""
    library = load_library()
    document = assemble(load_one_clean(str(REPO / "local_configs" / slug)), library, kind)
    ids = {b.anchor[2:] for b in document.blocks if getattr(b, "anchor", None) and b.anchor.startswith("c-")}
    return {gid for clause in library.clauses if clause.id in ids for gid in clause.covers}


def statuses(report) -> dict[str, str]:
    return {f.id: f.status for f in report.requirements + report.sections}


@pytest.mark.parametrize("ext", ["docx", "pdf"])
@pytest.mark.parametrize("kind", ["mop", "isa", "annex"])
@pytest.mark.parametrize("slug", ["northbridge", "westmere", "afonglas"])
def test_every_built_document_is_found_for_every_requirement_it_covers(built_examples, slug, kind, ext):
    path = built_examples / slug / f"{slug}-{STEMS[kind]}.{ext}"
    report = audit_file(path)
    assert report.document == kind and report.guessed
    found = statuses(report)
    # What the clauses cover, among the requirements the catalogue sets for this kind of document
    # (the ISA's immigration section also covers G02 and G14, which only the MOP is asked for).
    expected = covered(slug, kind) & {f.id for f in report.requirements}
    assert len(expected) >= 10
    assert {gid: found.get(gid) for gid in expected} == {gid: "found" for gid in expected}
    assert [s.id for s in report.sections if s.status != "found"] == []
    assert report.conflicts == ()
    for finding in report.requirements:
        assert finding.evidence and all(e.quote and e.where for e in finding.evidence)
        if ext == "pdf":
            assert all("page " in e.where for e in finding.evidence)
    assert report.clauses == ()


def test_a_draft_pdf_is_read_without_its_diagonal_watermark(built_examples):
    path = built_examples / "westmere" / f"westmere-{STEMS['annex']}.pdf"
    with pdfplumber.open(path) as pdf:  # the draft carries a turned "DRAFT" watermark on its pages
        assert any(c["matrix"][1] for page in pdf.pages[:3] for c in page.chars)
    passages = [p.text for p in read_pdf(path).passages]
    # Its letters would otherwise land one by one in the lines they cross ("when thesy research").
    assert any("partner agencies do not ask it for information when they research a case" in t for t in passages)
    assert not any(t.strip() in ("D", "R", "A", "F", "T") for t in passages)


def test_contents_lines_without_dots_as_text_are_not_passages(built_examples, tmp_path):
    """A contents entry repeats a heading found later; its dots may be drawn (marac's own PDFs),
    a tab or nothing, so the line is known by its page number set flush right after a wide gap."""
    passages = read_pdf(built_examples / "northbridge" / f"northbridge-{STEMS['mop']}.pdf").passages
    after = passages[[p.text for p in passages].index("Contents") + 1]
    assert (after.number, after.text) == ("1", "Purpose and aims") and after.page > 2
    from weasyprint import HTML  # a contents list with no dots at all, and body lines ending in numbers

    path = tmp_path / "plain-contents.pdf"
    HTML(string="""<style>p.toc { display: flex; justify-content: space-between; margin: 0 }</style>
        <h1>Contents</h1><p class="toc"><span>Referral criteria</span><span>4</span></p>
        <p class="toc"><span>Information sharing</span><span>12</span></p>
        <h2>Quorum</h2><p>The Marac is quorate when agencies from at least 5</p>
        <p>A case is heard again if a new incident is reported within 12 months, as in section 4</p>""").write_pdf(path)
    texts = [p.text for p in read_pdf(path).passages]
    assert not any("Referral criteria" in t or "Information sharing" in t for t in texts), texts
    assert "The Marac is quorate when agencies from at least 5" in texts
    assert any(t.endswith("as in section 4") for t in texts)


def _delete_top_section(source: Path, target: Path, words: str) -> None:
    """Remove from a built DOCX the top-level section whose heading contains ``words``."""
    word = docx.Document(str(source))
    body = word.element.body
    inside = False
    removed = 0
    for element in list(body.iterchildren()):
        if element.tag.endswith("}p"):
            style = element.pPr.pStyle.val if element.pPr is not None and element.pPr.pStyle is not None else ""
            if style.replace(" ", "").lower() in ("heading1",):
                text = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
                inside = words in text
        if inside:
            body.remove(element)
            removed += 1
    assert removed > 10
    word.save(str(target))


# Requirements the immigration section alone covers (by the library's `covers`) that other
# clauses of the same document also put into words, as the audit shows with their quotes.
ALSO_ELSEWHERE = {
    "mop": {
        # confidentiality statement
        "G01": ("found", "Nothing from this meeting may ever be used to support immigration enforcement against anyone"),
        "G04": ("found", "Nothing from it may be given to Immigration Enforcement, with one exception only"),
        "G10": ("partial", "immigration status is never a reason not to refer"),  # referral criteria
        "G12": ("found", "the fears and barriers victims face, including fear of deportation"),  # training topics
    },
    "isa": {
        "G01": ("found", "never to support immigration enforcement against anyone"),  # use of Marac information
        "G04": ("found", "Any disclosure of Marac information to Immigration Enforcement that the Marac has not"),  # breaches
    },
    "annex": {
        # Who owns Marac information: no use for enforcement, even by agreement; reuse needs Marac agreement.
        "G01": ("found", "no agreement can allow it to be used to support immigration enforcement against anyone"),
        "G04": ("partial", "No agency may reuse it for another purpose without Marac agreement"),
        "G12": ("found", "the fears and barriers victims face, including fear of deportation"),  # training topics
    },
}
# (G03 is no longer the immigration section's alone: the NRPF clauses cover it too.)


@pytest.mark.parametrize("kind", ["mop", "isa", "annex"])
def test_without_the_immigration_section_its_requirements_are_not_found(built_examples, tmp_path, kind):
    library = load_library()
    in_section = {g for c in library.clauses if kind in c.applies_to and c.section == "immigration" for g in c.covers}
    elsewhere = {g for c in library.clauses if kind in c.applies_to and c.section != "immigration" for g in c.covers}
    only = in_section - elsewhere
    assert len(only) >= 6
    target = tmp_path / f"without-{kind}.docx"
    _delete_top_section(built_examples / "northbridge" / f"northbridge-{STEMS[kind]}.docx", target,
                        "Victims with insecure immigration status")
    report = audit_file(target, kind)
    by_id = {f.id: f for f in report.requirements}
    only &= set(by_id)  # the ISA's section also covers G02, which the catalogue asks only of the MOP
    for gid in sorted(only):
        if gid in ALSO_ELSEWHERE[kind]:
            status, quote = ALSO_ELSEWHERE[kind][gid]
            assert by_id[gid].status == status, gid
            assert any(quote.lower() in e.quote.lower() for e in by_id[gid].evidence), (gid, by_id[gid].evidence)
        else:
            assert by_id[gid].status == "not found", (gid, by_id[gid].evidence)
            assert by_id[gid].clauses, gid  # and the clause that closes the gap is named
    assert {f.id for f in report.requirements if f.status == "not found"} >= only - set(ALSO_ELSEWHERE[kind])
    assert report.conflicts == ()


def write_protocol(path: Path, title: str, sections: list[tuple[str, list[str]]], table=None) -> Path:
    """Write a DOCX with a title, Heading 1 sections and body paragraphs ("- " makes a bullet)."""
    word = docx.Document()
    word.add_heading(title, level=0)
    for heading, paragraphs in sections:
        word.add_heading(heading, level=1)
        for text in paragraphs:
            if text.startswith("- "):
                word.add_paragraph(text[2:], style="List Bullet")
            else:
                word.add_paragraph(text)
    if table:
        grid = word.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    word.save(str(path))
    return path


# An older local protocol, in our own words, covering the guidance the way such documents word it.
PARAPHRASED = [
    ("1. Introduction", [
        "This document sets out how the Eastshire MARAC works. The aim of the MARAC is to reduce the risk to "
        "high-risk victims of domestic abuse and their children by sharing information and agreeing actions.",
        "This protocol should be read with the SafeLives 10 principles of an effective MARAC and the Safe to Share "
        "report on the super-complaint about police data sharing for immigration purposes.",
    ]),
    ("2. Referral criteria", [
        "Referrals are accepted where the DASH RIC shows 14 or more ticks, on professional judgement, or where "
        "there is potential escalation of the abuse.",
    ]),
    ("3. Confidentiality", [
        "Everything discussed at MARAC is strictly confidential. The chair reads the confidentiality statement "
        "at the start of every meeting.",
    ]),
    ("4. Survivors whose immigration status is insecure", [
        "No information discussed at MARAC may be used for the purposes of immigration control against any person.",
        "Home Office immigration staff are not core members and will not be invited to the MARAC, even to "
        "discuss a single case.",
        "The Home Office does not receive the MARAC agenda or minutes. Immigration Enforcement does not provide "
        "information to the meeting, agencies do not request checks on a survivor's status from it, and it is "
        "not a signatory to this protocol.",
        "Details about a survivor may only be passed to the Home Office where the MARAC has expressly agreed "
        "that doing so will protect the survivor, for instance to back her own application to remain.",
        "A survivor's immigration status is minuted only if it is relevant to the risk she faces. Minutes are "
        "held securely, and the IDVA will make sure the victim is told what has been recorded.",
        "Practitioners should never assume that a survivor with insecure status has invented the abuse to gain "
        "leave to remain; we start from the position that she is telling the truth.",
        "A survivor's risk is assessed irrespective of her immigration status. Action plans focus on routes to "
        "safety, for example non-molestation orders and safe housing.",
        "Where an abuser threatens to have the victim deported, or keeps her passport, this is recorded as a "
        "risk factor.",
        "Migrant survivors can be afraid of removal from the UK, distrust statutory services, fear being cut off "
        "by their community or family, struggle to find accommodation and often have no recourse to public funds.",
        "Perpetrators whose status is insecure are dealt with no differently from other perpetrators; agencies "
        "will never report their immigration status to the Home Office.",
        "If a police officer is unsure of a victim's immigration status, the officer will not contact "
        "Immigration Enforcement but will put the victim in touch with an independent advice agency.",
        "Immigration status is never used as a way to disrupt perpetrators, given the risk of breaching human "
        "rights and of discriminating against minoritised groups.",
    ]),
    ("5. Specialist services", [
        "Local specialist services for migrant survivors are listed in Appendix B. Immigration legal advice from "
        "the Eastshire Law Centre is the first referral. The list is reviewed annually by the steering group.",
    ]),
    ("6. Training", [
        "All MARAC partners will undertake basic awareness training on immigration and domestic abuse delivered "
        "by specialist organisations. Each agency nominates immigration champions to cascade the learning. "
        "Commissioners will include this training in the services they commission.",
    ]),
    ("7. Governance", [
        "The steering group monitors the number of MARAC cases with immigration issues and uses the figures to "
        "improve performance.",
        "The MARAC needs enough immigration knowledge to respond without delay; if that expertise is lacking, "
        "the steering group will arrange access to a specialist adviser.",
        "Where a significant number of such cases arise, the community safety partnership will develop referral "
        "pathways with by and for services for Black and minoritised women.",
    ]),
    ("8. Equality", ["Partners will comply with the public sector equality duty under the Equality Act 2010."]),
    ("9. Review and signatures", [
        "This protocol, including the section on insecure immigration status, is reviewed every two years and "
        "signed by all partner agencies.",
        "Signed on behalf of each partner agency:",
    ]),
]


def test_a_paraphrased_older_protocol_is_recognised(tmp_path):
    path = write_protocol(tmp_path / "eastshire-marac-protocol.docx", "Eastshire MARAC Operating Protocol",
                          PARAPHRASED, table=[["Agency", "Signature", "Date"], ["Eastshire Police", "", ""]])
    report = audit_file(path)
    assert report.document == "mop"
    found = statuses(report)
    expected = {"G01", "G02", "G03", "G04", "G08", "G09", "G10", "G11", "G12", "G13", "G14", "G16", "G17",
                "G18", "G19", "G20", "G21", "G22", "G23", "G24"}
    assert {g: found[g] for g in expected} == {g: "found" for g in expected}
    # The equality statement is the guidance's own words; a paraphrase of equality is not it.
    assert found["G15"] == "not found"
    g15 = next(f for f in report.requirements if f.id == "G15")
    assert "equality.statement" in g15.clauses
    assert report.conflicts == ()
    g02 = next(f for f in report.requirements if f.id == "G02")
    assert any("will not be invited to the MARAC" in e.quote and "Survivors whose immigration" in e.where
               for e in g02.evidence)


# A second older style: one "NRPF" section, as some local protocols had before 2021.
NRPF_SECTION = [
    ("Section 6: Victims with No Recourse to Public Funds or uncertain immigration status", [
        "MARAC partners must not use any information from the MARAC process to assist immigration enforcement "
        "activity by the Home Office.",
        "UK Visas and Immigration and Immigration Enforcement are not members of this MARAC and will not attend "
        "meetings under any circumstances.",
        "They will not be sent the MARAC list or minutes, will not be asked for information and will not sign "
        "this protocol.",
        "Any disclosure to the Home Office requires the agreement of the MARAC and will only take place where it "
        "is in the best interests of the victim.",
        "Information about a victim's immigration situation will only be recorded in the minutes where necessary, "
        "will be stored in the secure MARAC system, and the IDVA will inform the victim.",
        "Agencies will believe victims and will not presume that a victim is making a false allegation in order "
        "to obtain a visa.",
        "Risk is assessed no matter what the victim's immigration status is, and the safety plan will focus on "
        "protecting the victim rather than on immigration matters.",
        "Abusers commonly use a victim's insecure status to control them, for example by threatening "
        "deportation; this should be recognised as increasing the risk.",
        "Barriers include fear of being removed from the country, mistrust of the police and other authorities, "
        "pressure from family and community, lack of housing and having no recourse to public funds.",
        "Where police officers have doubts about a victim's status they will not refer the victim to the Home "
        "Office but will signpost her to specialist immigration advice.",
    ]),
]


def test_an_nrpf_section_in_other_words_is_recognised(tmp_path):
    path = write_protocol(tmp_path / "northshire.docx", "Northshire MARAC Protocol", NRPF_SECTION)
    report = audit_file(path)
    found = statuses(report)
    expected = {"G01", "G02", "G03", "G04", "G08", "G09", "G10", "G11", "G12", "G14"}
    assert {g: found[g] for g in expected} == {g: "found" for g in expected}
    # It never says a perpetrator with insecure status is treated like any other: not found in full.
    assert found["G13"] != "found"
    assert found["G16"] == found["G20"] == found["G21"] == "not found"
    assert report.conflicts == ()


CONFLICTING = [
    ("Membership", [
        "Core members of the MARAC include Police, Probation, Children's Services, Health, Housing and Home "
        "Office Immigration Enforcement.",
        "The agenda and minutes are circulated to all core members, including the Home Office.",
    ]),
    ("Parties to this protocol", ["The parties are:", "- Westshire Police", "- Home Office (Immigration Enforcement)"]),
    ("Information sharing", [
        "Information may be shared with competent authorities as per Schedule 7 of the DPA 2018.",
        "Where an agency has concerns about a victim's right to remain, it may refer the matter to Immigration "
        "Enforcement.",
    ]),
    ("Review", ["This protocol will be reviewed every three years by the steering group."]),
]


def test_a_protocol_that_lets_immigration_enforcement_in_gets_conflicts_with_quotes(tmp_path):
    path = write_protocol(tmp_path / "westshire.docx", "Westshire MARAC Operating Protocol", CONFLICTING)
    report = audit_file(path)
    conflicts = {(c.id, c.quote) for c in report.conflicts}
    assert ("G02", "Core members of the MARAC include Police, Probation, Children's Services, Health, Housing "
                   "and Home Office Immigration Enforcement.") in conflicts
    assert ("G03", "The agenda and minutes are circulated to all core members, including the Home Office.") in conflicts
    assert ("G03", "Home Office (Immigration Enforcement)") in conflicts
    assert ("G03", "Information may be shared with competent authorities as per Schedule 7 of the DPA 2018.") in conflicts
    assert ("G04", "Where an agency has concerns about a victim's right to remain, it may refer the matter to "
                   "Immigration Enforcement.") in conflicts
    assert ("G21", "This protocol will be reviewed every three years by the steering group.") in conflicts
    assert all(c.why and "Membership" in c.where or c.where for c in report.conflicts)
    found = statuses(report)
    assert found["G02"] == found["G03"] == found["G04"] == found["G21"] == "conflict"
    assert "Westshire Police" not in {c.quote for c in report.conflicts}


NO_IMMIGRATION = [
    ("Purpose", ["The purpose of this protocol is to describe how the Southshire MARAC operates, so that victims "
                 "at high risk of serious harm are kept safe."]),
    ("Referral criteria", ["Cases are referred where a DASH risk checklist records 14 or more ticks, or on "
                           "professional judgement."]),
    ("Meetings and confidentiality", [
        "The MARAC meets monthly. All information shared at the meeting is confidential and is used only to "
        "protect victims.",
        "Agencies that do not attend send their information to the coordinator before the meeting.",
        "The police, probation, health and housing services attend every meeting and share relevant and "
        "proportionate information about the risk.",
    ]),
    ("Information sharing", ["Information is shared under the Crime and Disorder Act 1998, section 115, and the "
                             "Data Protection Act 2018."]),
    ("Safety planning", ["Actions are agreed to reduce the risk, such as injunctions, refuge places and "
                         "target hardening. Perpetrators are held to account through the courts."]),
    ("Equality", ["Partners will comply with the Equality Act 2010 and treat every victim without discrimination."]),
    ("Review", ["This protocol will be reviewed annually and signed by all partner agencies."]),
]


def test_a_protocol_that_never_mentions_immigration_gets_no_immigration_requirement_found(tmp_path):
    path = write_protocol(tmp_path / "southshire.docx", "Southshire MARAC Operating Protocol", NO_IMMIGRATION)
    report = audit_file(path)
    found = statuses(report)
    assert {g: found[g] for g in IMMIGRATION if g in found} == {g: "not found" for g in IMMIGRATION if g in found}
    assert found["G21"] == "found"
    assert report.conflicts == ()
    # What to add: the library's immigration clauses, with their text.
    g01 = next(f for f in report.requirements if f.id == "G01")
    assert "immigration.no-enforcement-use" in g01.clauses
    added = {r.id: r for r in report.clauses}
    assert "Nothing shared through the Marac process" in added["immigration.no-enforcement-use"].text
    assert not added["immigration.no-enforcement-use"].filled


def test_clauses_are_filled_in_with_a_marac_s_settings(tmp_path):
    path = write_protocol(tmp_path / "southshire.docx", "Southshire MARAC Operating Protocol", NO_IMMIGRATION)
    loaded = load_one_clean(str(REPO / "local_configs" / "westmere"))
    report = audit_file(path, "mop", loaded)
    added = {r.id: r for r in report.clauses}
    excluded = added["immigration.enforcement-excluded"]
    assert excluded.filled and "{{" not in excluded.text
    assert loaded.settings.marac.name in excluded.text
    assert report.marac == loaded.settings.marac.name
