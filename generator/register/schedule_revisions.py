"""When each schedule was last revised: ``editions/schedules.yaml``, derived, never typed in.

A schedule's revision date is the day the register first saw its present content: each time a
document is built, issued or its status shown, the SHA-256 of every schedule's canonical text is
compared with the last one recorded for that schedule, and a new content is recorded with
today's date. A date a coordinator had to remember to change would be wrong the first time they
forgot; this one cannot be. Changing a schedule never touches an edition or a signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .store import Entry, Hex64, IsoDay, Timestamp, locked, plain, read_entries, utc_now, write_entries

RECORD_NAME = "schedules.yaml"
RECORD_HEADER = """\
# When each schedule of this Marac's documents (contacts, signatories, representatives,
# pathways ...) last changed, written by `marac build`, `issue` and `status`: one entry per
# new content, with the SHA-256 of its text and the day it was first seen. Schedules are not
# part of the signed text, so a change here never asks partners to sign again.
"""
UNRECORDED = ("history",)  # the version history is dated by the editions themselves


class ScheduleRevision(Entry):
    """One content of one schedule and the day it was first seen."""

    schedule: str
    sha256: Hex64
    revised: IsoDay
    recorded_at: Timestamp


def record_path(folder: Path) -> Path:
    """Return the path of a Marac's schedule revision record (``editions/schedules.yaml``)."""
    return Path(folder) / "editions" / RECORD_NAME


if TYPE_CHECKING:
    from ..document.model import Document


def schedule_digests(document: Document) -> dict[str, str]:
    """Return schedule id -> SHA-256 of its canonical text, for every schedule of ``document``."""
    digests = {}
    # Imported here: `status` of a Marac with nothing to assemble needs only ``record_path``.
    from ..document.fingerprint import block_lines
    from ..document.schedules import schedule_sections

    for name, blocks in schedule_sections(document):
        if name in UNRECORDED:
            continue
        text = "\n".join(line for block in blocks for line in block_lines(block))
        digests[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return digests


def schedule_revisions(folder: Path, document: Document, today: dt.date | None = None,
                       record: bool = True) -> dict[str, str]:
    """Return schedule id -> ISO revision date for ``document``'s schedules (``revision_dates``
    of its ``schedule_digests``)."""
    if not record_path(folder).parent.is_dir():
        return {}
    return revision_dates(folder, schedule_digests(document), today, record)


def revision_dates(folder: Path, digests: dict[str, str], today: dt.date | None = None,
                   record: bool = True) -> dict[str, str]:
    """Return schedule id -> ISO revision date for schedules with these content ``digests``.

    With ``record`` (the default), a schedule whose content is new is recorded as revised
    ``today``; without it, such a schedule is given today's date but nothing is written. A Marac
    with no ``editions/`` folder (nothing issued yet) has no record: its schedules get no date.
    Refuses (``RegisterError``) a damaged record, which is never overwritten.
    """
    path = record_path(folder)
    if not path.parent.is_dir():
        # No register yet (nothing issued): every document is a draft, and a build of the shipped
        # examples must not write into them. The record starts with the first edition.
        return {}
    today = today or dt.date.today()
    entries = [e for e, _ in read_entries(path, "schedules", ScheduleRevision)]
    dates, new = _dates(entries, digests, today)
    if new and record:
        with locked(path):
            entries = [e for e, _ in read_entries(path, "schedules", ScheduleRevision)]
            dates, new = _dates(entries, digests, today)
            if new:
                write_entries(path, RECORD_HEADER, "schedules", [plain(e) for e in entries + new])
    return dates


def _dates(entries: list[ScheduleRevision], digests: dict[str, str],
           today: dt.date) -> tuple[dict[str, str], list[ScheduleRevision]]:
    latest = {e.schedule: e for e in entries}  # later entries win
    dates, new = {}, []
    for name, digest in digests.items():
        known = latest.get(name)
        if known is not None and known.sha256 == digest:
            dates[name] = known.revised.isoformat()
        else:
            new.append(ScheduleRevision(schedule=name, sha256=digest, revised=today, recorded_at=utc_now()))
            dates[name] = today.isoformat()
    return dates, new
