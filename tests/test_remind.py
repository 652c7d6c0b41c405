"""``marac remind``: emails composed, sent to a real SMTP server (aiosmtpd) and read back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from icalendar import Calendar

import yaml

from generator.cli import main
from generator.errors import RegisterError
from generator.register.remind import (PASSWORD_VARIABLE, SmtpServer, compose_reminder,
                                       parse_smtp_address, send_reminders)
from generator.register.reviews import collect_reviews

# The test server takes a login without TLS, on 127.0.0.1 only; aiosmtpd warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
TODAY = "2026-11-26"
WESTMERE_TO = "marac@westmere-dc.gov.example"
WESTMERE_CC = "community.safety@westmere-dc.gov.example"


class Inbox:
    """An aiosmtpd handler that keeps what it receives and can refuse some recipients."""

    def __init__(self, refuse=()):
        self.envelopes = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]

    @property
    def subjects(self):
        # A subject of 70-odd characters is folded onto its own line, and Python's parser
        # keeps the folding space: mail programs drop it, and so do we.
        return [str(m["Subject"]).strip() for m in self.messages]


class EphemeralController(Controller):
    """A Controller on 127.0.0.1 and a port the system picks (aiosmtpd wants a fixed one)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_server(inbox, **kwargs):
    controller = EphemeralController(inbox, hostname="127.0.0.1", port=0, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def smtp():
    """A running SMTP server; yields (inbox, "127.0.0.1:PORT")."""
    inbox = Inbox()
    controller = start_server(inbox)
    yield inbox, f"127.0.0.1:{controller.port}"
    controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def second_marac(folder, name="Eastmere Marac", slug="eastmere", address="marac@eastmere.example"):
    """Copy a Marac folder under another name, coordinator and governance addresses."""
    target = folder.parent / slug
    shutil.copytree(folder, target)
    path = target / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Westmere Marac", f"name: {name}").replace("slug: westmere", f"slug: {slug}")
    text = text.replace(f"email: {WESTMERE_CC}", "email: safety@eastmere.example")
    path.write_text(text.replace(f"email: {WESTMERE_TO}", f"email: {address}"), encoding="utf-8")
    return target


def remind(runner, *args, env=None):
    return runner.invoke(main, ["remind", *map(str, args)], env=env or {})


# --- sending to a real server ---------------------------------------------------------------

def test_sends_one_email_per_marac_with_something_due(runner, examples, smtp):
    inbox, address = smtp
    result = remind(runner, examples, "--smtp", address, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Northbridge Marac: nothing due, overdue or unsigned: no email" in result.stdout
    assert f"Westmere Marac: sent to" in result.stdout and address in result.stdout
    assert len(inbox.envelopes) == 1
    envelope, message = inbox.envelopes[0], inbox.messages[0]
    assert sorted(envelope.rcpt_tos) == sorted([WESTMERE_TO, WESTMERE_CC])
    assert envelope.mail_from == WESTMERE_TO
    assert message["To"].addresses[0].addr_spec == WESTMERE_TO
    assert message["Cc"].addresses[0].addr_spec == WESTMERE_CC
    assert inbox.subjects == ["Westmere Marac: 4 reviews due or overdue, earliest due 10 January 2025"]
    body = message.get_body(("plain",)).get_content()
    assert "Dear Tom Pengelly," in body
    assert "Information Sharing Agreement, version 1.0: OVERDUE, was due on 10 January" in body
    assert "Operating Protocol, version 1.2: DUE on 5 December 2026 (in 9 days)" in body
    assert "Immigration Status Annex, version 1.0: DUE on 5 December 2026 (in 9 days)" in body
    assert "Specialist pathways: OVERDUE" in body
    assert "Agencies that have not signed" not in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "westmere-review-dates.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    assert sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT")) == [
        dt.date(2025, 1, 10), dt.date(2026, 6, 1), dt.date(2026, 12, 5), dt.date(2026, 12, 5)]  # MOP and annex


def test_from_sets_the_sender(runner, examples, smtp):
    inbox, address = smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY,
                    "--from", "reminders@marac.example")
    assert result.exit_code == 0
    assert inbox.envelopes[0].mail_from == "reminders@marac.example"
    assert inbox.messages[0]["From"] == "reminders@marac.example"


@pytest.mark.parametrize(("refuse", "expected"), [
    ({"marac@eastmere.example", "safety@eastmere.example"},
     "error: Eastmere Marac: not sent via 127.0.0.1:"),
    ({"marac@eastmere.example"},  # the copy to the governance contact still goes
     "error: Eastmere Marac: only partly sent via 127.0.0.1:"),
])
def test_one_refused_message_does_not_stop_the_others(runner, marac_copy, refuse, expected):
    westmere = marac_copy()
    second_marac(westmere)
    inbox = Inbox(refuse=refuse)
    controller = start_server(inbox)
    try:
        result = remind(runner, westmere.parent, "--smtp", f"127.0.0.1:{controller.port}",
                        "--today", TODAY)
    finally:
        controller.stop()
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "marac@eastmere.example (550 5.1.1 mailbox unavailable)" in result.stderr
    assert "1 of 2 reminders not sent" in result.stderr
    assert "Westmere Marac: sent to" in result.stdout
    delivered = {subject.split(":")[0]: e.rcpt_tos for subject, e in zip(inbox.subjects, inbox.envelopes)}
    assert delivered["Westmere Marac"] == [WESTMERE_TO, WESTMERE_CC]
    assert delivered.get("Eastmere Marac", []) == sorted({"safety@eastmere.example"} - refuse)


