"""Parameter types and arguments shared by the command modules (no commands here)."""

from __future__ import annotations

import datetime as dt

import click


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date on the command line; a usage error (exit 2) otherwise."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a real date; write it as YYYY-MM-DD, e.g. 2026-03-01", param, ctx)


ISO_DATE = IsoDate()
CONFIGS = click.argument("configs", nargs=-1, required=True, metavar="CONFIG...")
