"""The ``marac dashboard`` command: the dashboard as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from .params import CONFIGS, ISO_DATE


@click.command()
@CONFIGS
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write, e.g. dashboard.html.")
@click.option("--today", type=ISO_DATE, help="Show review statuses as if today were this day.")
def dashboard(configs, output, today):
    """Write every Marac's editions, signatures and review dates to one HTML file.

    The file has its style inside it, no scripts and no links to anything else, so a
    governance chair can open it from an email attachment or a shared drive.
    """
    from ..atomic import write_atomic
    from ..errors import MaracError
    from ..web.static_dashboard import render_dashboard

    html, board = render_dashboard(configs, today)
    try:
        write_atomic(output, html.encode("utf-8"))
    except OSError as exc:
        raise MaracError(f"{output}: cannot be written ({exc.strerror or exc})") from None
    overdue, errors = board.counts.get("overdue", 0), board.counts.get("error", 0)
    line = f"wrote {output}: {len(board.maracs)} Maracs, {overdue} overdue review{'s' if overdue != 1 else ''}"
    if errors:
        # Listed first in the file, but the person who ran the export should hear of them now.
        line += (f", {errors} error{'s' if errors != 1 else ''} (a Marac that fails the policy gate or cannot be "
                 "read; marac check on its folder shows why)")
    click.echo(line)
