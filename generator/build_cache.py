"""The build cache: skip a document whose inputs and file on disk are as they were last time.

Each output file gets two keys, both SHA-256:
- the input key, over every file and version that determines its bytes (``INPUTS``, the one list
  of them): the Marac's settings, the files they name, its logo and house style, its register, the
  clause library, templates, fonts, document kind, format, and the tool's and libraries' versions.
  Nothing is assembled to compute it, so a build where nothing changed renders and assembles nothing;
- the content key, over the assembled document itself and what the writer adds (``RENDER_INPUTS``).
  When the input key has changed (a Marac's settings were edited), the document is assembled and
  rendered only if its content key changed too: an edit that changes the ISA only rebuilds the ISA.
The output folder keeps a small manifest, ``build-manifest.json``, with each file's keys and the
SHA-256 of the bytes written. A file is skipped only when a key matches AND the file on disk still
has the recorded SHA-256, so a file edited or deleted by hand is rebuilt. A manifest that is unreadable, not ours or of another version is ignored (every
file is rebuilt and a new manifest written); a malformed entry is dropped, never trusted.

The policy gate is not cached: ``build`` runs it every time, before looking here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .atomic import write_atomic
from .digests import file_digest as _file_digest
from .digests import file_sha256
from .digests import folder_digest as _folder_digest
from .digests import tool_digest as _tool_digest
from .resources import data_dir
from .settings.loader import LoadedSettings

MANIFEST_NAME = "build-manifest.json"
MANIFEST_KIND = "marac-build-manifest"
MANIFEST_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")
# The Marac folder's register files that change what a document prints (an issued edition is not
# marked DRAFT): everything under editions/.
REGISTER_FOLDERS = ("editions",)
# Libraries whose code decides the bytes of a DOCX or a PDF (and what feeds them).
LIBRARIES = {
    "docx": ("python-docx", "lxml", "jinja2", "markdown-it-py", "pydantic", "pyyaml"),
    "pdf": ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pillow", "pikepdf", "pyhanko",
            "jinja2", "markdown-it-py", "pydantic", "pyyaml"),
    "html": ("jinja2", "markdown-it-py", "pydantic", "pyyaml"),
}


@dataclass(frozen=True)
class Target:
    """One output to key: the Marac's settings, the document kind and the format."""

    loaded: LoadedSettings
    kind: str
    format: str


# What a writer adds to the document it is given: its code, its templates and fonts.
RENDER_INPUTS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("tool", lambda fmt: _tool_digest()),
    ("runtime", lambda fmt: _runtime()),
    ("libraries", lambda fmt: _library_versions(fmt)),
    ("templates", lambda fmt: _folder_digest(data_dir("templates"))),
    ("fonts", lambda fmt: _font_digest() if fmt == "pdf" else None),
    ("format", lambda fmt: fmt),
)
# Every input an output's bytes depend on, by name, with which parts of the output it varies with
# besides the Marac ("kind", "format"), so the keys of one Marac's outputs read each file once. To
# make outputs depend on something new, add one line here; a changed value changes the key of
# exactly the outputs it applies to.
INPUTS: tuple[tuple[str, frozenset[str], Callable[[Target], object]], ...] = (
    *((name, frozenset({"format"}), lambda t, compute=compute: compute(t.format)) for name, compute in RENDER_INPUTS),
    ("clause library", frozenset(), lambda t: _folder_digest(data_dir("clauses"))),
    ("settings file", frozenset(), lambda t: _file_digest(t.loaded.source.path)),
    ("files the settings name", frozenset(), lambda t: _named_files(t.loaded)),
    # What the loader read from the folder itself, whether a setting names it or not: logo.png
    # found beside marac.yaml, and the house-style reference.docx (which only DOCX reads).
    ("logo", frozenset(), lambda t: _logo_digest(t.loaded)),
    ("house style", frozenset({"format"}),
     lambda t: _bytes_digest(t.loaded.house_style) if t.format == "docx" else None),
    ("register", frozenset(), lambda t: [_folder_digest(t.loaded.folder / name) for name in REGISTER_FOLDERS]),
    ("document", frozenset({"kind"}), lambda t: t.kind),
)


def output_key(loaded: LoadedSettings, kind: str, fmt: str) -> str:
    """Return the cache key (64 hex digits) of one output: a SHA-256 over every entry of ``INPUTS``."""
    return output_keys(loaded, (kind,), (fmt,))[kind, fmt]