def test_connection_refused_is_reported_per_marac(runner, marac_copy):
    westmere = marac_copy()
    second_marac(westmere)
    port = free_port()
    result = remind(runner, westmere.parent, "--smtp", f"127.0.0.1:{port}", "--today", TODAY)
    assert result.exit_code == 1
    for name in ("Eastmere Marac", "Westmere Marac"):
        assert f"error: {name}: not sent via 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output


def test_broken_marac_is_reported_and_the_others_still_go(runner, examples, marac_copy, smtp):
    inbox, address = smtp
    broken = marac_copy()
    (broken / "marac.yaml").write_text("marac: [\n", encoding="utf-8")
    result = remind(runner, broken, examples / "westmere", "--smtp", address, "--today", TODAY)
    assert result.exit_code == 1
    assert "settings could not be read" in result.stderr and "YAML syntax error" in result.stderr
    assert len(inbox.messages) == 1


def test_starttls_refused_by_a_server_without_it(runner, examples, smtp):
    inbox, address = smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY, "--starttls")
    assert result.exit_code == 1
    assert "STARTTLS" in result.stderr
    assert inbox.envelopes == []


# --- login: the password only from the environment --------------------------------------------

def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"coordinator", b"s3cret")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235 or 535


@pytest.fixture
def auth_smtp():
    inbox = Inbox()
    controller = start_server(inbox, authenticator=_authenticator, auth_require_tls=False,
                              auth_required=True)
    yield inbox, f"127.0.0.1:{controller.port}"
    controller.stop()


def test_login_with_password_from_the_environment(runner, examples, auth_smtp):
    inbox, address = auth_smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY,
                    "--user", "coordinator", env={PASSWORD_VARIABLE: "s3cret"})
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 1


def test_wrong_password_is_an_smtp_error(runner, examples, auth_smtp):
    inbox, address = auth_smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY,
                    "--user", "coordinator", env={PASSWORD_VARIABLE: "wrong"})
    assert result.exit_code == 1
    assert "535" in result.stderr and inbox.messages == []


def test_user_without_password_variable_exits_1(runner, examples, auth_smtp):
    inbox, address = auth_smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY,
                    "--user", "coordinator", env={PASSWORD_VARIABLE: None})
    assert result.exit_code == 1
    assert PASSWORD_VARIABLE in result.stderr and inbox.messages == []


def test_no_password_flag_exists(runner, examples):
    result = remind(runner, examples, "--dry-run", "--password", "x")
    assert result.exit_code == 2


def test_login_to_a_remote_server_needs_starttls(runner, examples):
    result = remind(runner, examples, "--smtp", "smtp.example.org:587", "--user", "u",
                    env={PASSWORD_VARIABLE: "p"})
    assert result.exit_code == 2 and "--starttls" in result.output


# --- options --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["localhost", "localhost:", ":25", "host:abc", "host:0",
                                   "host:70000", "host:-1"])
def test_bad_smtp_address_is_a_usage_error(runner, examples, value):
    result = remind(runner, examples, "--smtp", value, "--today", TODAY)
    assert result.exit_code == 2
    assert "--smtp" in result.output and "Traceback" not in result.output


def test_smtp_address_forms():
    assert parse_smtp_address("smtp.example.org:587") == ("smtp.example.org", 587)
    assert parse_smtp_address("[::1]:25") == ("::1", 25)


def test_smtp_is_required_unless_dry_run(runner, examples):
    result = remind(runner, examples, "--today", TODAY)
    assert result.exit_code == 2 and "--smtp" in result.output


def test_bad_from_is_a_usage_error(runner, examples):
    result = remind(runner, examples, "--dry-run", "--from", "not-an-address")
    assert result.exit_code == 2


