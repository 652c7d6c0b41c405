"""Build many Maracs: policy gate, assemble, render, atomic writes, parallel jobs.

The gate runs over every Marac first; if any has errors, nothing at all is written.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .document.assemble import assemble
from .atomic import write_atomic
from .library.clauses import DOC_KINDS, load_library
from .settings.loader import LoadedSettings
from .errors import PolicyError, RenderError
from .output_guard import check_target
from .policy.gate import gate_many, require_clean
from .document.model import Document
from .render import extension, writer


@dataclass(frozen=True)
class BuiltFile:
    """One file written: which Marac, document and format, and where."""

    marac: str
    kind: str
    format: str
    path: Path
    fingerprint: str


def output_path(output: Path, document: Document, fmt: str) -> Path:
    """Return ``OUTPUT/<slug>/<slug>-<file-stem>.<ext>`` for a document and format."""
    meta = document.meta
    return Path(output) / meta.slug / f"{meta.slug}-{meta.file_stem}{extension(fmt)}"


def render_document(document: Document, formats: tuple[str, ...], output: Path,
                    force: bool = False) -> list[BuiltFile]:
    """Render one document in every format and write each file atomically; return them.

    Refuses (``RenderError``) when a writer fails; files already written stay whole. Refuses
    (``OverwriteRefused``) a target marac did not write, unless ``force`` (``output_guard``).
    """
    built = []
    for fmt in formats:
        target = output_path(output, document, fmt)
        check_target(target, force)
        try:
            data = writer(fmt)(document)
            write_atomic(target, data)
        except OSError as exc:
            raise RenderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        built.append(BuiltFile(document.meta.marac, document.meta.kind, fmt, target, document.meta.fingerprint))
    return built


def _build_unit(unit: tuple[LoadedSettings, str, tuple[str, ...], Path, bool]) -> list[BuiltFile]:
    loaded, kind, formats, output, force = unit
    return render_document(assemble(loaded, load_library(), kind), formats, output, force)


def build_many(arguments, output: Path, formats: tuple[str, ...], kinds: tuple[str, ...] = DOC_KINDS,
               jobs: int | None = None, today: dt.date | None = None,
               progress: Callable[[int, int, list[BuiltFile]], None] | None = None,
               force: bool = False) -> list[BuiltFile]:
    """Build every document of every Marac named by ``arguments``; return the files written.

    Refuses (``PolicyError`` with every finding) when any Marac fails the policy gate, and
    then writes nothing. ``jobs`` > 1 renders documents in that many processes.
    """
    results = gate_many(arguments, today)
    failed = [r for r in results if r.errors or r.loaded is None]
    if failed:
        problems = [p for r in failed for p in r.findings]
        ready = [r.loaded.settings.marac.name for r in results if r not in failed]
        waiting = (f" {', '.join(ready)} passed the check and will be built with the others once these "
                   "are fixed (a build writes every Marac or none).") if ready else ""
        raise PolicyError(problems, heading=f"Nothing was built: {len(failed)} of {len(results)} Maracs "
                                            f"failed the check.{waiting} Fix these first (marac check shows them):")
    units = [(require_clean(r), kind, tuple(formats), Path(output), force) for r in results for kind in kinds]
    jobs = max(1, min(jobs or 1, len(units)))
    built: list[BuiltFile] = []
    if jobs == 1:
        for index, unit in enumerate(units, start=1):
            files = _build_unit(unit)
            built.extend(files)
            if progress:
                progress(index, len(units), files)
        return built
    for fmt in formats:
        writer(fmt)  # import writers (WeasyPrint) once, before forking, so every worker shares them
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for index, files in enumerate(pool.map(_build_unit, units), start=1):
            built.extend(files)
            if progress:
                progress(index, len(units), files)
    return built