def output_keys(loaded: LoadedSettings, kinds: tuple[str, ...], formats: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """Return ``{(kind, format): output_key(...)}`` for every document kind and format of one
    Marac, computing each input once for the outputs it is the same for (a national build's
    rebuild with nothing changed spent most of its time reading each Marac's files six times)."""
    computed: dict[tuple, object] = {}
    keys = {}
    for kind in kinds:
        for fmt in formats:
            target = Target(loaded, kind, fmt)
            values = {}
            for name, varies, compute in INPUTS:
                memo = (name, kind if "kind" in varies else None, fmt if "format" in varies else None)
                if memo not in computed:
                    computed[memo] = compute(target)
                values[name] = computed[memo]
            keys[kind, fmt] = hashlib.sha256(
                json.dumps(values, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return keys


def content_key(document, fmt: str) -> str:
    """Return the content key (64 hex digits) of ``document`` written as ``fmt``: a SHA-256 over the
    document (the frozen model's full repr: every block, schedule, image and meta field) and over
    every entry of ``RENDER_INPUTS``."""
    values = {name: compute(fmt) for name, compute in RENDER_INPUTS}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode("utf-8"))
    digest.update(repr(document).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """What the manifest records of one file: its input and content keys, the SHA-256 of its bytes,
    its edition."""

    key: str
    content: str
    sha256: str
    fingerprint: str


# Threads reading output files back at once (``Manifest.intact_many``): on a cold disk 8 read
# 540 MB in 0.56 s, 4 in 0.66 s, 1 in 1.1 s.
_READERS = 8


class Manifest:
    """The manifest of one output folder: relative path -> ``Entry``."""

    def __init__(self, output: Path, entries: dict[str, Entry] | None = None):
        self.output = Path(output)
        self.entries: dict[str, Entry] = dict(entries or {})
        self._changed: dict[str, Entry] = {}

    @classmethod
    def load(cls, output: Path) -> Manifest:
        """Return the manifest in ``output``; an empty one if it is missing, corrupt or not ours."""
        return cls(output, _read_entries(Path(output) / MANIFEST_NAME))

    def intact(self, path: Path) -> Entry | None:
        """Return the entry of ``path`` if the file on disk still has its recorded SHA-256; else None."""
        entry = self.entries.get(self._name(path))
        if entry is None:
            return None
        try:
            if file_sha256(path) != entry.sha256:
                return None
        except OSError:
            return None
        return entry

    def intact_many(self, paths: list[Path]) -> dict[Path, Entry | None]:
        """Return ``intact(path)`` for every path, the files read and hashed by a few threads at once.

        A rebuild with nothing changed reads every output back (1,800 files, about 340 MB, for 300
        Maracs); on a machine that has let those files drop out of memory, one reader waits on the
        disk for each in turn. Reading and SHA-256 both release the GIL, so threads overlap the
        waits and use both CPUs (cold: 0.56 s instead of 1.1 s for 540 MB here). Refuses nothing.
        """
        named = [path for path in paths if self._name(path) in self.entries]
        found: dict[Path, Entry | None] = dict.fromkeys(paths)
        with ThreadPoolExecutor(max_workers=max(1, min(_READERS, len(named))), thread_name_prefix="marac-hash") as pool:
            found.update(zip(named, pool.map(self.intact, named)))
        return found

    def record(self, path: Path, key: str, content: str, sha256: str, fingerprint: str) -> None:
        """Note that ``path`` now holds bytes with ``sha256``, built from inputs with ``key`` and a
        document with content key ``content``."""
        entry = Entry(key, content, sha256, fingerprint)
        self.entries[self._name(path)] = entry
        self._changed[self._name(path)] = entry

    def save(self) -> None:
        """Write the manifest atomically, merged over what is on disk now (another build may have
        written entries for other Maracs meanwhile). Refuses (OSError) when it cannot be written."""
        if not self._changed:
            return
        merged = _read_entries(self.output / MANIFEST_NAME)
        merged.update(self._changed)
        document = {"kind": MANIFEST_KIND, "version": MANIFEST_VERSION, "tool": __version__,
                    "files": {name: vars(entry) for name, entry in sorted(merged.items())}}
        write_atomic(self.output / MANIFEST_NAME, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
        self.entries, self._changed = merged, {}

    def _name(self, path: Path) -> str:
        return Path(path).relative_to(self.output).as_posix()


def _read_entries(path: Path) -> dict[str, Entry]:
    """Return the well-formed entries of a manifest file; {} for anything not a manifest of ours."""
    try:
        if not path.is_file() or path.stat().st_size > 16 << 20:
            return {}
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (not isinstance(document, dict) or document.get("kind") != MANIFEST_KIND
            or document.get("version") != MANIFEST_VERSION or not isinstance(document.get("files"), dict)):
        return {}
    entries = {}
    for name, value in document["files"].items():
        if not isinstance(value, dict) or set(value) != {"key", "content", "sha256", "fingerprint"}:
            continue
        if (all(isinstance(value[k], str) and _HEX64.fullmatch(value[k]) for k in ("key", "content", "sha256"))
                and isinstance(value["fingerprint"], str)):
            entries[name] = Entry(value["key"], value["content"], value["sha256"], value["fingerprint"])
    return entries


def _named_files(loaded: LoadedSettings) -> dict[str, str]:
    """Return {relative name: SHA-256} of every file in the Marac's folder that a settings value names.

    Found by value rather than by field, so a new setting that points at a file (a logo) is
    covered without touching this list. Refuses nothing: a value that is not a readable file in
    the folder is not an input.
    """
    folder = loaded.folder
    root = folder.resolve()
    try:
        present = {_comparable(name) for name in os.listdir(folder)}
    except OSError:
        return {}
    found: dict[str, str] = {}
    # From the validated settings, not the parsed YAML: a parse from the settings cache carries no
    # raw data, and a key must not depend on whether the parse was cached.
    for value in set(_strings(loaded.settings.model_dump(mode="json", by_alias=True))):
        if len(value) > 255 or "\n" in value or "\0" in value or value == loaded.source.path.name:
            continue
        if not _may_name_an_entry(value, present):
            continue
        try:
            candidate = folder / value
            if candidate.is_file() and candidate.resolve().is_relative_to(root):
                found[value] = _file_digest(candidate)
        except (OSError, ValueError, RuntimeError):
            continue
    return found


def _comparable(name: str) -> str:
    """Return a folder entry's name as a case-insensitive, normalising file system might match it
    (macOS and Windows: 'Logo.PNG' opens logo.png; Windows ignores trailing dots and spaces)."""
    return unicodedata.normalize("NFC", name).rstrip(" .").casefold()


def _may_name_an_entry(value: str, present: set[str]) -> bool:
    """Return False only when ``value`` cannot name a path in the folder: its first part is a plain
    name that no entry of the folder has. Most settings values are names and dates, and a national
    build's rebuild with nothing changed spent a third of its time asking the disk about each one
    (175 a Marac). Anything else (absolute, '.', '..', 'C:') is looked at on disk as before."""
    first = value.replace("\\", "/").split("/", 1)[0]
    if not first or first in (".", "..") or first[1:2] == ":":  # absolute, relative, or a drive
        return True
    return _comparable(first) in present


def _logo_digest(loaded: LoadedSettings) -> dict[str, str] | None:
    logo = loaded.logo
    return None if logo is None else {"sha256": _bytes_digest(logo.data), "type": logo.media_type, "alt": logo.alt}


def _bytes_digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _strings(data, depth: int = 0):
    if depth > 32:
        return
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for item in data.values():
            yield from _strings(item, depth + 1)
    elif isinstance(data, (list, tuple)):
        for item in data:
            yield from _strings(item, depth + 1)


@functools.cache
def _runtime() -> str:
    return f"{sys.version} zlib {zlib.ZLIB_RUNTIME_VERSION}"


@functools.cache
def _library_versions(fmt: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in LIBRARIES.get(fmt, ()):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


@functools.cache
def _font_digest() -> dict[str, object]:
    """The fonts WeasyPrint can use for the stylesheet's families (every file fontconfig lists for
    each, by content) and the Pango version that shapes them."""
    css = (data_dir("templates") / "print.css").read_text(encoding="utf-8")
    families = []
    for declaration in re.findall(r"font-family\s*:\s*([^;}]+)", css):
        for family in declaration.split(","):
            family = family.strip().strip("\"'")
            if family and family not in families:
                families.append(family)
    fonts: dict[str, object] = {"pango": _pango_version()}
    for family in families:
        try:
            listed = subprocess.run(["fc-list", "-f", "%{file}\n", family], capture_output=True, text=True,
                                    timeout=20, check=False).stdout.split()
        except (OSError, subprocess.SubprocessError):
            listed = ["fc-list unavailable"]
        fonts[family] = {name: _file_digest(Path(name)) for name in sorted(set(listed))}
    return fonts


def _pango_version() -> str:
    import ctypes

    try:
        pango = ctypes.CDLL("libpango-1.0.so.0")
    except OSError:
        return "unknown"
    pango.pango_version_string.restype = ctypes.c_char_p
    return pango.pango_version_string().decode("ascii")


def shared_inputs(formats: tuple[str, ...]) -> None:
    """Compute, once in this process, the inputs every output of ``formats`` shares (the tool's
    sources, the runtime, library versions, templates, fonts, the clause library), so processes
    forked from it inherit them instead of each reading them again. Returns nothing."""
    for fmt in formats:
        for _, compute in RENDER_INPUTS:
            compute(fmt)
    _folder_digest(data_dir("clauses"))
