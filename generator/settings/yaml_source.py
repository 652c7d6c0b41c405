"""Read a YAML file safely and remember the line of every value.

Refuses, quickly and with a clear message: a file too large, binary or not UTF-8, empty,
a syntax error, anchors and aliases (the "billion laughs" bomb needs them, and a
settings file has no use for them), YAML tags and merge keys (a settings file has no use
for them either, and a wrong one would crash its constructor), and a top level that is not
a mapping.
Dates stay strings, so that a date like 2025-02-30 is reported by validation with its
field name instead of crashing the YAML parser.
The byte-level checks are here; the parse itself, the only part that needs PyYAML, is in
``yaml_parse`` and is imported only when a file is really parsed (not on a parse-cache hit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import UnreadableFile, read_bounded
from ..errors import Problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 40  # levels of nesting; the deepest real setting is about 5
Path_ = tuple  # a dotted location, as a tuple of keys and list indexes


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and the 1-based line where each location starts.

    ``data`` is None when the settings were validated straight from the parse cache.
    """

    path: Path
    data: Any
    lines: Mapping[tuple, int] = field(default_factory=dict)

    def line_of(self, location: tuple) -> int | None:
        """Return the line of ``location``, or of its nearest ancestor that has one."""
        location = tuple(location)
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.lines.get((), None)


class YamlReadError(Exception):
    """The file could not be read as YAML; carries one ``Problem``."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def read_yaml(path: Path, display_name: str | None = None, expect: type = dict,
              max_bytes: int = MAX_BYTES, raw: bytes | None = None) -> YamlDocument:
    """Return the parsed YAML at ``path`` with a line map.

    Refuses (``YamlReadError``) files that are missing, too large, binary, empty, not valid
    YAML, use anchors or aliases, or whose top level is not ``expect``. ``raw`` is the
    file's bytes when the caller has read them already.
    """
    name = display_name or str(path)

    def refuse(message: str, line: int | None = None) -> YamlReadError:
        return YamlReadError(Problem(name, line, "", message))

    try:
        raw = read_bounded(path, max_bytes) if raw is None else raw
    except UnreadableFile as exc:
        if exc.too_large:
            raise refuse(f"is over {max_bytes:,} bytes; this file may be at most {max_bytes:,} bytes") from None
        raise refuse(exc.reason) from None
    if len(raw) > max_bytes:
        raise refuse(f"is {len(raw):,} bytes; this file may be at most {max_bytes:,} bytes")
    if b"\x00" in raw:
        raise refuse("is a binary file, not YAML text; save it as plain UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise refuse("is not UTF-8 text; save it as UTF-8 (Word: Save As > Plain Text > UTF-8)", line) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise refuse("is empty; copy an example from local_configs/ and edit it")

    from .yaml_parse import parse  # PyYAML is imported only when a file is really parsed

    data, lines = parse(text, refuse, expect)
    return YamlDocument(path=path, data=data, lines=lines)


def dotted_path(location: tuple, data: Any = None) -> str:
    """Return ``('partners', 3, 'name')`` as ``partners[4].name``: entries count from 1, as people do.

    With the parsed ``data``, a list entry is also named by its name or organisation, as in
    ``partners[5] (Eastshire Police).signatory.email``, so nobody has to count entries.
    """
    out = ""
    node = data
    for part in location:
        if isinstance(part, int):
            out += f"[{part + 1}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            label = _entry_label(node)
            if label:
                out += f" ({label})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


def _entry_label(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return None
    for key in ("name", "organisation", "id"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip() and len(value) <= 80:
            return " ".join(value.split())
    return None
