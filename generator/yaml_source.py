"""Read a YAML file safely and remember the line of every value.

Refuses, quickly and with a clear message: a file too large, binary or not UTF-8, empty,
a syntax error, anchors and aliases (the "billion laughs" bomb needs them, and a
settings file has no use for them), and a top level that is not a mapping.
Dates stay strings, so that a date like 2025-02-30 is reported by validation with its
field name instead of crashing the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_BYTES = 1_000_000
Path_ = tuple  # a dotted location, as a tuple of keys and list indexes


class _NoDatesLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates arrive as plain strings."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and the 1-based line where each location starts."""

    path: Path
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)

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
              max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Return the parsed YAML at ``path`` with a line map.

    Refuses (``YamlReadError``) files that are missing, too large, binary, empty, not valid
    YAML, use anchors or aliases, or whose top level is not ``expect``.
    """
    name = display_name or str(path)

    def refuse(message: str, line: int | None = None) -> YamlReadError:
        return YamlReadError(Problem(name, line, "", message))

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise refuse("file not found; check the path") from None
    except IsADirectoryError:
        raise refuse("is a folder, not a YAML file") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror})") from None
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

    try:
        node = _compose_without_aliases(text)
    except _AliasRefused as exc:
        raise refuse(
            "uses a YAML anchor or alias (& or *); write the values out in full", exc.line
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        raise refuse(
            f"YAML syntax error: {what}; check the indentation and that every "
            "'key: value' has a space after the colon",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise refuse(f"YAML syntax error: {exc}") from None

    if node is None:
        raise refuse("is empty; copy an example from local_configs/ and edit it")
    expected_node = yaml.MappingNode if expect is dict else yaml.SequenceNode
    if not isinstance(node, expected_node):
        kind = "a mapping of 'key: value' lines" if expect is dict else "a list"
        raise refuse(f"the top level must be {kind}", node.start_mark.line + 1)

    lines: dict[tuple, int] = {}
    duplicate = _record_lines(node, (), lines)
    if duplicate:
        dotted, line = duplicate
        raise refuse(f"{dotted}: this key appears twice; keep one of them", line)
    try:
        data = _NoDatesLoader(text).construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise refuse(f"YAML error: {exc.problem}", line) from None
    return YamlDocument(path=path, data=data, lines=lines)


class _AliasRefused(Exception):
    def __init__(self, line: int):
        self.line = line


class _NoAliasLoader(_NoDatesLoader):
    """Refuses an anchor or alias the moment the composer meets it, in the one parse."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark.line + 1)
        return super().compose_node(parent, index)


def _compose_without_aliases(text: str):
    """Compose the node tree, refusing anchors and aliases before any expansion."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _record_lines(node, location: tuple, lines: dict[tuple, int]) -> tuple[str, int] | None:
    """Fill ``lines``; return the first duplicate key as (dotted path, line), if any."""
    lines[location] = node.start_mark.line + 1
    duplicate = None
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            here = location + (key,)
            if key in seen and duplicate is None:
                duplicate = (dotted_path(here), key_node.start_mark.line + 1)
            seen.add(key)
            found = _record_lines(value_node, here, lines)
            duplicate = duplicate or found
            # The key's own line is the one a person looks for, not its value's.
            lines[here] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = _record_lines(item, location + (index,), lines)
            duplicate = duplicate or found
    return duplicate


def dotted_path(location: tuple) -> str:
    """Return ``('partners', 3, 'name')`` as ``partners[4].name``: entries count from 1, as people do."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out
