"""The policy gate: load each Marac's settings and apply the guidance rules.

Used by ``check`` (prints everything) and by every command that writes (refuses on errors).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..library.clauses import Library, load_library
from ..settings.loader import LoadedSettings, load_settings, resolve_config_paths
from ..errors import ConfigError, OneMaracExpected, PolicyError, Problem
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


def gate_many(arguments, today: dt.date | None = None, warnings: bool = True) -> list[GateResult]:
    """Return a ``GateResult`` per Marac named by CONFIG arguments (files or folders); with
    ``warnings=False`` only their errors, as ``gate_one``.

    Besides each Marac's own findings: an error on every Marac whose slug another Marac given
    also has (their files would overwrite each other in output/<slug>/), and a warning when a
    slug differs from its folder's name. Refuses (``ConfigError``) only arguments that name
    no settings at all.
    """
    library = load_library()
    results = [gate_one(path, library, today, warnings) for path in resolve_config_paths(arguments)]
    return _with_slug_findings(results)


def _with_slug_findings(results: list[GateResult]) -> list[GateResult]:
    by_slug: dict[str, list[GateResult]] = {}
    for result in results:
        if result.loaded is not None:
            by_slug.setdefault(result.loaded.settings.slug, []).append(result)
    out = []
    for result in results:
        loaded = result.loaded
        if loaded is None:
            out.append(result)
            continue
        slug, folder = loaded.settings.slug, loaded.folder.resolve().name
        line = loaded.line_of("marac", "slug")
        extra = []
        others = [other.loaded.display_name for other in by_slug[slug] if other is not result]
        if others:
            extra.append(Problem(loaded.display_name, line, "marac.slug", (
                f"'{slug}' is also the slug of {', '.join(others)}; both would be built into output/{slug}/ "
                "and one would overwrite the other. Give each Marac its own marac.slug"
                + (f" (e.g. its folder's name, '{folder}')" if folder != slug else "")
                + " and its own marac.name")))
        elif slug != folder and loaded.source.path.name == "marac.yaml":
            extra.append(Problem(loaded.display_name, line, "marac.slug", (
                f"is '{slug}' but the folder is '{folder}'; its documents are built into output/{slug}/. "
                f"If this is a copy of another Marac, set marac.slug: {folder} (and marac.name)"),
                severity="warning"))
        out.append(dataclasses.replace(result, findings=result.findings + tuple(extra)) if extra else result)
    return out


def require_clean(result: GateResult) -> LoadedSettings:
    """Return the settings of a Marac that passed the gate.

    Refuses (``PolicyError``, with every error and warning) a Marac with errors.
    """
    if result.errors or result.loaded is None:
        raise PolicyError(list(result.findings), heading=f"{result.path}: not built, fix these first:")
    return result.loaded


def load_one_clean(argument: str, today: dt.date | None = None) -> LoadedSettings:
    """Return the settings of the single Marac named by ``argument``, refusing errors."""
    paths = resolve_config_paths([argument])
    if len(paths) != 1:
        raise OneMaracExpected(
            f"{argument} holds {len(paths)} Maracs; this command takes one Marac folder or its "
            f"marac.yaml, for example {paths[0].parent}")
    return require_clean(gate_one(paths[0], load_library(), today))
