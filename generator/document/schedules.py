"""Schedules: the contact details and lists that change often, printed after the signed text.

Partners sign what they agree to (every clause, the pathways, the partner list); who signs for
each agency, who represents it, phone numbers, emails, the venue and meeting times change far
more often, so they are printed here, in ``Document.schedules``, which the edition fingerprint
leaves out. Each schedule starts with a level-1 heading whose anchor is ``schedule-<id>``; the
register adds each schedule's revision date under its heading (``with_revision_dates``).
Names, roles and other text from settings get typographic apostrophes here, as the signed text
gets them from its placeholders (``typographic_quotes``); emails, telephone numbers and web
addresses are printed exactly as typed. Pure: settings in, model blocks out; no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..dates import add_months, long_date
from ..library.typography import typographic_quotes as _typo
from ..settings.schema import Person, Representative, Settings
from .model import Block, Document, Heading, ListBlock, PageBreak, Paragraph, Run, Table
from .schedule_names import SCHEDULES_OF, TITLES

ANCHOR_PREFIX = "schedule-"
REVISED_STYLE = "small"
DECLARATION_ROWS = 10  # blank lines on the attendance sheet for one meeting
DASH_CHECKLIST = "the SafeLives Dash risk identification checklist (Dash RIC)"

OUTSIDE_NOTE = ("This schedule is not part of the text partners sign. The coordinator keeps it up to date; "
                "a change to it does not need partners to sign again.")


def schedule_blocks(settings: Settings, kind: str, title: str) -> list[Block]:
    """Return the schedules of the ``kind`` document (headings numbered Schedule 1, 2, ...)."""
    makers = {"contacts": _contacts, "signatories": _signatories, "representatives": _representatives,
              "pathways": _pathways, "referral": _referral, "declaration": _declaration}
    blocks: list[Block] = [PageBreak()]  # the schedules start on a page of their own, after the signatures
    for number, schedule in enumerate(SCHEDULES_OF[kind], start=1):
        blocks += schedule_heading(number, schedule)
        blocks += makers[schedule](settings, title)
    return blocks


def schedule_heading(number: int, schedule: str) -> list[Block]:
    """Return the heading and the not-signed note that open schedule ``number``."""
    return [Heading(1, (Run(f"Schedule {number}: {TITLES[schedule]}"),), anchor=f"{ANCHOR_PREFIX}{schedule}"),
            Paragraph((Run(OUTSIDE_NOTE),), style="note")]


def schedule_sections(document: Document) -> list[tuple[str, tuple[Block, ...]]]:
    """Return ``(schedule id, its blocks after the heading)`` for every schedule of ``document``."""
    sections: list[tuple[str, list[Block]]] = []
    for block in document.schedules:
        if isinstance(block, Heading) and block.level == 1 and (block.anchor or "").startswith(ANCHOR_PREFIX):
            sections.append((block.anchor[len(ANCHOR_PREFIX):], []))
        elif sections:
            sections[-1][1].append(block)
    return [(name, tuple(blocks)) for name, blocks in sections]


def with_revision_dates(document: Document, revised: dict[str, str]) -> Document:
    """Return ``document`` with "Revised <date>" under each schedule heading named in ``revised``
    (schedule id -> ISO date). Schedules not named keep no date line."""
    out: list[Block] = []
    for block in document.schedules:
        out.append(block)
        if isinstance(block, Heading) and (block.anchor or "").startswith(ANCHOR_PREFIX):
            day = revised.get(block.anchor[len(ANCHOR_PREFIX):])
            if day:
                out.append(Paragraph((Run(f"Revised {long_date(dt.date.fromisoformat(day))}"),), style=REVISED_STYLE))
    return dataclasses.replace(document, schedules=tuple(out))


def _join(*parts: str | None) -> str:
    # Each part on its own: one email address among them must not keep the others' quotes straight.
    return ", ".join(_typo(part) for part in parts if part)


def _person(person: Person | Representative | None) -> str:
    if person is None:
        return "not yet named"
    return _join(person.name, person.role, person.email, person.phone and f"telephone {person.phone}")


def _contacts(settings: Settings, title: str) -> list[Block]:
    marac, records, governance = settings.marac, settings.records, settings.governance
    meeting = marac.meeting
    rows = [
        ("Chair", _join(marac.chair.name, marac.chair.role, marac.chair.agency)),
        ("Coordinator", _join(marac.coordinator.name, marac.coordinator.role, marac.coordinator.agency,
                              marac.coordinator.email, marac.coordinator.phone and f"telephone {marac.coordinator.phone}")),
    ]
    if marac.referral.referral_email:
        rows.append(("Referrals", f"{marac.referral.referral_email}, by {_typo(records.secure_email)}"))
    if marac.idva_service:
        idva = marac.idva_service
        rows.append(("Idva service", _join(idva.name, f"run by {idva.provider}", idva.phone and f"telephone {idva.phone}",
                                           idva.email)))
    if governance.contact:
        contact = governance.contact
        rows.append((f"Governance ({_typo(governance.group)})", _join(contact.name, contact.role, contact.email)))
    if records.data_protection_contact:
        dpo = records.data_protection_contact
        rows.append(("Data protection", _join(dpo.name, dpo.role, dpo.email)))
    rows.append(("Meetings", _join(meeting.frequency, meeting.day)))
    rows.append(("Venue", _typo(meeting.venue)))
    return [Table(header=("Who or what", "Details"), rows=tuple(rows), style="contacts", widths=(0.3, 0.7))]


def _signatories(settings: Settings, title: str) -> list[Block]:
    rows = tuple((_typo(p.name), _typo(p.signatory.name), _typo(p.signatory.role), p.signatory.email or "",
                  p.signatory.phone or "") for p in settings.partners)
    return [Paragraph((Run("The person expected to sign for each partner agency. Whoever signs writes their own "
                           "name and role on the signature page; the register records both."),)),
            Table(header=("Agency", "Signatory", "Role", "Email", "Telephone"), rows=rows, style="contacts",
                  widths=(0.26, 0.18, 0.24, 0.2, 0.12))]


def _representatives(settings: Settings, title: str) -> list[Block]:
    rows = tuple((_typo(p.name), _person(p.representative), _person(p.deputy)) for p in settings.partners)
    return [Paragraph((Run("Each agency’s representative at Marac meetings, and the deputy who attends in their "
                           "place. Agencies tell the coordinator of any change at once."),)),
            Table(header=("Agency", "Representative", "Deputy"), rows=rows, style="contacts",
                  widths=(0.3, 0.35, 0.35))]


def _pathways(settings: Settings, title: str) -> list[Block]:
    pathways = settings.specialist_pathways
    blocks: list[Block] = []
    if pathways.last_reviewed:
        due = add_months(pathways.last_reviewed, pathways.review_interval_months)
        blocks.append(Paragraph((Run(f"The pathways were last reviewed on {long_date(pathways.last_reviewed)}; "
                                     f"the next review is due by {long_date(due)}."),)))
    else:
        blocks.append(Paragraph((Run("The pathways have not yet been reviewed."),)))
    rows = tuple((_typo(s.organisation), _typo(s.service), s.phone or "", s.email or "", s.url or "")
                 for s in pathways.services)
    if rows:
        blocks.append(Table(header=("Organisation", "Service", "Telephone", "Email", "Website"), rows=rows,
                            style="contacts", widths=(0.22, 0.3, 0.14, 0.17, 0.17)))
    else:
        blocks.append(Paragraph((Run("No services are listed yet; the coordinator holds the current contacts."),)))
    return blocks


def _referral(settings: Settings, title: str) -> list[Block]:
    marac, records = settings.marac, settings.records
    referral = marac.referral
    where = f"to {referral.referral_email}" if referral.referral_email else "to the coordinator"
    days = referral.referral_deadline_days
    steps = (
        (Run(f"The referring practitioner completes the {_typo(marac.name)} referral form and {DASH_CHECKLIST}, "
             "which are available from the coordinator and are not reproduced here."),),
        (Run("They discuss the referral with their agency’s Marac representative or safeguarding lead."),),
        (Run(f"They send both {where} by {_typo(records.secure_email)}, at least {days} day{'s' if days != 1 else ''} "
             "before the meeting at which the case is to be heard."),),
        (Run("The coordinator checks the referral against the criteria (Dash risk checklist score, professional "
             f"judgement, or potential escalation: {referral.escalation_incidents} or more incidents within "
             f"{referral.escalation_period_months} months) and adds the case to the next case list."),),
    )
    return [ListBlock(items=steps, ordered=True)]


def _declaration(settings: Settings, title: str) -> list[Block]:
    name, title = _typo(settings.marac.name), _typo(title)
    text = (f"Everyone attending a meeting of {name} signs this declaration at each meeting. By signing I confirm "
            "that I will keep the information shared at this meeting confidential; that I will use it only to keep "
            "victims, children and others safe and for the actions agreed; that I will share it only as the "
            f"{title} and the Information Sharing Agreement allow; and that no information from this meeting will be "
            "passed to Immigration Enforcement or used to support immigration enforcement.")
    rows = tuple(("", "", "", "") for _ in range(DECLARATION_ROWS))
    return [Paragraph((Run(text),)),
            Paragraph((Run("Meeting date: ____________________"),)),
            Table(header=("Name", "Agency", "Role", "Signature"), rows=rows, style="contacts",
                  widths=(0.25, 0.3, 0.2, 0.25))]
