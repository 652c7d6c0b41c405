"""The ``marac issue``, ``marac sign`` and ``marac status`` commands: click wiring for the register."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from .params import ISO_DATE

DOCS = click.Choice(["mop", "isa", "annex"])


def _load(config: str, refused: str):
    """Return the Marac's settings through the policy gate, saying what was refused if not."""
    from ..errors import PolicyError
    from ..policy.gate import load_one_clean

    try:
        return load_one_clean(config)
    except PolicyError as exc:
        heading = f"{config}: {refused}. Fix these first (marac check shows them):"
        raise PolicyError(exc.problems, heading=heading) from None


@functools.lru_cache(maxsize=8)
def _issued_pdf(document) -> bytes:
    """Return the PDF of a Document, rendered once per process (rendering is reproducible, so a
    second render would give the same bytes; a process that issues many editions saves seconds)."""
    from ..render import writer

    return writer("pdf")(document)


@click.command()
@click.argument("config")
@click.option("--doc", type=DOCS, required=True,
              help="The document to issue: mop, isa or annex (the annex needs documents.annex in marac.yaml).")
@click.option("--version", required=True, help="The version, as marac.yaml gives it (e.g. 3.1).")
@click.option("--date", "issued", type=ISO_DATE,
              help="The day it is sent to partners (default: today).")
@click.option("--summary", help="A summary of the changes, for the version history.")
@click.option("--approved-by", "approved_by", help="The body that approved this edition, e.g. the steering group.")
def issue(config, doc, version, issued, summary, approved_by):
    """Freeze the current text of a document as an edition that partners sign.

    Archives the exact text and the PDF partners sign under editions/, records version, date
    and fingerprint.
    """
    from ..library.clauses import load_library
    from ..register.editions import issue_edition

    loaded = _load(config, "nothing was issued")
    outcome = issue_edition(loaded, load_library(), doc, version, issued, render_pdf=_issued_pdf,
                            summary=summary, approved_by=approved_by)
    edition = outcome.edition
    if not outcome.created:
        archived = f"; archived its PDF as {outcome.pdf}" if outcome.pdf else "; nothing changed"
        click.echo(f"{doc.upper()} version {edition.version} is already issued with this text "
                   f"({edition.label}){archived}.")
        return
    if outcome.warning:
        click.echo(f"warning: {outcome.warning}", err=True)
    partners = len(loaded.settings.partners)
    click.echo(f"Issued the {doc.upper()}, {edition.label}.\n"
               f"Fingerprint: {edition.fingerprint}\n"
               f"Archived text: {outcome.archive}\n"
               f"PDF for partners to sign: {outcome.pdf} (marac build {config} --doc {doc} writes the same file)\n"
               f"Next: send it to the {partners} partner agencies, and record each signature as it comes back: "
               f"a digitally signed PDF with marac signatures import {config} FILE.pdf, any other with "
               f"marac sign {config} --doc {doc} ...")
    if outcome.changes:
        click.echo(outcome.changes, nl=False)


@click.command()
@click.argument("config")
@click.option("--doc", type=DOCS, required=True, help="The document signed: mop, isa or annex.")
@click.option("--agency", required=True, help="The partner agency, as named in marac.yaml.")
@click.option("--name", required=True, help="Who signed.")
@click.option("--role", required=True, help="Their role.")
@click.option("--date", "signed_on", type=ISO_DATE, required=True,
              help="The date on the signed copy.")
@click.option("--method", type=click.Choice(["wet-ink", "email", "digital"]), default="wet-ink",
              show_default=True, help="How it was signed.")
@click.option("--evidence", type=click.Path(dir_okay=False, path_type=Path),
              help="A file that shows the signature (scan, email): copied into evidence/ under its SHA-256.")
def sign(config, doc, agency, name, role, signed_on, method, evidence):
    """Record a partner agency's signature of the current edition of a document."""
    from ..errors import RegisterError
    from ..register.ledger import record_signature
    from ..settings.scaffold import text_problem

    for option, value in (("--agency", agency), ("--name", name), ("--role", role)):
        refused = text_problem(value)
        if refused:
            raise RegisterError(f"{option} {refused}. Nothing was recorded.")
    loaded = _load(config, "nothing was recorded")
    entry = {"document": doc, "agency": agency, "name": name, "role": role, "date": signed_on,
             "method": method, "evidence": str(evidence) if evidence else None}
    signature = record_signature(loaded, entry)
    if signature.configured_signatory:
        click.echo(f"warning: {signature.agency}'s signatory in marac.yaml is {signature.configured_signatory}, "
                   f"but {signature.name} signed; both are recorded. If {signature.name} now signs for the agency, "
                   "update its signatory in marac.yaml (a schedule: no one need sign again).", err=True)
    click.echo(f"Recorded: {signature.agency} signed the {doc.upper()}, edition {signature.version} "
               f"({signature.name}, {signature.role}, {signature.date}, {signature.method}).\n"
               f"See who is still to sign: marac status {config}")


@click.command()
@click.argument("config")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table for people, json for governance tools.")
@click.option("--record", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a signature record PDF per issued document into this folder.")
@click.option("--force", is_flag=True, help="With --record: write over files there that marac did not write.")
def status(config, fmt, record, force):
    """Show, per document, the issued edition, who signed, who has not, and the review due date."""
    from ..library.clauses import load_library
    from ..register.status import format_table, marac_status

    result = marac_status(_load(config, "status not shown"), load_library())
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(result), nl=False)
    if record is not None:
        from ..signing.record import write_signature_records

        for path in write_signature_records(result, record, force=force):
            click.echo(f"wrote {path}", err=True)
        for doc in result.documents:
            if doc.edition is None:
                click.echo(f"{doc.document}: not issued, so no signature record was written", err=True)
