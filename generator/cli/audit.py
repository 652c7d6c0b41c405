"""The ``marac audit`` command: click wiring for ``audit.core.audit_file`` and its report formats."""

from __future__ import annotations

from pathlib import Path

import click

FORMATS = ("table", "json", "html", "docx")


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--doc", "kind", type=click.Choice(["mop", "isa", "annex"]),
              help="What the file is: mop (Operating Protocol), isa (Information Sharing Agreement) or annex. "
                   "Guessed from its title when not given.")
@click.option("--config", "config", metavar="CONFIG",
              help="A Marac folder or marac.yaml: fill the clauses to add in with its settings.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table or json (to the screen or -o), html, or docx (a report and an annex of the missing clauses).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write; with --format docx the annex is written beside it as NAME-additions.docx.")
def audit(file, kind, config, fmt, output):
    """Say what an existing protocol FILE (.docx, .pdf, .doc, .odt) covers, lacks and contradicts.

    For each requirement of the guidance and each general section: found, partial, not found
    or conflict, with the quoted text and where it is; then the library clauses that close each gap.
    """
    from ..atomic import write_atomic
    from ..errors import MaracError
    from ..library.clauses import load_library
    from ..audit.core import audit_file
    from ..audit.report import kind_line, to_json_text, to_table

    if output is not None and _same_file(output, file, fmt):
        raise MaracError(f"{output}: is the file being audited (or would overwrite it); choose another -o.")
    if fmt in ("html", "docx") and output is None:
        raise MaracError(f"--format {fmt} writes a file: add -o OUT.{fmt}.")
    if fmt == "docx" and config is None:
        raise MaracError("--format docx writes an annex of the missing clauses filled in for your Marac: "
                         "add --config with your Marac's folder or marac.yaml.")
    loaded = None
    if config is not None:
        from ..policy.gate import load_one_clean

        loaded = load_one_clean(config)
    library = load_library()
    report = audit_file(file, kind, loaded, library)
    if report.guessed and fmt != "table":  # the table says so itself
        click.echo(kind_line(report), err=True)
    outputs: list[tuple[Path, bytes]] = []
    if fmt == "table":
        text = to_table(report).encode("utf-8")
    elif fmt == "json":
        text = to_json_text(report).encode("utf-8")
    else:
        from ..audit.report_document import annex_document, report_document
        from ..render import writer

        text = writer(fmt)(report_document(report))
        if fmt == "docx":
            annex = output.with_name(f"{output.stem}-additions.docx")
            outputs.append((annex, writer("docx")(annex_document(report, library))))
    if output is None:
        click.echo(text.decode("utf-8"), nl=False)
        return
    outputs.insert(0, (output, text))
    try:
        for path, data in outputs:
            write_atomic(path, data)
    except OSError as exc:
        raise MaracError(f"{exc.filename or output}: cannot be written ({exc.strerror}); choose another -o.") from None
    for path, _ in outputs:
        click.echo(f"wrote {path}")


def _same_file(output: Path, audited: Path, fmt: str) -> bool:
    """Return whether writing the report (or, for docx, its annex) would replace the audited file."""
    targets = [output] + ([output.with_name(f"{output.stem}-additions.docx")] if fmt == "docx" else [])
    try:
        source = audited.resolve()
    except OSError:
        return False
    return any(target.resolve() == source for target in targets)
