"""The ``marac diff`` command: click wiring for ``register.diff`` and the redline writers."""

from __future__ import annotations

from pathlib import Path

import click

REDLINE_FORMATS = ("html", "pdf", "docx")


def _formats(ctx, param, value):
    items = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    bad = [item for item in items if item not in REDLINE_FORMATS]
    if bad or not items:
        raise click.BadParameter(f"'{value}': choose from {', '.join(REDLINE_FORMATS)}, separated by commas")
    return items


@click.command()
@click.argument("config")
@click.option("--doc", type=click.Choice(["mop", "isa", "annex"]), required=True, help="The document to compare.")
@click.option("--from", "from_version", help="The older edition (default: the one before --to).")
@click.option("--to", "to_version", help="The newer edition, or 'current' for today's text (the default).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the redline files (<slug>-<doc>-<from>-to-<to>.html/.pdf/.docx) here.")
@click.option("--format", "formats", default=",".join(REDLINE_FORMATS), show_default=True, callback=_formats,
              help="Redline formats with -o, comma-separated: html, pdf, docx.")
def diff(config, doc, from_version, to_version, output, formats):
    """Show what changed between two editions of a document, clause by clause.

    Without -o, prints the summary. With -o, also writes a redline: deletions struck through,
    insertions underlined (HTML, PDF), and a Word document with tracked changes.
    """
    from ..atomic import write_atomic
    from ..errors import RenderError
    from ..library.clauses import load_library
    from ..register.diff import compare_editions
    from ..register.ledger import load_marac

    loaded = load_marac(config)
    result = compare_editions(loaded, load_library(), doc, from_version, to_version)
    click.echo(result.summary_text, nl=False)
    if output is None:
        return
    redline = result.comparison.redline
    for fmt in formats:
        if fmt == "docx":
            from ..render.redline_docx import render_redline

            data = render_redline(redline, result.changed_on)
        else:
            from ..render import writer

            data = writer(fmt)(redline)
        target = Path(output) / result.file_name(loaded.settings.slug, f".{fmt}")
        try:
            write_atomic(target, data)
        except OSError as exc:
            raise RenderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        click.echo(f"wrote {target}")
