"""Calendar arithmetic for review dates: calendar months, month ends, leap days, window edges."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.dates import DEFAULT_WINDOW_DAYS, add_months, long_date, review_status

D = dt.date


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2024, 2, 29), 24, D(2026, 2, 28)),   # leap day, two years on: no 29 February
    (D(2024, 2, 29), 48, D(2028, 2, 29)),   # four years on: a leap year again
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2025, 8, 31), 6, D(2026, 2, 28)),    # 31 August + 6 months: the end of February
    (D(2023, 8, 31), 6, D(2024, 2, 29)),    # ... which is the 29th in a leap year
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2025, 3, 31), 1, D(2025, 4, 30)),
    (D(2024, 11, 30), 3, D(2025, 2, 28)),
    (D(2025, 3, 1), 24, D(2027, 3, 1)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),   # across a year end
])
def test_add_months_counts_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_is_not_days_times_365():
    start = D(2023, 3, 1)
    assert add_months(start, 24) == D(2025, 3, 1)
    assert start + dt.timedelta(days=2 * 365) == D(2025, 2, 28)  # what the wrong way gives


def test_default_window_is_three_months_notice():
    assert DEFAULT_WINDOW_DAYS == 90


@pytest.mark.parametrize(("today", "expected"), [
    (D(2027, 3, 2), ("overdue", -1)),   # the day after the due date
    (D(2027, 3, 1), ("due", 0)),        # the due day itself is still "due"
    (D(2026, 12, 1), ("due", 90)),      # exactly 90 days before: inside the window
    (D(2026, 11, 30), ("ok", 91)),      # 91 days before: not yet
    (D(2025, 3, 1), ("ok", 730)),
    (D(2028, 3, 1), ("overdue", -366)),
])
def test_review_status_window_edges(today, expected):
    assert review_status(D(2027, 3, 1), today) == expected


def test_review_status_with_other_windows():
    due = D(2026, 2, 28)
    assert review_status(due, D(2026, 2, 28), window_days=0) == ("due", 0)
    assert review_status(due, D(2026, 2, 27), window_days=0) == ("ok", 1)
    assert review_status(due, D(2025, 2, 28), window_days=365) == ("due", 365)
    assert review_status(due, D(2025, 2, 27), window_days=365) == ("ok", 366)


def test_long_date():
    assert long_date(D(2025, 3, 1)) == "1 March 2025"
    assert long_date(D(2026, 2, 28)) == "28 February 2026"
    assert long_date(None) == ""
