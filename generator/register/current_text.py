"""The current text of a document as ``status`` compares it with the issued edition: its
fingerprint and the SHA-256 of each schedule, remembered between runs.

Assembling a document (Jinja2, markdown-it, every clause) is most of a cold ``marac status`` of a
Marac that has issued editions, and the dashboard asks for hundreds. Assembly is a pure function of
the validated settings, the clause library and the tool's own code, so its result is kept in
marac's cache folder under a SHA-256 of exactly those (and of the versions of the libraries that
turn clause text into blocks). Anything that changes the text changes the key; an entry that is
unreadable or not of the expected shape is a miss and is replaced. ``MARAC_CACHE_DIR=off`` turns it
off. Only ``status`` (and the pages built on it) use it; ``build`` and ``issue`` always assemble.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..atomic import UnreadableFile, read_bounded, write_atomic
from ..digests import folder_digest, tool_digest
from ..library.clauses import Library
from ..resources import data_dir
from ..settings.cache import cache_dir
from ..settings.loader import LoadedSettings
from .schedule_revisions import schedule_digests

_FORMAT = "current-text-1"  # bump when what is stored, or what the key covers, changes
_HEX64 = re.compile(r"[0-9a-f]{64}")
# The libraries whose code turns settings and clause text into the document's blocks.
_ASSEMBLY_LIBRARIES = ("jinja2", "markupsafe", "markdown_it", "mdurl", "pydantic", "pydantic_core")


@dataclass(frozen=True)
class CurrentText:
    """What ``status`` needs of a document's current text: its fingerprint and schedule digests."""

    fingerprint: str
    schedules: dict[str, str]


def current_text(loaded: LoadedSettings, library: Library, kind: str) -> CurrentText:
    """Return the fingerprint and schedule digests of the ``kind`` document these settings give,
    from the cache when the same inputs were assembled before, else by assembling it.

    Refuses what ``assemble`` refuses (``ClauseLibraryError``); a cache problem is never an error.
    """
    entry = _entry(loaded, library, kind)
    cached = _read(entry) if entry is not None else None
    if cached is not None:
        return cached
    # Imported here: a hit needs neither Jinja2 nor markdown-it.
    from ..document.assemble import assemble

    document = assemble(loaded, library, kind)
    text = CurrentText(document.meta.fingerprint, schedule_digests(document))
    if entry is not None:
        with contextlib.suppress(OSError):  # the cache is an optimisation only
            # The schedules as pairs: their order is the document's order, which status prints.
            write_atomic(entry, json.dumps({"fingerprint": text.fingerprint,
                                            "schedules": [[k, v] for k, v in text.schedules.items()]}).encode("utf-8"))
    return text


def text_key(loaded: LoadedSettings, library: Library, kind: str) -> str:
    """Return the SHA-256 (hex) over everything the ``kind`` document's text depends on: the
    validated settings, the logo's bytes, the clause library (its files and the loaded clauses),
    the tool's code and the assembly libraries' files."""
    logo = loaded.logo
    values = {
        "format": _FORMAT,
        "tool": tool_digest(),
        "libraries": _library_stamps(),
        "clause files": folder_digest(data_dir("clauses")),
        "library": _library_digest(library),
        "settings": hashlib.sha256(loaded.settings.model_dump_json().encode("utf-8")).hexdigest(),
        "logo": hashlib.sha256(logo.data).hexdigest() if logo is not None else None,
        "kind": kind,
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()


# Library object -> SHA-256 of its repr (2-3 ms for the whole library): worked out once per library
# object, not once per document (the dashboard asks for three documents of hundreds of Maracs).
# The object is kept beside its digest, so its id cannot be reused by another while it is here.
_LIBRARY_DIGESTS: dict[int, tuple[Library, str]] = {}


def _library_digest(library: Library) -> str:
    known = _LIBRARY_DIGESTS.get(id(library))
    if known is None or known[0] is not library:
        if len(_LIBRARY_DIGESTS) >= 8:
            _LIBRARY_DIGESTS.clear()
        known = (library, hashlib.sha256(repr(library).encode("utf-8")).hexdigest())
        _LIBRARY_DIGESTS[id(library)] = known
    return known[1]


def _entry(loaded: LoadedSettings, library: Library, kind: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / _FORMAT / f"{text_key(loaded, library, kind)}.json"


def _read(entry: Path) -> CurrentText | None:
    """Return the entry's content if it is exactly what ``current_text`` writes; else None."""
    try:
        # Bounded, and regular files only: an entry replaced by a link to a device is a miss.
        data = json.loads(read_bounded(entry, 64 * 1024))
    except (UnreadableFile, ValueError):
        return None
    if not isinstance(data, dict) or set(data) != {"fingerprint", "schedules"}:
        return None
    fingerprint, schedules = data["fingerprint"], data["schedules"]
    if not (isinstance(fingerprint, str) and _HEX64.fullmatch(fingerprint) and isinstance(schedules, list)
            and all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                    and isinstance(pair[1], str) and _HEX64.fullmatch(pair[1]) for pair in schedules)):
        return None
    return CurrentText(fingerprint, dict(schedules))


def _library_stamps() -> dict[str, object]:
    """Return each assembly library's main file with its size and modification time, found
    without importing it (importing Jinja2 and markdown-it is what a hit saves)."""
    stamps: dict[str, object] = {}
    for name in _ASSEMBLY_LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec else None
            stat = os.stat(origin) if origin else None
        except (ImportError, OSError, ValueError):
            stat, origin = None, None
        stamps[name] = [origin, stat.st_size, stat.st_mtime_ns] if stat else "absent"
    return stamps
