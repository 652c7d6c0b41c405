"""The dashboard's rows: per Marac and document, its edition, signatures and review, overdue first.

Built only from ``register.status`` (editions, who signed) and ``register.reviews`` (due dates
and statuses), so the dashboard says what ``marac status`` and ``marac reviews`` say. Any
document that ``marac_status`` lists appears; the specialist pathways (reviewed but never
signed) appear from the review rows. A Marac whose files cannot be read, or whose settings fail
the policy gate (decided by ``register.reviews.gate_error_row``, as ``marac reviews`` decides it),
becomes one error row, listed first, so a Marac that fails the gate is never shown as ok.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import DEFAULT_WINDOW_DAYS, long_date, review_status
from ..errors import ConfigError, MaracError
from ..library.clauses import Library, load_library
from ..policy.gate import gate_one
from ..register.editions import index_path
from ..register.ledger import ledger_path
from ..register.reviews import STATUS_RANK, describe_when, gate_error_row, review_rows
from ..register.status import marac_status

STATUSES = ("overdue", "due", "ok", "error")
# "error" covers unreadable files and settings the policy gate refuses; each row says which.
STATUS_WORDS = {"overdue": "Overdue", "due": "Due soon", "ok": "OK", "error": "Error"}
UNREADABLE_WORDS = "Cannot be read"
GATE_WORDS = "Fails the policy gate"


@dataclass(frozen=True)
class DocumentRow:
    """One document of one Marac as the dashboard shows it."""

    key: str
    marac: str
    document: str
    title: str
    status: str
    signed_document: bool = True
    version: str | None = None
    issued: dt.date | None = None
    in_force: bool = False
    signed: int = 0
    total: int = 0
    not_signed: tuple[str, ...] = ()
    text_matches: bool | None = None
    due: dt.date | None = None
    days_left: int | None = None
    error: str | None = None
    fails_gate: bool = False
    config: str = ""

    @property
    def status_words(self) -> str:
        """Return the review status in words (the colour only repeats it); an error says which kind."""
        if self.status == "error":
            return GATE_WORDS if self.fails_gate else UNREADABLE_WORDS
        return STATUS_WORDS[self.status]

    @property
    def check_command(self) -> str:
        """Return the command that shows why this Marac fails the gate: ``marac check <its folder>``.

        The folder is quoted for a shell when it needs to be; '' for a row without a settings file.
        """
        if not self.config:
            return ""
        return f"marac check {shlex.quote(Path(self.config).parent.as_posix())}"

    @property
    def when(self) -> str:
        """Return the due date and how far off it is, e.g. ``1 March 2027 (in 90 days)``."""
        if self.due is None:
            return "never reviewed" if self.status != "error" else ""
        return f"{long_date(self.due)} ({describe_when(self.days_left)})"


@dataclass(frozen=True)
class Dashboard:
    """Every row, overdue first, and how many rows have each status."""

    today: dt.date
    rows: tuple[DocumentRow, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def only(self, status: str | None) -> tuple[DocumentRow, ...]:
        """Return the rows with ``status`` (every row for None or an unknown status)."""
        if status not in STATUSES:
            return self.rows
        return tuple(row for row in self.rows if row.status == status)

    @property
    def maracs(self) -> list[str]:
        """Return the Maracs' names in the order they first appear."""
        return list(dict.fromkeys(row.marac for row in self.rows))


# One entry per Marac: the stamps its rows were computed from, and the rows.
_CACHE: dict[tuple[str, str], tuple[tuple, tuple[DocumentRow, ...]]] = {}


