"""Review due dates and statuses (G16, G21): one row per document per Marac.

A Marac has three things the governance group reviews: the Operating Protocol (``mop``), the
Information Sharing Agreement (``isa``), both every ``review_interval_months`` (24 at most),
and the specialist pathways (``pathways``, G16, every 12 months unless set otherwise). The due
date is ``last_reviewed`` plus the interval in calendar months (``dates.add_months``).

Pure: no output and no I/O beyond loading settings and the clause library. A Marac whose
settings cannot be read, or that fails the policy gate (the gate ``marac check`` runs), becomes
one ``error`` row, so that one broken file never hides the others and a Marac that fails the
gate is never shown as ok (nor reminded about).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings.loader import LoadedSettings, resolve_config_paths
from ..dates import DEFAULT_WINDOW_DAYS, add_months, review_status
from ..errors import ConfigError
from ..settings.schema import Settings

if TYPE_CHECKING:  # the gate is imported when a report is collected, not when this module is
    from ..policy.gate import GateResult

DOCUMENTS = ("mop", "isa", "annex", "pathways")  # the annex only when marac.yaml gives documents.annex
DOCUMENT_TITLES = {
    "mop": "Operating Protocol",
    "isa": "Information Sharing Agreement",
    "annex": "Immigration Status Annex",
    "pathways": "Specialist pathways",
}
SETTINGS_FIELDS = {
    "mop": "documents.operating_protocol",
    "isa": "documents.information_sharing_agreement",
    "annex": "documents.annex",
    "pathways": "specialist_pathways",
}
STATUS_RANK = {"ok": 0, "due": 1, "overdue": 2, "error": 3}
FAIL_ON_CHOICES = ("due", "overdue")


@dataclass(frozen=True)
class ReviewRow:
    """One document of one Marac on a given day, or one Marac whose settings are broken.

    ``status`` is ok, due, overdue or error. A document never reviewed (only the pathways can
    be) is overdue with ``last_reviewed``, ``due`` and ``days_left`` all None.
    """

    config: str
    status: str
    marac: str | None = None
    slug: str | None = None
    group: str | None = None
    document: str | None = None
    version: str | None = None
    last_reviewed: dt.date | None = None
    interval_months: int | None = None
    due: dt.date | None = None
    days_left: int | None = None
    error: str | None = None

    @property
    def error_heading(self) -> str:
        """Return what an error row is: unreadable settings, or settings the policy gate refuses."""
        if self.marac is not None:
            return "fails the policy gate (marac check shows why)"
        return "settings could not be read"

    @property
    def never_reviewed(self) -> bool:
        """Return True for a document that has no review date at all."""
        return self.status != "error" and self.last_reviewed is None

    @property
    def title(self) -> str:
        """Return the document's name as people say it ('' for an error row)."""
        return DOCUMENT_TITLES.get(self.document or "", "")


@dataclass(frozen=True)
class MaracReviews:
    """One Marac's settings (None when unreadable) and its rows, in document order."""

    config: Path
    loaded: LoadedSettings | None
    rows: tuple[ReviewRow, ...]


@dataclass(frozen=True)
class ReviewReport:
    """Every Marac named on the command line, seen on ``today`` with a due window."""

    today: dt.date
    window_days: int
    maracs: tuple[MaracReviews, ...]

    @property
    def rows(self) -> list[ReviewRow]:
        """Return all rows: errors first, then never reviewed, then by due date."""
        return sorted((row for m in self.maracs for row in m.rows), key=sort_key)

    @property
    def errors(self) -> list[ReviewRow]:
        """Return the rows of Maracs whose settings could not be read."""
        return [row for row in self.rows if row.status == "error"]

    def fails(self, fail_on: str | None) -> bool:
        """Return True when a row is at ``fail_on`` (due or overdue) or worse, or is an error.

        Without ``fail_on`` only error rows fail. Refuses (ValueError) any other threshold.
        """
        if fail_on is None:
            return bool(self.errors)
        if fail_on not in FAIL_ON_CHOICES:
            raise ValueError(f"fail_on must be one of {FAIL_ON_CHOICES}, not {fail_on!r}")
        return any(STATUS_RANK[row.status] >= STATUS_RANK[fail_on] for row in self.rows)


def sort_key(row: ReviewRow) -> tuple:
    """Return the order rows are listed in: errors, never reviewed, then earliest due first."""
    group = 0 if row.status == "error" else 1 if row.due is None else 2
    document = DOCUMENTS.index(row.document) if row.document in DOCUMENTS else -1
    return (group, row.due or dt.date.min, (row.marac or "").casefold(), row.config, document)


