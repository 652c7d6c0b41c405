"""Calendar arithmetic for review dates, and dates as people write them.

Due dates are computed by calendar months (python-dateutil), never as days x 365:
29 February 2024 + 24 months is 28 February 2026; 31 August + 6 months is 28 or 29 February.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

DEFAULT_WINDOW_DAYS = 90  # the three months' notice regional information-sharing frameworks give


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the month's last day."""
    return day + relativedelta(months=months)


def review_status(due: dt.date, today: dt.date, window_days: int = DEFAULT_WINDOW_DAYS) -> tuple[str, int]:
    """Return (status, days_left) for a review due on ``due``, seen on ``today``.

    status is ``overdue`` after the due date, ``due`` from ``window_days`` before it up to and
    including the day itself, otherwise ``ok``. days_left is negative when overdue.
    """
    days_left = (due - today).days
    if days_left < 0:
        return "overdue", days_left
    if days_left <= window_days:
        return "due", days_left
    return "ok", days_left


def long_date(day: dt.date | None) -> str:
    """Return a date as written in UK documents, e.g. ``1 March 2025`` ('' for None)."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"