def test_dry_run_prints_instead_of_sending(runner, examples):
    port = free_port()  # nothing listens there: a dry run must not connect
    result = remind(runner, examples, "--smtp", f"127.0.0.1:{port}", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "=== Westmere Marac (dry run, not sent) ===" in out
    assert f"To: Tom Pengelly <{WESTMERE_TO}>" in out
    assert "Subject: Westmere Marac: 4 reviews due or overdue, earliest due 10 January 2025" in out
    assert "[attached: westmere-review-dates.ics (text/calendar," in out
    assert "Northbridge Marac: nothing due" in out


def test_within_changes_who_is_reminded(runner, examples):
    result = remind(runner, examples / "northbridge", "--dry-run", "--today", TODAY, "--within", "95")
    assert "Subject: Northbridge Marac: 1 review due or overdue, earliest due 1 March 2027" in result.stdout


# --- unsigned agencies, passed in by the caller ---------------------------------------------------

def _report(path, today=dt.date(2026, 11, 26)):
    return collect_reviews([str(path)], today)


def _english_report(examples, today=dt.date(2026, 11, 26)):
    """The two English examples these tests name (Afon Glas, the Welsh example, has its own partners)."""
    return collect_reviews([str(examples / "northbridge"), str(examples / "westmere")], today)


def test_unsigned_agencies_are_listed_per_document(examples):
    report = _report(examples / "westmere")
    outstanding = {"isa": ["Westshire Police", "Meadowlark Domestic Abuse Support"], "mop": [],
                   "annex": ["Westshire Police"]}
    message = compose_reminder(report.maracs[0], report.today, report.window_days,
                               outstanding=outstanding)
    body = message.get_body(("plain",)).get_content()
    assert "Agencies that have not signed the current edition:\n" in body
    assert ("Information Sharing Agreement:\n- Westshire Police\n"
            "- Meadowlark Domestic Abuse Support\nImmigration Status Annex:\n- Westshire Police\n") in body
    assert "Operating Protocol:\n-" not in body
    assert message["Subject"] == ("Westmere Marac: 4 reviews due or overdue and signatures "
                                  "outstanding, earliest due 10 January 2025")


def test_unsigned_agencies_alone_are_worth_an_email(examples):
    report = _report(examples / "northbridge")
    marac = report.maracs[0]
    assert compose_reminder(marac, report.today, report.window_days) is None
    assert compose_reminder(marac, report.today, report.window_days, outstanding={"mop": []}) is None
    message = compose_reminder(marac, report.today, report.window_days,
                               outstanding={"mop": ["Northshire Police"]})
    assert message["Subject"] == "Northbridge Marac: signatures outstanding, next review due 1 March 2027"
    body = message.get_body(("plain",)).get_content()
    assert "Operating Protocol:\n- Northshire Police" in body and "Reviews due" not in body


def test_outstanding_reaches_the_server(examples, smtp):
    inbox, address = smtp
    host, port = parse_smtp_address(address)
    report = _english_report(examples)
    outcomes = send_reminders(report, SmtpServer(host, port),
                              outstanding_for=lambda loaded: {"isa": [loaded.settings.partners[0].name]})
    assert [o.status for o in outcomes] == ["sent", "sent"]
    bodies = {subject.split(":")[0]: m.get_body(("plain",)).get_content().replace("\r\n", "\n")
              for subject, m in zip(inbox.subjects, inbox.messages)}
    assert "Information Sharing Agreement:\n- Northshire Police" in bodies["Northbridge Marac"]
    assert "Information Sharing Agreement:\n- Westshire Police" in bodies["Westmere Marac"]


def test_a_failing_ledger_stops_only_its_own_marac(examples):
    def outstanding_for(loaded):
        if loaded.settings.slug == "westmere":
            raise RegisterError("signatures.yaml:3: agency: damaged")
        return {"mop": ["Northshire Police"]}

    outcomes = send_reminders(_english_report(examples), None, dry_run=True, outstanding_for=outstanding_for)
    assert [(o.marac, o.status) for o in outcomes] == [("Northbridge Marac", "preview"),
                                                       ("Westmere Marac", "error")]
    assert "signatures.yaml:3" in outcomes[1].detail


def test_never_reviewed_pathways_in_the_email(marac_copy):
    folder = marac_copy()
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8").replace("  last_reviewed: 2025-06-01\n", "")
    path.write_text(text.replace("last_reviewed: 2023-01-10", "last_reviewed: 2025-11-01")
                    .replace("last_reviewed: 2024-12-05", "last_reviewed: 2025-11-01"), encoding="utf-8")
    report = _report(folder)
    message = compose_reminder(report.maracs[0], report.today, report.window_days)
    assert message["Subject"] == "Westmere Marac: 1 review due or overdue, specialist pathways never reviewed"
    assert "Specialist pathways: OVERDUE, never reviewed" in message.get_body(("plain",)).get_content()


def test_remind_lists_partners_that_have_not_signed_the_issued_edition(runner, marac_copy, smtp):
    """End to end: issue the ISA, record two signatures, and the email names the other partners."""
    inbox, address = smtp
    folder = marac_copy("westmere")
    partners = [p["name"] for p in yaml.safe_load((folder / "marac.yaml").read_text(encoding="utf-8"))["partners"]]
    issued = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", "2026-11-02"])
    assert issued.exit_code == 0, issued.output
    for agency in partners[:2]:
        signed = runner.invoke(main, ["sign", str(folder), "--doc", "isa", "--agency", agency, "--name", "A Person",
                                      "--role", "Director", "--date", "2026-11-20"])
        assert signed.exit_code == 0, signed.output
    result = remind(runner, folder, "--smtp", address, "--today", TODAY)
    assert result.exit_code == 0, result.output
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "Agencies that have not signed" in body
    for agency in partners[2:]:
        assert agency in body
    listed = body[body.index("Agencies that have not signed"):]
    assert partners[0] not in listed and partners[1] not in listed