def file_stamp(path: Path) -> tuple[int, int] | None:
    """Return a file's modification time and size (None when it does not exist)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def marac_rows(key: str, config: Path, library: Library, today: dt.date,
               window_days: int = DEFAULT_WINDOW_DAYS) -> tuple[DocumentRow, ...]:
    """Return the dashboard rows of the Marac whose settings are ``config``.

    Never raises for bad input: unreadable settings, editions or ledger, and settings that fail
    the policy gate, become one error row. Rows are remembered until marac.yaml, editions.yaml or
    signatures.yaml change, or the day, window or clause library does.
    """
    folder = config.parent
    # The gate's result is part of the rows, so everything it reads is in the key: marac.yaml,
    # the library (clause choices) and today (its date checks, e.g. review intervals).
    stamps = (file_stamp(config), file_stamp(index_path(folder)), file_stamp(ledger_path(folder)),
              today, window_days, library.version)
    entry = (str(config.resolve()), key)
    cached = _CACHE.get(entry)
    if cached is None or cached[0] != stamps:
        cached = _CACHE[entry] = (stamps, _compute(key, config, library, today, window_days))
    return cached[1]


def _compute(key: str, config: Path, library: Library, today: dt.date, window_days: int) -> tuple[DocumentRow, ...]:
    # The gate marac reviews runs (errors only: warnings never fail a Marac), not a second one.
    result = gate_one(config, library, today, warnings=False)
    refused = gate_error_row(result, config.as_posix())
    if refused is not None:  # unreadable (no Marac name) or failing the gate (named), as in reviews
        return (DocumentRow(key=key, marac=refused.marac or key, document="", title="settings", status="error",
                            error=refused.error, fails_gate=refused.marac is not None, config=config.as_posix()),)
    loaded = result.loaded  # never None here: every result without settings has an error row
    try:
        status = marac_status(loaded, library)
    except (ConfigError, MaracError) as exc:  # editions.yaml or signatures.yaml cannot be read
        return (DocumentRow(key=key, marac=key, document="", title="settings", status="error",
                            error=exc.message, config=config.as_posix()),)
    settings = loaded.settings
    reviews = {row.document: row for row in review_rows(settings, config.as_posix(), today, window_days)}
    rows = []
    for doc in status.documents:
        review = reviews.pop(doc.document, None)
        if review is not None:
            state, due, days_left = review.status, review.due, review.days_left
        else:  # a document the review rows do not list yet: the same due-date rule
            due = doc.review_due
            state, days_left = review_status(due, today, window_days)
        edition = doc.edition
        rows.append(DocumentRow(
            key=key, marac=status.marac, document=doc.document, title=doc.title, status=state,
            version=edition.version if edition else None, issued=edition.issued if edition else None,
            in_force=doc.in_force, signed=len(doc.signed),
            total=len(doc.signed) + len(doc.unsigned) + len(doc.stale),
            not_signed=tuple(doc.unsigned) + tuple(s.agency for s in doc.stale),
            text_matches=doc.current_text_matches, due=due, days_left=days_left))
    for review in reviews.values():  # reviewed but never signed (the specialist pathways)
        rows.append(DocumentRow(key=key, marac=status.marac, document=review.document or "", title=review.title,
                                status=review.status, signed_document=False, due=review.due,
                                days_left=review.days_left))
    return tuple(rows)


def order(row: DocumentRow) -> tuple:
    """Return the dashboard order: worst status first, then earliest due, then Marac and document."""
    return (-STATUS_RANK[row.status], row.due is not None, row.due or dt.date.min, row.marac.casefold(), row.document)


def build_dashboard(configs: dict[str, Path], today: dt.date | None = None,
                    library: Library | None = None, window_days: int = DEFAULT_WINDOW_DAYS) -> Dashboard:
    """Return the dashboard of ``configs`` (``{key: marac.yaml}``) as seen on ``today``.

    Never raises for bad settings: each such Marac is one error row, counted under "error".
    """
    today = today or dt.date.today()
    library = library or load_library()
    rows = [row for key, config in configs.items() for row in marac_rows(key, config, library, today, window_days)]
    rows.sort(key=order)
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    return Dashboard(today=today, rows=tuple(rows), counts=counts)
