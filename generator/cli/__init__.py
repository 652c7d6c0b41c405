"""The ``marac`` command line: click wiring only, one module per command group.

May import every package below it; nothing in the project imports it. Each command calls one
function and prints its result. Errors caused by input are
``MaracError`` subclasses (exit 1, no traceback); click's usage errors exit 2.
"""

from __future__ import annotations

import click

from .. import __version__
from .params import CONFIGS, ISO_DATE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marac")
def main() -> None:
    """Build, issue, sign and review Marac Operating Protocols and Information Sharing Agreements.

    CONFIG is a Marac folder (local_configs/northbridge), its marac.yaml, or a folder of
    Marac folders (local_configs/).
    """


@main.command()
@CONFIGS
@click.option("--today", type=ISO_DATE, help="Check dates as if today were this day.")
def check(configs, today):
    """Validate settings and the guidance rules; print errors and warnings with G-ids."""
    from ..policy.gate import gate_many

    results = gate_many(configs, today)
    failed = 0
    for result in results:
        name = result.loaded.settings.marac.name if result.loaded else str(result.path)
        for finding in result.findings:
            click.echo(finding.render(), err=finding.severity == "error")
        warnings = len(result.warnings)
        # Only a Marac with a register can have issued text to compare (and the import is not free).
        if result.loaded is not None and not result.errors and (result.loaded.folder / "editions").is_dir():
            from ..library.clauses import load_library
            from ..register.drafts import issued_text_warnings

            for warning in issued_text_warnings(result.loaded, load_library()):
                click.echo(f"{result.loaded.display_name}: warning: {warning}")
                warnings += 1
        verdict = "errors" if result.errors else "ok"
        failed += bool(result.errors)
        click.echo(f"{name}: {verdict} ({_count(len(result.errors), 'error')}, "
                   f"{_count(warnings, 'warning')})")
    if failed:
        raise click.exceptions.Exit(1)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


# Commands that live in their own modules (one topic each) are registered here.
# --- registered commands (one line per module) ---
from .reviews import remind, reviews  # noqa: E402
main.add_command(reviews)
main.add_command(remind)
from .register import issue, sign, status  # noqa: E402
main.add_command(issue)
main.add_command(sign)
main.add_command(status)
from .build import build  # noqa: E402

main.add_command(build)
from .signatures import signatures  # noqa: E402
main.add_command(signatures)
from .init import init  # noqa: E402
main.add_command(init)
from .clauses import clauses  # noqa: E402
main.add_command(clauses)
from .audit import audit  # noqa: E402
main.add_command(audit)
from .serve import serve  # noqa: E402
main.add_command(serve)
from .dashboard import dashboard  # noqa: E402
main.add_command(dashboard)
from .diff import diff  # noqa: E402
main.add_command(diff)
