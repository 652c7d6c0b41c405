"""The ``marac signatures import`` command: click wiring for importing digitally signed PDFs."""

from __future__ import annotations

from pathlib import Path

import click

TRUST_MAX_BYTES = 10_000_000  # a file of root certificates is kilobytes; a bundle of every CA, about 1 MB

UNTRUSTED = "integrity verified; signer identity not verified against a trust list"


@click.group()
def signatures() -> None:
    """Digitally signed copies of the MOP and the ISA."""


@signatures.command(name="import")
@click.argument("config")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--trust", "trust_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="PEM file of root certificates: a signer's certificate must chain to one of them.")
def import_signed(config, files, trust_file):
    """Verify digitally signed PDFs of an issued edition and record their signatures.

    Each FILE is checked on its own: that it is this Marac's current edition, unchanged since
    it was issued apart from signatures, and that every signature is valid. Valid signatures
    are recorded as digital, with the signer's certificate and the file's SHA-256. Without
    --trust, who signed is taken from the certificate but not verified against a trust list.
    """
    from ..errors import MaracError, PolicyError
    from ..policy.gate import load_one_clean
    from ..signing.importer import Trust, import_signed_copy
    from ..signing.verify import load_trust_roots

    try:
        loaded = load_one_clean(config)
    except PolicyError as exc:
        raise PolicyError(exc.problems, heading=(
            f"{config}: nothing was imported. Fix these first (marac check shows them):")) from None
    trust = None
    if trust_file is not None:
        from ..atomic import UnreadableFile, read_bounded

        try:
            pem = read_bounded(trust_file, TRUST_MAX_BYTES)
        except UnreadableFile as exc:
            raise MaracError(f"--trust {trust_file}: {exc.reason}") from None
        trust = Trust(load_trust_roots(pem, str(trust_file)), str(trust_file))
    trust_line = f"signer identity verified against {trust_file}" if trust else UNTRUSTED
    failed = 0
    for path in files:
        try:
            outcome = import_signed_copy(loaded, path, trust)
        except MaracError as exc:
            failed += 1
            click.echo(f"{path}: refused: {exc.message}", err=True)
            continue
        edition = outcome.edition
        click.echo(f"{path}: {edition.document.upper()} {edition.label}")
        for signature in outcome.recorded:
            click.echo(f"  recorded: {signature.agency}, signed by {signature.name} on {signature.date} "
                       f"({signature.certificate_subject})")
        for agency in outcome.already:
            click.echo(f"  already recorded: {agency}")
        for note in outcome.notes:
            click.echo(f"  note: {note}")
        for message in outcome.refused:
            click.echo(f"{path}: refused: {message}", err=True)
        failed += bool(outcome.refused)
        click.echo(f"  {trust_line}")
    click.echo(f"See who is still to sign: marac status {config}")
    if failed:
        raise click.exceptions.Exit(1)
