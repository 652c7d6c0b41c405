"""Review due dates as an iCalendar file for Outlook and Google Calendar.

One all-day event per document on its due date. The UID depends only on the Marac, the
document and the due date, and DTSTAMP on the last review, so the same settings always give
the same bytes, and importing the file again updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from ..dates import long_date
from ..errors import MaracError
from ..output_guard import check_target
from .reviews import ReviewRow, what_review_involves

PRODID = "-//Marac protocols//marac reviews//EN"
UID_DOMAIN = "marac-protocols"
REMINDER_DAYS = (90, 30)
CALENDAR_NAME = "Marac review dates"


def event_uid(slug: str, document: str, due: dt.date) -> str:
    """Return the stable UID of a review event: the same inputs always give the same UID."""
    digest = hashlib.sha256(f"{slug}|{document}|{due.isoformat()}".encode()).hexdigest()
    return f"{digest[:32]}@{UID_DOMAIN}"


def dated_rows(rows: Iterable[ReviewRow]) -> list[ReviewRow]:
    """Return the rows that can go in a calendar: readable, with a due date."""
    return [row for row in rows if row.status != "error" and row.due is not None]


def review_calendar(rows: Iterable[ReviewRow]) -> bytes:
    """Return an iCalendar file (bytes, CRLF lines) with one event per dated row.

    Refuses (ValueError) rows none of which has a due date: an empty calendar does not
    import everywhere.
    """
    events = dated_rows(rows)
    if not events:
        raise ValueError("no review dates to put in a calendar")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for row in events:
        calendar.add_component(_event(row))
    return calendar.to_ical()


def write_calendar(path: Path, rows: Iterable[ReviewRow], force: bool = False) -> int:
    """Write the calendar of ``rows`` to ``path`` and return how many events it holds.

    Writes nothing and returns 0 when no row has a due date. The file is written to a
    temporary name and renamed, so a failure leaves no partial file. Refuses
    (``MaracError``) a path that cannot be written, and (``OverwriteRefused``) a Marac's
    record or, without ``force``, an existing file that is not a marac calendar.
    """
    check_target(Path(path), force)
    rows = dated_rows(rows)
    if not rows:
        return 0
    data = review_calendar(rows)
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise MaracError(f"{path}: cannot write the calendar ({exc.strerror or exc})") from None
    return len(rows)


def _summary(row: ReviewRow) -> str:
    version = f" v{row.version}" if row.version else ""
    return f"Review due: {row.marac}, {row.title}{version}"


def _description(row: ReviewRow) -> str:
    version = f", version {row.version}," if row.version else ""
    return (f"{row.marac}: the {row.title}{version} last reviewed on "
            f"{long_date(row.last_reviewed)}, is due for review on {long_date(row.due)}.\n\n"
            f"{what_review_involves(row)}")


def _event(row: ReviewRow) -> Event:
    event = Event()
    event.add("uid", event_uid(row.slug or "", row.document or "", row.due))
    stamp = row.last_reviewed or row.due
    event.add("dtstamp", dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.timezone.utc))
    event.add("dtstart", row.due)
    event.add("dtend", row.due + dt.timedelta(days=1))
    event.add("summary", _summary(row))
    event.add("description", _description(row))
    event.add("categories", ["Marac review"])
    event.add("transp", "TRANSPARENT")
    for days in REMINDER_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", dt.timedelta(days=-days))
        alarm.add("description", f"{row.marac}: {row.title} review due in {days} days "
                                 f"({long_date(row.due)})")
        event.add_component(alarm)
    return event
