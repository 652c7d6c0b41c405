"""``marac reviews`` and ``marac remind``: click wiring only.

Registered in ``cli.py``. The work happens in ``register/`` (reviews, review_formats,
calendar_export, remind); nothing here imports WeasyPrint or any document writer.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from .params import CONFIGS, ISO_DATE
from ..dates import DEFAULT_WINDOW_DAYS
from ..errors import DeliveryError

TODAY = click.option("--today", type=ISO_DATE, metavar="YYYY-MM-DD",
                     help="See the dates as on this day (default: the real date).")
WITHIN = click.option("--within", type=click.IntRange(0, 3660), default=DEFAULT_WINDOW_DAYS,
                      show_default=True, metavar="DAYS",
                      help="A review is 'due' from this many days before its due date.")


class SmtpAddress(click.ParamType):
    """``HOST:PORT`` of an SMTP server."""

    name = "HOST:PORT"

    def convert(self, value, param, ctx):
        from ..register.remind import parse_smtp_address

        if isinstance(value, tuple):
            return value
        try:
            return parse_smtp_address(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _email_address(ctx, param, value):
    from ..settings.text_rules import check_email  # not at import: keeps --help light

    if value is not None:
        try:
            check_email(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


@click.command()
@CONFIGS
@TODAY
@WITHIN
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for people, json for programs, csv for Excel.")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the due dates to this iCalendar file (Outlook, Google Calendar).")
@click.option("--fail-on", type=click.Choice(["due", "overdue"]),
              help="Exit 1 when any review has this status or worse (for cron and CI).")
@click.option("--force", is_flag=True, help="With --ics: write over a file that is not a marac calendar "
              "(never over marac.yaml, signatures.yaml or editions/).")
def reviews(configs, today, within, fmt, ics, fail_on, force):
    """List when each MOP, ISA and specialist pathways list is due for review (G16, G21).

    One row per document per Marac, earliest due first. Exits 1 when a Marac's settings
    cannot be read, or with --fail-on when a review is due or overdue.
    """
    from ..register.review_formats import render_csv, render_json, render_table, terminal_is_fancy
    from ..register.reviews import collect_reviews

    if ics:
        from ..output_guard import check_target

        check_target(ics, force)  # before anything is printed: a refused --ics changes nothing
    report = collect_reviews(configs, today or dt.date.today(), within)
    if fmt == "json":
        click.echo(render_json(report))
    elif fmt == "csv":
        click.echo(render_csv(report), nl=False)
    else:
        click.echo(render_table(report, fancy=terminal_is_fancy(sys.stdout)))
    if fmt != "table":
        for row in report.errors:
            click.echo(f"error: {row.config}: {row.error_heading}:\n{row.error}", err=True)
    if ics:
        from ..register.calendar_export import write_calendar  # icalendar only when asked

        count = write_calendar(ics, report.rows, force)
        message = f"wrote {count} review dates to {ics}" if count else f"no review dates: {ics} not written"
        click.echo(message, err=True)
    if report.fails(fail_on):
        raise click.exceptions.Exit(1)


@click.command()
@CONFIGS
@click.option("--smtp", type=SmtpAddress(), help="The SMTP server, e.g. smtp.example.org:587 "
              "(not needed with --dry-run).")
@click.option("--from", "sender", callback=_email_address, metavar="ADDR",
              help="Sender address (default: each Marac's coordinator).")
@TODAY
@WITHIN
@click.option("--dry-run", is_flag=True, help="Print the messages instead of sending them.")
@click.option("--starttls", is_flag=True, help="Encrypt the connection with STARTTLS.")
@click.option("--user", metavar="U", help="Log in as U; the password comes from the "
              "environment variable MARAC_SMTP_PASSWORD.")
@click.option("--timeout", type=click.FloatRange(1, 600), default=20, show_default=True, metavar="SECONDS",
              help="Give up on the SMTP server after this long, for the whole run; a server that fails "
                   "is not tried again for the other Maracs.")
def remind(configs, smtp, sender, today, within, dry_run, starttls, user, timeout):
    """Email each coordinator (copied to the governance contact) what is due or overdue.

    One plain-text email per Marac with its review dates attached as an .ics file; a
    Marac with nothing due, overdue or unsigned gets none. Exits 1 if any could not be sent.
    """
    from ..library.clauses import load_library
    from ..register.remind import is_loopback, send_reminders, smtp_server
    from ..register.reviews import collect_reviews
    from ..register.status import outstanding_signatures

    server = None
    if not dry_run:
        if smtp is None:
            raise click.UsageError("--smtp HOST:PORT is required to send (or use --dry-run).")
        if user and not starttls and not is_loopback(smtp[0]):
            raise click.UsageError("--user sends a password: add --starttls so it is encrypted.")
        server = smtp_server(smtp, starttls, user, os.environ, timeout)
    report = collect_reviews(configs, today or dt.date.today(), within)
    library = load_library()
    outcomes = send_reminders(report, server, sender, dry_run,
                              outstanding_for=lambda loaded: outstanding_signatures(loaded, library))
    for outcome in outcomes:
        if outcome.status == "preview":
            click.echo(f"=== {outcome.marac} (dry run, not sent) ===\n{outcome.detail}\n")
        elif outcome.status == "error":
            click.echo(f"error: {outcome.marac}: {outcome.detail}", err=True)
        else:
            click.echo(f"{outcome.marac}: {outcome.detail}")
    failed = sum(outcome.failed for outcome in outcomes)
    if failed:
        raise DeliveryError(f"{failed} of {len(outcomes)} reminders not sent; see the errors above.")
