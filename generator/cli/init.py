"""The ``marac init`` command: start a new Marac's folder from a few answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .params import ISO_DATE

# (option, prompt) in the order a coordinator is asked.
QUESTIONS = (
    ("name", "Marac name (e.g. Eastbrook Marac)"),
    ("area", "Area it covers (e.g. Borough of Eastbrook)"),
    ("nation", "Nation (england or wales)"),
    ("coordinator_name", "Coordinator's name"),
    ("coordinator_role", "Coordinator's role"),
    ("coordinator_agency", "Coordinator's agency"),
    ("coordinator_email", "Coordinator's email (reminders go here)"),
    ("chair_name", "Chair's name"),
    ("chair_role", "Chair's role"),
    ("chair_agency", "Chair's agency"),
    ("governance_group", "Governance group (e.g. Eastbrook Domestic Abuse Strategic Board)"),
    ("strategic_partnership", "Strategic partnership (e.g. Eastbrook Community Safety Partnership)"),
    ("mop_adopted", "Date the Operating Protocol was adopted (YYYY-MM-DD)"),
    ("isa_adopted", "Date the Information Sharing Agreement was adopted (YYYY-MM-DD)"),
)
DATES = {"mop_adopted", "isa_adopted"}


def _options(command):
    for name, prompt in reversed(QUESTIONS):
        flag = "--" + name.replace("_", "-")
        if name in DATES:
            command = click.option(flag, name, type=ISO_DATE, prompt=prompt, default=dt.date.today().isoformat(),
                                   help=prompt)(command)
        elif name == "nation":
            command = click.option(flag, name, type=click.Choice(["england", "wales"]), prompt=prompt,
                                   default="england", help=prompt)(command)
        else:
            command = click.option(flag, name, prompt=prompt, help=prompt)(command)
    return command


@click.command()
@click.argument("folder", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@_options
def init(folder, **answers):
    """Start a new Marac in FOLDER (e.g. local_configs/eastbrook) with a commented marac.yaml.

    Asks for the essentials, or takes them as options for scripts. Refuses an existing folder.
    The new file passes `marac check` once the partner agencies (and the records block) are added.
    """
    from ..errors import ConfigError, Problem
    from ..policy.answers import g03_answer_problems
    from ..settings.scaffold import NewMarac, text_problem, write_new_marac

    unwritable = [Problem("marac init", None, "--" + name.replace("_", "-"), refused)
                  for name, value in answers.items() if isinstance(value, str) and (refused := text_problem(value))]
    if unwritable:
        raise ConfigError(unwritable, heading="Nothing was written:")
    new = NewMarac(**answers)
    refused = g03_answer_problems(new)
    if refused:
        raise ConfigError(refused, heading="Nothing was written:")
    created = write_new_marac(folder, new)
    click.echo(f"Created {created / 'marac.yaml'}.")
    click.echo("Next: add every partner agency under `partners:` (the chair's and the coordinator's")
    click.echo("agencies among them) and fill in `records:`, then run")
    click.echo(f"  marac check {created}")
