"""Reminder emails: one per Marac to its coordinator, copied to the governance contact.

A reminder lists the reviews that are due or overdue and, per document, the partner agencies
that have not signed the current edition (given by the caller as ``outstanding``). It is
plain text with the Marac's review dates attached as an iCalendar file. A Marac with nothing
to say gets no email. One failed message never stops the others; a server that fails (silent,
refusing, rejecting the login) is not tried again in the same run, and ``SmtpServer.timeout``
bounds the whole run, so a dead server costs one timeout, not one per Marac.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import ssl
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from ..settings.loader import LoadedSettings
from ..dates import long_date
from ..errors import MaracError
from .calendar_export import dated_rows, review_calendar
from .reviews import (DOCUMENT_TITLES, DOCUMENTS, MaracReviews, ReviewReport, ReviewRow,
                      describe_when, sort_key, what_review_involves)

PASSWORD_VARIABLE = "MARAC_SMTP_PASSWORD"
DEFAULT_TIMEOUT = 20.0
# Failures of the server or the connection rather than of one message: once one happens in a
# run, the other Maracs are not tried again, so a silent server costs one timeout, not one each.
_SERVER_FAILURES = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected,
                    smtplib.SMTPHeloError, smtplib.SMTPNotSupportedError, smtplib.SMTPAuthenticationError)
WIDTH = 76
Outstanding = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send: host, port, STARTTLS, and a login when ``user`` is set."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds for the whole run, not per message

    @property
    def label(self) -> str:
        """Return the server as ``host:port`` for messages."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Outcome:
    """What happened to one Marac's reminder: sent, preview, nothing or error."""

    marac: str
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        """Return True when this Marac's reminder could not be composed or sent."""
        return self.status == "error"


def parse_smtp_address(value: str) -> tuple[str, int]:
    """Return (host, port) from ``HOST:PORT`` (``[::1]:25`` for IPv6).

    Refuses (ValueError, with the fix) a missing host or port, or a port that is not a
    number from 1 to 65535.
    """
    host, colon, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port:
        raise ValueError(f"'{value}' needs a host and a port, like smtp.example.org:587")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"'{port}' is not a port number (1 to 65535), e.g. 25 or 587")
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Return True for a server on this machine (localhost, 127.x.x.x, ::1)."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def smtp_server(address: tuple[str, int], starttls: bool, user: str | None,
                environ: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> SmtpServer:
    """Return the server to send through, the password taken from ``MARAC_SMTP_PASSWORD``.

    ``timeout`` bounds, in seconds, everything sent to this server in one run. Refuses
    (``MaracError``) a ``user`` when the variable is not set.
    """
    password = None
    if user:
        password = environ.get(PASSWORD_VARIABLE)
        if not password:
            raise MaracError(f"--user {user} needs the password in the environment variable "
                             f"{PASSWORD_VARIABLE}; set it (it is never taken from a flag)")
    host, port = address
    return SmtpServer(host=host, port=port, starttls=starttls, user=user, password=password, timeout=timeout)


def compose_reminder(marac: MaracReviews, today: dt.date, window_days: int,
                     sender: str | None = None,
                     outstanding: Outstanding | None = None) -> EmailMessage | None:
    """Return the reminder email for one Marac, or None when it has nothing to report.

    ``outstanding`` maps a document (mop, isa, ...) to the agencies that have not signed
    its current edition. Refuses (ValueError) a Marac whose settings could not be read.
    """
    if marac.loaded is None:
        raise ValueError(f"{marac.config}: settings could not be read; no reminder")
    settings = marac.loaded.settings
    listed = [row for row in sorted(marac.rows, key=sort_key) if row.status in ("due", "overdue")]
    unsigned = {doc: list(names) for doc, names in (outstanding or {}).items() if names}
    if not listed and not unsigned:
        return None
    coordinator, contact = settings.marac.coordinator, settings.governance.contact
    message = EmailMessage()
    message["From"] = sender or coordinator.email
    message["To"] = formataddr((coordinator.name, coordinator.email))
    if contact and contact.email.casefold() != (coordinator.email or "").casefold():
        message["Cc"] = formataddr((contact.name, contact.email))
    message["Subject"] = _subject(settings.marac.name, listed, marac.rows, unsigned)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=str(message["From"]).rpartition("@")[2] or None)
    message.set_content(_body(marac, today, window_days, listed, unsigned))
    if dated_rows(marac.rows):
        message.add_attachment(review_calendar(marac.rows), maintype="text", subtype="calendar",
                               filename=f"{settings.slug}-review-dates.ics",
                               params={"method": "PUBLISH"})
    return message