def collect_reviews(arguments, today: dt.date, window_days: int = DEFAULT_WINDOW_DAYS) -> ReviewReport:
    """Return the review rows of every Marac named by CONFIG arguments, seen on ``today``.

    A Marac whose settings do not load, or that fails the policy gate (the same gate as
    ``marac check``, e.g. a G03 recipient or a G21 interval), becomes one error row and has no
    settings in the report (so nothing is sent for it). Refuses (``ConfigError``)
    arguments that name no settings at all, and (ValueError) a negative window.
    """
    if window_days < 0:
        raise ValueError(f"window_days must be 0 or more, not {window_days}")
    from ..library.clauses import load_library
    from ..policy.gate import gate_one

    library = load_library()
    maracs = []
    for path in resolve_config_paths(list(arguments)):
        config = path.as_posix()
        result = gate_one(path, library, today, warnings=False)
        error = gate_error_row(result, config)
        if error is not None:
            maracs.append(MaracReviews(path, None, (error,)))
            continue
        loaded = result.loaded
        maracs.append(MaracReviews(path, loaded, review_rows(loaded.settings, config, today, window_days)))
    return ReviewReport(today=today, window_days=window_days, maracs=tuple(maracs))


def gate_error_row(result: GateResult, config: str) -> ReviewRow | None:
    """Return the one ``error`` row standing for a Marac the gate refuses, or None when it passes.

    Unreadable settings give a row without ``marac`` (every problem in ``error``); settings the
    gate finds errors in give a row naming the Marac, with the error-level findings only
    (warnings never make a Marac fail). ``config`` is the settings file as it is to be shown.
    Shared by ``collect_reviews`` and the web dashboard so both decide failure the same way.
    """
    loaded = result.loaded
    if loaded is not None and not result.errors:
        return None
    problems = list(result.errors) if loaded else list(result.findings)
    return ReviewRow(config=config, status="error", error=ConfigError(problems).message,
                     marac=loaded.settings.marac.name if loaded else None,
                     slug=loaded.settings.slug if loaded else None)


def review_rows(settings: Settings, config: str, today: dt.date,
                window_days: int = DEFAULT_WINDOW_DAYS) -> tuple[ReviewRow, ...]:
    """Return the mop, isa, annex (when it has dates) and pathways rows of one Marac's settings, in that order."""
    common = {"config": config, "marac": settings.marac.name, "slug": settings.slug,
              "group": settings.governance.group}
    mop, isa = settings.documents.operating_protocol, settings.documents.information_sharing_agreement
    pathways = settings.specialist_pathways
    rows = []
    annex = settings.documents.annex
    annex_row = [("annex", annex.version, annex.last_reviewed, annex.review_interval_months)] if annex else []
    for document, version, last_reviewed, months in (
            ("mop", mop.version, mop.last_reviewed, mop.review_interval_months),
            ("isa", isa.version, isa.last_reviewed, isa.review_interval_months),
            *annex_row,
            ("pathways", None, pathways.last_reviewed, pathways.review_interval_months)):
        if last_reviewed is None:  # never reviewed: tell the coordinator, as overdue
            rows.append(ReviewRow(**common, status="overdue", document=document, version=version,
                                  interval_months=months))
            continue
        due = add_months(last_reviewed, months)
        status, days_left = review_status(due, today, window_days)
        rows.append(ReviewRow(**common, status=status, document=document, version=version,
                              last_reviewed=last_reviewed, interval_months=months,
                              due=due, days_left=days_left))
    return tuple(rows)


def describe_when(days_left: int | None) -> str:
    """Return days_left in words: ``in 9 days``, ``today``, ``685 days ago`` (``-`` for None)."""
    if days_left is None:
        return "-"
    if days_left == 0:
        return "today"
    plural = "" if abs(days_left) == 1 else "s"
    if days_left < 0:
        return f"{-days_left} day{plural} ago"
    return f"in {days_left} day{plural}"


def what_review_involves(row: ReviewRow) -> str:
    """Return a sentence or two on what the review of ``row``'s document involves."""
    group = row.group or "The governance group"
    field = SETTINGS_FIELDS.get(row.document or "", "")
    if row.document == "pathways":
        return (f"{group} reviews the local pathways for specialist support for victims whose "
                "immigration status is an issue (G16): that each service still runs, that its "
                "contact details are right, and that legal advice and representation are "
                f"available. Then record the date as {field}.last_reviewed in marac.yaml.")
    every = ("two-yearly" if row.interval_months == 24
             else f"{row.interval_months}-monthly")
    return (f"{group} carries out the {every} review of the {row.title} (G21), including its "
            "immigration status guidance (G22). Record the date as "
            f"{field}.last_reviewed in marac.yaml, then issue the new edition to every "
            "partner agency for signature: a version is in force only when all have signed.")
