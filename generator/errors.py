"""One error hierarchy for the command line.

Every error a user can cause is a subclass of ``MaracError`` (itself a
``click.ClickException``), so click prints the message and exits with status 1
without a traceback. Usage errors stay click's own (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str
    gid: str | None = None
    severity: str = "error"

    def render(self) -> str:
        """Return the problem as ``file:LINE: field: [Gnn] message``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        tag = f"[{self.gid}] " if self.gid else ""
        label = "warning: " if self.severity == "warning" else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {label}{field}{tag}{self.message}"


class MaracError(click.ClickException):
    """Base of every error caused by user input; exits with status 1."""

    exit_code = 1

    def format_message(self) -> str:
        """Return the message as it is, without click's "Error: " prefix."""
        return self.message

    def show(self, file=None) -> None:
        """Print the message to stderr; our messages already say what is wrong and what to do."""
        click.echo(self.format_message(), err=True)


class OneMaracExpected(click.UsageError):
    """A command that acts on one Marac was given a folder of several (a usage error, exit 2)."""


class ProblemsError(MaracError):
    """Raised with every problem found, so the user fixes them in one pass."""

    def __init__(self, problems: list[Problem], heading: str | None = None):
        self.problems = list(problems)
        self.heading = heading
        lines = [heading] if heading else []
        lines += [p.render() for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):
        # A build's gate runs in a child process and its refusal crosses back pickled; the default
        # would rebuild the error from its message alone, not from its problems.
        return type(self), (self.problems, self.heading)


class ConfigError(ProblemsError):
    """Settings that cannot be read or do not validate."""


class ClauseLibraryError(ProblemsError):
    """A clause file that is broken. This is our bug, not the coordinator's."""


class PolicyError(ProblemsError):
    """Settings that break a rule from the guidance (see REQUIREMENTS.md)."""


class RegisterError(MaracError):
    """Editions or signatures ledger refuses an operation."""


class RenderError(MaracError):
    """A document could not be rendered."""


class DeliveryError(MaracError):
    """Reminders could not all be sent."""
