"""Parameter types and arguments shared by the command modules (no commands here)."""

from __future__ import annotations

import datetime as dt

import click


# Dates a Marac's papers can carry. Review arithmetic adds years to a date, so a date near
# 9999-12-31 would overflow Python's calendar; a real Marac date is never near either end.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2199, 12, 31)


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date from 1990 to 2199 on the command line; a usage error (exit 2) otherwise."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                self.fail(f"'{value}' is not a real date; write it as YYYY-MM-DD, e.g. 2026-03-01", param, ctx)
        if not EARLIEST <= day <= LATEST:
            self.fail(f"'{value}' is outside the dates marac works with ({EARLIEST} to {LATEST}); "
                      "check the year", param, ctx)
        return day


ISO_DATE = IsoDate()
CONFIGS = click.argument("configs", nargs=-1, required=True, metavar="CONFIG...")