def send_reminders(report: ReviewReport, server: SmtpServer | None, sender: str | None = None,
                   dry_run: bool = False,
                   outstanding_for: Callable[[LoadedSettings], Outstanding] | None = None,
                   ) -> list[Outcome]:
    """Return one ``Outcome`` per Marac after sending (or, with ``dry_run``, previewing) reminders.

    ``outstanding_for`` gives a Marac's unsigned agencies per document (none when omitted).
    Never raises for a Marac or a message: unreadable settings, a ``MaracError`` from
    ``outstanding_for`` and SMTP failures become error outcomes and the other Maracs still go.
    Refuses (ValueError) sending without a server.
    """
    if server is None and not dry_run:
        raise ValueError("a server is needed unless dry_run is set")
    outcomes = []
    session = _Session(server) if server is not None else None
    for marac in report.maracs:
        if marac.loaded is None:
            row = marac.rows[0]
            outcomes.append(Outcome(row.marac or marac.config.as_posix(), "error",
                                    f"{row.error_heading}; no reminder sent:\n{row.error}"))
            continue
        name = marac.loaded.settings.marac.name
        try:
            outstanding = outstanding_for(marac.loaded) if outstanding_for else None
        except MaracError as exc:  # e.g. a damaged signatures ledger
            outcomes.append(Outcome(name, "error", f"no reminder: {exc.message}"))
            continue
        try:
            message = compose_reminder(marac, report.today, report.window_days, sender, outstanding)
        except (ValueError, TypeError, UnicodeError) as exc:  # e.g. a header email cannot carry
            outcomes.append(Outcome(name, "error", f"no reminder: it could not be written ({exc}); "
                                                   "run marac check on this Marac"))
            continue
        refused = refused_addresses(message) if message is not None else []
        if refused:
            # The gate refuses these already; checked again here, where the mail leaves.
            outcomes.append(Outcome(name, "error", "not sent (G03): " + "; ".join(refused)))
        elif message is None:
            outcomes.append(Outcome(name, "nothing", "nothing due, overdue or unsigned: no email"))
        elif dry_run:
            outcomes.append(Outcome(name, "preview", preview(message)))
        else:
            outcomes.append(session.deliver(name, message))
    return outcomes


def refused_addresses(message: EmailMessage) -> list[str]:
    """Return why each From, To or Cc address of ``message`` that reaches Immigration
    Enforcement is refused (G03); an empty list when none does."""
    from email.utils import getaddresses

    from ..policy.recognisers import recognise_email

    found = []
    for header in ("From", "To", "Cc"):
        for _, address in getaddresses(message.get_all(header, [])):
            match = recognise_email(address)
            if match:
                found.append(f"{header} {match.describe(address)}")
    return found


def preview(message: EmailMessage) -> str:
    """Return a message as a person reads it: headers, the text, then what is attached."""
    lines = [f"{header}: {message[header]}" for header in ("From", "To", "Cc", "Subject")
             if message[header]]
    body = message.get_body(preferencelist=("plain",))
    lines += ["", body.get_content().rstrip("\n") if body else ""]
    for part in message.iter_attachments():
        size = len(part.get_content())
        lines.append(f"[attached: {part.get_filename()} ({part.get_content_type()}, {size} bytes)]")
    return "\n".join(lines)


