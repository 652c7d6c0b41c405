"""Review rows as a table for people, JSON for programs and CSV for Excel.

JSON and CSV are a stable interface: the same keys (``COLUMNS``) in the same order, dates as
YYYY-MM-DD, empty values as null (JSON) or an empty cell (CSV).
"""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any, TextIO

import click

from ..dates import long_date
from .reviews import ReviewReport, ReviewRow, describe_when

COLUMNS = ("marac", "config", "document", "version", "last_reviewed", "due", "days_left",
           "status", "error")
FORMATS = ("table", "json", "csv")

_SYMBOLS = {"ok": "\u2714", "due": "\u26a0", "overdue": "\u2716", "error": "\u2716"}
_COLOURS = {"ok": "green", "due": "yellow", "overdue": "red", "error": "red"}
_EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row_record(row: ReviewRow) -> dict[str, Any]:
    """Return ``row`` as the JSON object of the stable interface (keys in ``COLUMNS`` order)."""
    return {
        "marac": row.marac,
        "config": row.config,
        "document": row.document,
        "version": row.version,
        "last_reviewed": row.last_reviewed.isoformat() if row.last_reviewed else None,
        "due": row.due.isoformat() if row.due else None,
        "days_left": row.days_left,
        "status": row.status,
        "error": row.error,
    }


def render_json(report: ReviewReport) -> str:
    """Return the report's rows as a JSON list (indented, UTF-8 text, no trailing newline)."""
    return json.dumps([row_record(row) for row in report.rows], indent=2, ensure_ascii=False)


def render_csv(report: ReviewReport) -> bytes:
    """Return the rows as CSV bytes for Excel: UTF-8 with a BOM, CRLF, a header of ``COLUMNS``.

    Text that Excel would run as a formula (starting with = + - @) is prefixed with an
    apostrophe; numbers are left as they are.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        record = row_record(row)
        writer.writerow([_excel_safe(record[column]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _excel_safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_EXCEL_FORMULA_START):
        return "'" + value
    return value


def terminal_is_fancy(stream: TextIO) -> bool:
    """Return True when ``stream`` is a terminal that can show colour and the status symbols.

    False for files, pipes and test runners, when NO_COLOR is set, or when the stream's
    encoding cannot write the symbols.
    """
    if os.environ.get("NO_COLOR") or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        "".join(_SYMBOLS.values()).encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def render_table(report: ReviewReport, fancy: bool = False) -> str:
    """Return the rows as an aligned text table with a heading and a count line.

    Plain ASCII words (OK, DUE, OVERDUE, ERROR) unless ``fancy``, which adds colour and
    symbols (only for a terminal that supports them, see ``terminal_is_fancy``).
    """
    heading = (f"Reviews on {long_date(report.today)} (due: within {report.window_days} days "
               "of the due date)")
    rows = report.rows
    if not rows:
        return heading + "\nNo Maracs found."
    header = ("STATUS", "MARAC", "DOCUMENT", "VERSION", "LAST REVIEWED", "DUE", "WHEN")
    cells = [_cells(row) for row in rows if row.status != "error"]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    status_width = widths[0] + (2 if fancy else 0)
    lines = [heading, "", _join(header, widths, status_width)]
    for row in rows:
        if row.status == "error":
            lines.extend(_error_lines(row, status_width, fancy))
            continue
        line = _join(_cells(row), widths, status_width, status=row.status if fancy else None)
        lines.append(line)
    lines += ["", _counts(rows)]
    return "\n".join(lines)


def _cells(row: ReviewRow) -> tuple[str, ...]:
    if row.never_reviewed:
        last, due, when = "never reviewed", "-", "review now"
    else:
        last, due, when = long_date(row.last_reviewed), long_date(row.due), describe_when(row.days_left)
    return (row.status.upper(), row.marac or "", row.title, row.version or "-", last, due, when)


def _join(cells, widths, status_width: int, status: str | None = None) -> str:
    first, rest = cells[0], cells[1:]
    if status is None:
        first = first.ljust(status_width)
    else:
        first = click.style(f"{_SYMBOLS[status]} {first}".ljust(status_width),
                            fg=_COLOURS[status], bold=status != "ok")
    padded = [cell.ljust(width) for cell, width in zip(rest, widths[1:])]
    return "  ".join([first, *padded]).rstrip()


def _error_lines(row: ReviewRow, status_width: int, fancy: bool) -> list[str]:
    label = f"{_SYMBOLS['error']} ERROR" if fancy else "ERROR"
    messages = (row.error or "settings could not be read").splitlines()
    lines = [f"{label.ljust(status_width)}  {row.config}: {row.error_heading}"]
    lines += [" " * (status_width + 2) + message for message in messages]
    if fancy:
        lines = [click.style(line, fg="red") for line in lines]
    return lines


def _counts(rows: list[ReviewRow]) -> str:
    counts = {status: sum(row.status == status for row in rows)
              for status in ("overdue", "due", "ok", "error")}
    words = [f"{counts['overdue']} overdue", f"{counts['due']} due", f"{counts['ok']} ok"]
    unreadable = sum(row.status == "error" and row.marac is None for row in rows)
    if unreadable:
        words.append(f"{unreadable} unreadable")
    if counts["error"] - unreadable:
        words.append(f"{counts['error'] - unreadable} failing the policy gate")
    return ", ".join(words)
