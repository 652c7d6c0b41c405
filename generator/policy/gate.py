"""The policy gate: load each Marac's settings and apply the guidance rules.

Used by ``check`` (prints everything) and by every command that writes (refuses on errors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..library.clauses import Library, load_library
from ..settings.loader import LoadedSettings, load_settings, resolve_config_paths
from ..errors import ConfigError, PolicyError, Problem
from .rules import check_policy, errors_in


@dataclass(frozen=True)
class GateResult:
    """One Marac after the gate: its settings (None if unreadable) and every finding."""

    path: Path
    loaded: LoadedSettings | None
    findings: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        """Return the findings that stop a build."""
        return errors_in(list(self.findings))

    @property
    def warnings(self) -> list[Problem]:
        """Return the findings that are reported but do not stop a build."""
        return [f for f in self.findings if f.severity == "warning"]


def gate_one(path: Path, library: Library, today: dt.date | None = None,
             warnings: bool = True) -> GateResult:
    """Return the settings and findings for one ``marac.yaml``; never raises for bad input.

    With ``warnings=False`` only errors are looked for (enough to decide whether to act)."""
    try:
        loaded = load_settings(path, today)
    except ConfigError as exc:
        return GateResult(path, None, tuple(exc.problems))
    return GateResult(path, loaded, tuple(check_policy(loaded, library, warnings)))


def gate_many(arguments, today: dt.date | None = None) -> list[GateResult]:
    """Return a ``GateResult`` per Marac named by CONFIG arguments (files or folders).

    Refuses (``ConfigError``) only arguments that name no settings at all.
    """
    library = load_library()
    return [gate_one(path, library, today) for path in resolve_config_paths(arguments)]


def require_clean(result: GateResult) -> LoadedSettings:
    """Return the settings of a Marac that passed the gate.

    Refuses (``PolicyError``, with every error and warning) a Marac with errors.
    """
    if result.errors or result.loaded is None:
        raise PolicyError(list(result.findings), heading=f"{result.path}: not built, fix these first:")
    return result.loaded


def load_one_clean(argument: str, today: dt.date | None = None) -> LoadedSettings:
    """Return the settings of the single Marac named by ``argument``, refusing errors."""
    results = gate_many([argument], today)
    if len(results) != 1:
        raise ConfigError([Problem(argument, None, "", (
            f"names {len(results)} Maracs; this command takes one Marac folder or marac.yaml"))])
    return require_clean(results[0])
