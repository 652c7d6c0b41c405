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
    draft: str | None = None  # why this text is marked DRAFT (not the issued edition), or None


def output_path(output: Path, document: Document, fmt: str) -> Path:
    """Return ``OUTPUT/<slug>/<slug>-<file-stem>.<ext>`` for a document and format."""
    meta = document.meta
    return Path(output) / meta.slug / f"{meta.slug}-{meta.file_stem}{extension(fmt)}"


def render_document(document: Document, formats: tuple[str, ...], output: Path,
                    draft: str | None = None) -> list[BuiltFile]:
    """Render one document in every format and write each file atomically; return them.

    Refuses (``RenderError``) when a writer fails; files already written stay whole.
    """
    built = []
    for fmt in formats:
        target = output_path(output, document, fmt)
        try:
            data = writer(fmt)(document)
            write_atomic(target, data)
        except OSError as exc:
            raise RenderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        built.append(BuiltFile(document.meta.marac, document.meta.kind, fmt, target, document.meta.fingerprint,
                               draft))
    return built


def _build_unit(unit: tuple[LoadedSettings, str, tuple[str, ...], Path]) -> list[BuiltFile]:
    from .register.drafts import draft_notice, register_view
    from .register.editions import load_editions
    from .register.store import display_path

    loaded, kind, formats, output = unit
    editions = load_editions(loaded.folder)
    document = register_view(loaded, assemble(loaded, load_library(), kind), editions=editions)
    notice = draft_notice(document, editions, display_path(loaded.folder)) if document.meta.draft else None
    return render_document(document, formats, output, notice)


def build_many(arguments, output: Path, formats: tuple[str, ...], kinds: tuple[str, ...] = DOC_KINDS,
               jobs: int | None = None, today: dt.date | None = None,
               progress: Callable[[int, int, list[BuiltFile]], None] | None = None) -> list[BuiltFile]:
    """Build every document of every Marac named by ``arguments``; return the files written.

    Refuses (``PolicyError`` with every finding) when any Marac fails the policy gate, and
    then writes nothing. ``jobs`` > 1 renders documents in that many processes.
    """
    results = gate_many(arguments, today)
    failed = [r for r in results if r.errors or r.loaded is None]
    if failed:
        problems = [p for r in failed for p in r.findings]
        raise PolicyError(problems, heading="Nothing was built. Fix these first (marac check shows them):")
    units = [(require_clean(r), kind, tuple(formats), Path(output)) for r in results for kind in kinds]
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
