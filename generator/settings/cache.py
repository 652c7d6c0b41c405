"""A cache of parsed YAML files (data and line map), keyed by the file's exact bytes: every
marac.yaml and the clause library's files.

Reading a large marac.yaml costs about 2-5 ms, almost all of it PyYAML building nodes; a
listing over hundreds of Maracs (``marac reviews`` from cron) reads every file each time.
A hit costs one hash, one small file read and pydantic's JSON validation, and needs no PyYAML
import. Only files whose contents validated are stored, so every error message comes from a real parse. A changed file has
another hash and a new release of marac another folder, so an entry can never be stale.
The cache is an optimisation only: any problem with it is ignored.

Location: ``$MARAC_CACHE_DIR``, else ``$XDG_CACHE_HOME/marac/settings``, else
``~/.cache/marac/settings``. ``MARAC_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from .. import __version__
from ..atomic import UnreadableFile, read_bounded, write_atomic
from .yaml_source import YamlDocument


# An entry holds one parsed file (at most 1 MB of YAML) as JSON, or its line map.
_MAX_ENTRY_BYTES = 8_000_000
_FORMAT = "settings-3"  # bump when the parse rules or the stored shape change


def cache_dir() -> Path | None:
    """Return the cache folder, or None when caching is turned off."""
    chosen = os.environ.get("MARAC_CACHE_DIR")
    if chosen:
        return None if chosen.lower() in {"off", "0", "no"} else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "marac" / "settings"


def _entry(raw: bytes) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    rules = _address_rules()
    if rules is None:
        return None  # cannot tell which address rules a hit passed: do not cache
    digest = hashlib.sha256(raw).hexdigest()
    return folder / f"{_FORMAT}-{__version__}-{rules}" / f"{digest}.json"


@functools.cache
def _address_rules() -> str | None:
    """Return a name for the email address rules in force: email-validator's version and a digest
    of ``text_rules.py``, or None when either cannot be read. A hit's addresses are not checked
    again (see ``text_rules``), so a change to either must start a new cache folder."""
    version = _email_validator_version()
    try:
        ours = hashlib.sha256(Path(__file__).with_name("text_rules.py").read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    return None if version is None else f"email-validator-{version}-rules-{ours}"


def _email_validator_version() -> str | None:
    """Return email-validator's version, read from its version.py without importing it (the
    import is the cost ``text_rules`` avoids): a hit's addresses are not checked again, so a new
    email-validator must start a new cache folder."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("email_validator")
        text = Path(spec.origin).with_name("version.py").read_text(encoding="utf-8")
        return re.search(r"__version__\s*=\s*[\"']([\w.+-]+)[\"']", text).group(1)
    except (AttributeError, ImportError, OSError, TypeError, ValueError):
        return None


class LazyLines(Mapping):
    """The line map of a cached parse, read from its own file only when a message needs it."""

    def __init__(self, path: Path):
        self._path = path
        self._lines: dict[tuple, int] | None = None

    def _load(self) -> dict[tuple, int]:
        if self._lines is None:
            try:
                self._lines = {tuple(k): v for k, v in json.loads(read_bounded(self._path, _MAX_ENTRY_BYTES))}
            except (UnreadableFile, ValueError, TypeError):
                self._lines = {}
        return self._lines

    def __getitem__(self, key):
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())


def lookup(raw: bytes) -> tuple[bytes, Mapping[tuple, int]] | None:
    """Return the parsed data (as JSON bytes) and line map stored for these exact bytes, or None."""
    entry = _entry(raw)
    if entry is None:
        return None
    try:
        # Bounded, and regular files only: an entry replaced by a link to a device is a miss.
        data_json = read_bounded(entry, _MAX_ENTRY_BYTES)
    except UnreadableFile:
        return None
    if not data_json.startswith(b"{") or not data_json.endswith(b"}"):
        return None  # a torn or foreign file: parse the YAML again
    return data_json, LazyLines(entry.with_suffix(".lines"))


def validated(raw: bytes | None, model, context: dict | None = None):
    """Return ``(model instance, line map)`` validated from the parse stored for these exact
    bytes, or None on a miss (no bytes, no entry, or an entry that does not validate: damaged, or
    from another release, and replaced by the caller's fresh parse). pydantic validates the JSON
    in Rust, without building Python objects first; every rule of ``model`` runs again."""
    from pydantic import ValidationError  # the caller has imported pydantic already

    cached = lookup(raw) if raw is not None else None
    if cached is None:
        return None
    data_json, lines = cached
    try:
        return model.model_validate_json(data_json, context=context), lines
    except ValidationError:
        return None


def document(raw: bytes, path: Path) -> YamlDocument | None:
    """Return the parse stored for these exact bytes as the YAML reader's ``YamlDocument`` (data
    and line map), or None on a miss, or when the entry is not JSON of a mapping. The caller
    validates the data; the cache only spares it PyYAML."""
    cached = lookup(raw)
    if cached is None:
        return None
    try:
        data = json.loads(cached[0])
    except ValueError:
        return None
    return YamlDocument(path=path, data=data, lines=cached[1]) if isinstance(data, dict) else None


def store(raw: bytes, data: object, lines: dict[tuple, int]) -> None:
    """Remember the parse of these bytes; never raises."""
    entry = _entry(raw)
    if entry is None or not _json_faithful(data):
        return
    try:
        # Lines first: an entry is only found once its data file exists.
        write_atomic(entry.with_suffix(".lines"), json.dumps([[list(k), v] for k, v in lines.items()]).encode())
        write_atomic(entry, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except (OSError, TypeError, ValueError):
        pass


def _json_faithful(value: object) -> bool:
    """Return whether JSON gives ``value`` back unchanged (it turns 1: into "1":)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_faithful(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_faithful(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))