class _Session:
    """One run's sending through one server: a deadline for the whole run, and no retry after
    the server itself has failed (a silent or refusing server costs one timeout, not one per Marac)."""

    def __init__(self, server: SmtpServer):
        self.server = server
        self.deadline = time.monotonic() + server.timeout
        self.broken: str | None = None

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the --timeout of {self.server.timeout:g} seconds for this run was used up")
        return left

    def deliver(self, name: str, message: EmailMessage) -> Outcome:
        """Return the outcome of sending ``message``; never raises for the server or the message."""
        server = self.server
        if self.broken is not None:
            return Outcome(name, "error", f"not sent via {server.label}: the server failed earlier in this "
                                          f"run ({self.broken}), so it was not tried again")
        recipients = ", ".join(str(message[h]) for h in ("To", "Cc") if message[h])
        try:
            with smtplib.SMTP(server.host, server.port, timeout=self._left()) as smtp:
                if server.starttls:
                    smtp.sock.settimeout(self._left())
                    smtp.starttls(context=ssl.create_default_context())
                if server.user:
                    smtp.sock.settimeout(self._left())
                    smtp.login(server.user, server.password or "")
                smtp.sock.settimeout(self._left())
                refused = smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return Outcome(name, "error", f"not sent via {server.label}: {_reason(exc)}")
        except _SERVER_FAILURES as exc:
            self.broken = _reason(exc)
            return Outcome(name, "error", f"not sent via {server.label}: {self.broken}")
        except (smtplib.SMTPException, ValueError, UnicodeError) as exc:
            return Outcome(name, "error", f"not sent via {server.label}: {_reason(exc)}")
        if refused:
            return Outcome(name, "error", f"only partly sent via {server.label}: refused for "
                                          f"{_refused(refused)}")
        return Outcome(name, "sent", f"sent to {recipients} via {server.label}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"every recipient refused: {_refused(exc.recipients)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError) and not exc.strerror:
        return str(exc) or "the server did not answer in time (--timeout)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _refused(recipients: Mapping) -> str:
    return "; ".join(f"{address} ({code} {_text(text)})" for address, (code, text) in recipients.items())


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _subject(name: str, listed: list[ReviewRow], rows: Sequence[ReviewRow],
             unsigned: Outstanding) -> str:
    parts = []
    if listed:
        parts.append(f"{len(listed)} review{'' if len(listed) == 1 else 's'} due or overdue")
    if unsigned:
        parts.append("signatures outstanding")
    listed_dates = [row.due for row in listed if row.due]
    all_dates = [row.due for row in rows if row.due]
    if listed_dates:
        tail = f", earliest due {long_date(min(listed_dates))}"
    elif listed:
        tail = ", specialist pathways never reviewed"
    else:
        tail = f", next review due {long_date(min(all_dates))}" if all_dates else ""
    return f"{name}: {' and '.join(parts)}{tail}"


def _body(marac: MaracReviews, today: dt.date, window_days: int, listed: list[ReviewRow],
          unsigned: Outstanding) -> str:
    settings = marac.loaded.settings
    name, contact = settings.marac.name, settings.governance.contact
    out = [f"Dear {settings.marac.coordinator.name},", ""]
    out += _wrap(f"This is the review reminder for {name} on {long_date(today)}. A review "
                 f"counts as due from {window_days} days before its due date.")
    if listed:
        out += ["", "Reviews due or overdue:"]
        for row in listed:
            out += _wrap(_row_line(row), "- ", "  ")
    if unsigned:
        out += ["", "Agencies that have not signed the current edition:"]
        order = sorted(unsigned, key=lambda d: (DOCUMENTS.index(d) if d in DOCUMENTS else 9, d))
        for document in order:
            out.append(f"{DOCUMENT_TITLES.get(document, document)}:")
            out += [f"- {agency}" for agency in unsigned[document]]
    if listed:
        out += ["", "What each review involves:"]
        for row in listed:
            out += _wrap(f"{row.title}: {what_review_involves(row)}", "- ", "  ")
    if dated_rows(marac.rows):
        out += [""] + _wrap(f"The attached {settings.slug}-review-dates.ics puts every review "
                            f"date of {name} in Outlook or Google Calendar, with reminders 90 "
                            "and 30 days before.")
    out += [""]
    if contact:
        out += _wrap(f"Copied to {contact.name} for {settings.governance.group}.")
    out += [f"Sent by marac remind from {marac.config.as_posix()}."]
    return "\n".join(out) + "\n"


def _row_line(row: ReviewRow) -> str:
    version = f", version {row.version}" if row.version else ""
    if row.never_reviewed:
        return f"{row.title}{version}: OVERDUE, never reviewed; review now."
    verb = "OVERDUE, was due" if row.status == "overdue" else "DUE"
    return (f"{row.title}{version}: {verb} on {long_date(row.due)} "
            f"({describe_when(row.days_left)}); last reviewed {long_date(row.last_reviewed)}.")


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False) or [first.rstrip()]
