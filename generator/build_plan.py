"""What a build has to do: the policy gate over every Marac, then the build cache's verdict on each output.

A parallel build works its plan out in a short-lived child process (``build.build_many``). Gating
300 Maracs grows the process that does it by about 80 MiB, and about 50 MiB stays once the settings
are freed (Python keeps freed memory for reuse); every worker of the build is forked from its
parent, so a plan made in the parent was a fifth of a national build's peak memory. So a plan carries no settings:
each document names its Marac's settings file and the input keys the gate passed it with, and the
process that renders it loads the settings again and refuses them if their keys differ (a file
edited while the build ran is not built from text the gate never saw).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .build_cache import Entry, Manifest, output_keys
from .errors import PolicyError, RenderError
from .library.clauses import load_library
from .policy.gate import gate_many, require_clean
from .render import extension
from .settings.loader import LoadedSettings, load_settings


@dataclass(frozen=True)
class BuiltFile:
    """One output file: which Marac, document and format, where, and whether it was skipped."""

    marac: str
    kind: str
    format: str
    path: Path
    fingerprint: str
    sha256: str = ""
    skipped: bool = False
    content: str = ""  # the build cache's content key of the document in this format
    draft: str | None = None  # why this text is marked DRAFT (not the issued edition), or None


@dataclass(frozen=True)
class Unit:
    """One document of one Marac and the formats of it whose inputs changed, with their input keys
    and what the manifest holds of each file still intact on disk (else None)."""

    settings: Path  # the Marac's marac.yaml, as the gate found it
    marac: str  # the Marac's name, for messages
    kind: str
    formats: tuple[str, ...]
    keys: tuple[str, ...]
    previous: tuple[Entry | None, ...]
    output: Path
    today: dt.date  # the day the gate checked the review dates against
    force: bool = False  # also replace files marac did not write (output_guard)


@dataclass(frozen=True)
class Plan:
    """The documents to render, the files skipped as unchanged, and every path the build means to write."""

    units: tuple[Unit, ...]
    skipped: tuple[BuiltFile, ...]
    expected: tuple[Path, ...]


def make_plan(arguments, manifest: Manifest, formats: tuple[str, ...], kinds: tuple[str, ...],
              today: dt.date, force: bool = False) -> Plan:
    """Return the plan of a build of every Marac named by ``arguments`` (files or folders) into
    ``manifest``'s output folder: a file is skipped when the manifest vouches for it (an empty
    manifest, as ``--force`` gives, skips none); ``force`` also lets files marac did not write be
    replaced.

    Refuses (``PolicyError`` with every finding) when any Marac fails the policy gate, and
    (``ConfigError``) arguments that name no settings.
    """
    # Errors only: a build shows no warnings (marac check does), and looking for them cost a
    # national rebuild with nothing changed a tenth of its time (each NRPF warning reads the
    # Marac's line map to say where it is).
    results = gate_many(arguments, today, warnings=False)
    failed = [r for r in results if r.errors or r.loaded is None]
    if failed:
        problems = [p for r in failed for p in r.findings]
        ready = [r.loaded.settings.marac.name for r in results if r not in failed]
        waiting = (f" {', '.join(ready)} passed the check and will be built with the others once these "
                   "are fixed (a build writes every Marac or none).") if ready else ""
        raise PolicyError(problems, heading=f"Nothing was built: {len(failed)} of {len(results)} Maracs "
                                            f"failed the check.{waiting} Fix these first (marac check shows them):")
    output = manifest.output
    library = load_library()
    skipped: list[BuiltFile] = []
    units: list[Unit] = []
    expected: list[Path] = []
    maracs = [(loaded, output_keys(loaded, kinds, formats)) for loaded in (require_clean(r) for r in results)]
    intact = manifest.intact_many([target_path(output, loaded.settings.slug, library.documents[kind].file_stem, fmt)
                                   for loaded, _ in maracs for kind in kinds for fmt in formats])
    for loaded, keyed in maracs:
        slug, name = loaded.settings.slug, loaded.settings.marac.name
        for kind in kinds:
            stem = library.documents[kind].file_stem
            todo, keys, previous = [], [], []
            for fmt in formats:
                path, key = target_path(output, slug, stem, fmt), keyed[kind, fmt]
                entry = intact[path]
                if entry and entry.key == key:
                    skipped.append(BuiltFile(name, kind, fmt, path, entry.fingerprint, entry.sha256,
                                             skipped=True, content=entry.content))
                else:
                    todo.append(fmt)
                    keys.append(key)
                    previous.append(entry)
                    expected.append(path)
            if todo:
                units.append(Unit(loaded.source.path, name, kind, tuple(todo), tuple(keys), tuple(previous),
                                  output, today, force))
    return Plan(tuple(units), tuple(skipped), tuple(expected))


def one_file_each(units) -> list[Unit]:
    """Return ``units`` split so that each makes one file: every PDF first, in the plan's order,
    then the other formats in the same order.

    A parallel build hands these to its workers. A document's DOCX no longer waits for its PDF
    in the same worker: the PDFs, which take ten to twenty times as long, start first, and the
    short DOCX fill the time a worker would otherwise spend idle waiting for the other's last
    PDF (one Marac's set on 2 workers: about 0.3 s sooner out of 5.5 s). Each extra unit
    loads its settings and assembles its document again (about 25 ms). Refuses nothing.
    """
    split = [dataclasses.replace(unit, formats=(fmt,), keys=(key,), previous=(previous,))
             for unit in units for fmt, key, previous in zip(unit.formats, unit.keys, unit.previous, strict=True)]
    return [unit for unit in split if unit.formats == ("pdf",)] + [unit for unit in split if unit.formats != ("pdf",)]


def settings_of(unit: Unit) -> LoadedSettings:
    """Return the settings of ``unit``'s Marac, loaded again from its file.

    Refuses (``ConfigError``) settings that no longer validate, and (``RenderError``) settings
    or files they name that changed since the gate passed them (their input keys differ).
    """
    loaded = load_settings(unit.settings, unit.today)
    if tuple(output_keys(loaded, (unit.kind,), unit.formats).values()) != unit.keys:
        title = load_library().documents[unit.kind].title
        raise RenderError(
            f"{loaded.display_name}: changed while the build was running, after the check had passed it "
            f"(its settings, a file they name, its logo or its editions), so its {title} was not built: "
            "it would have been made from text the check never saw. Run marac build again.")
    return loaded


def target_path(output: Path, slug: str, file_stem: str, fmt: str) -> Path:
    """Return ``OUTPUT/<slug>/<slug>-<file-stem>.<ext>``."""
    return Path(output) / slug / f"{slug}-{file_stem}{extension(fmt)}"
