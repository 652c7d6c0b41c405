"""The ``marac build`` command: click wiring for ``build.build_many``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..render import DEFAULT_FORMATS, FORMATS

DOC_CHOICES = ("mop", "isa", "annex")


def _csv_choice(allowed: tuple[str, ...] | list[str]):
    def convert(ctx, param, value):
        items = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        bad = [item for item in items if item not in allowed]
        if bad or not items:
            raise click.BadParameter(f"'{value}': choose from {', '.join(allowed)}, separated by commas")
        return items

    return convert


@click.command()
@click.argument("configs", nargs=-1, required=True, metavar="CONFIG...")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder to write into (one subfolder per Marac).")
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True,
              callback=_csv_choice(tuple(FORMATS)), help=f"Formats, comma-separated: {', '.join(FORMATS)}.")
@click.option("--doc", "kinds", default=",".join(DOC_CHOICES), show_default=True,
              callback=_csv_choice(DOC_CHOICES), help="Documents, comma-separated: mop, isa, annex.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Processes to render with (default: the number of cores).")
@click.option("--force", is_flag=True,
              help="Rebuild every file, even those unchanged since the last build, and write over files "
                   "in the output folder that marac did not write (e.g. saved from Word).")
def build(configs, output, formats, kinds, jobs, force):
    """Render the Operating Protocol, Information Sharing Agreement and annex.

    Refuses to build, and writes nothing, when `marac check` finds errors, or when the output
    folder is a Marac's folder, lies inside one or holds one being built. Files whose
    settings, clauses, templates and tools are unchanged since the last build into the same
    folder are skipped (see build-manifest.json there); --force rebuilds them.
    """
    from ..build import build_many
    from ..errors import ConfigError
    from ..output_guard import check_output_folder
    from ..settings.loader import resolve_config_paths

    try:
        folders = [path.parent for path in resolve_config_paths(configs)]
    except ConfigError:
        folders = None  # build_many says what is wrong with the arguments
    if folders is not None:
        check_output_folder(output, folders)  # before anything is read or written

    def progress(done, total, files):
        if total > 1:
            names = ", ".join(sorted({f.path.name for f in files if not f.skipped})) or "unchanged"
            click.echo(f"[{done}/{total}] {files[0].marac}: {names}", err=True)

    files = build_many(configs, output, formats, kinds, jobs or os.cpu_count() or 1, progress=progress,
                       force=force)
    for item in files:
        if not item.skipped:
            click.echo(f"wrote {item.path}  (edition {item.fingerprint[:12]}{', DRAFT' if item.draft else ''})")
    for marac, kind, notice in dict.fromkeys((f.marac, f.kind, f.draft) for f in files if f.draft):
        click.echo(f"{marac}: draft: {notice}", err=True)
    skipped = sum(item.skipped for item in files)
    click.echo(f"{len(files) - skipped} files written, {skipped} skipped (unchanged since the last build)")
