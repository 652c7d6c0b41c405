"""Read a YAML file safely and remember the line of every value.

Refuses, quickly and with a clear message: a file too large, binary or not UTF-8, empty,
a syntax error, anchors and aliases (the "billion laughs" bomb needs them, and a
settings file has no use for them), and a top level that is not a mapping.
Dates stay strings, so that a date like 2025-02-30 is reported by validation with its
field name instead of crashing the YAML parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

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
        raw = path.read_bytes() if raw is None else raw
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
        loader, node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        message, line = explain_syntax_error(exc, text.splitlines())
        raise refuse(message, line) from None
    except yaml.YAMLError as exc:
        raise refuse(f"YAML syntax error: {exc}") from None

    if node is None:
        loader.dispose()
        raise refuse("is empty; copy an example from local_configs/ and edit it")
    expected_node = yaml.MappingNode if expect is dict else yaml.SequenceNode
    if not isinstance(node, expected_node):
        kind = "a mapping of 'key: value' lines" if expect is dict else "a list"
        raise refuse(f"the top level must be {kind}", node.start_mark.line + 1)

    walk = _Walk(loader)
    try:
        data = walk.value(node, ())
        if walk.duplicate:
            dotted, line = walk.duplicate
            raise refuse(f"{dotted}: this key appears twice; keep one of them", line)
    except _AliasRefused as exc:
        raise refuse("uses a YAML anchor and alias (& and *); write the values out in full", exc.line) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise refuse(f"YAML error: {exc.problem}", line) from None
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, lines=walk.lines)


def explain_syntax_error(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[str, int | None]:
    """Return (message, line) for a YAML syntax error, in words a coordinator can act on.

    YAML's own words ("mapping values are not allowed here") are translated for the three
    mistakes people make most: a colon inside a value, an apostrophe inside single quotes, and
    a key without its colon (which YAML reports on the line after).
    """
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or "invalid YAML"
    current = lines[line - 1] if line and line <= len(lines) else ""
    if "mapping values are not allowed" in problem and line:
        before = current[: mark.column] if mark else current
        if re.match(r"^\s*(- )?[\w.-]+:\s+\S", before):
            return ("a colon inside a value: put the whole value in double quotes, "
                    f'like {_quoted_example(current)}'), line
        previous = _previous_content_line(lines, line - 1)
        if previous is not None and ":" not in lines[previous - 1].split("#")[0]:
            key = lines[previous - 1].strip()
            return (f"'{key}' has no colon: write it as 'key: value' "
                    f"(for example '{key.replace(' ', ': ', 1)}')"), previous
    if "did not find expected key" in problem or "expected <block end>" in problem:
        for number in (line, exc.context_mark.line + 1 if exc.context_mark else None):
            text = lines[number - 1] if number and number <= len(lines) else ""
            value = text.split(":", 1)[1].strip() if ":" in text else ""
            if value.startswith("'") and value.count("'") >= 3:
                return ("an apostrophe inside single quotes: put the value in double quotes instead, "
                        f'like {_quoted_example(text)}'), number
    return (f"YAML syntax error: {problem}; check the indentation and that every "
            "'key: value' has a space after the colon"), line


def _previous_content_line(lines: list[str], before: int) -> int | None:
    for number in range(before, 0, -1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            return number
    return None


def _quoted_example(text: str) -> str:
    key, _, value = text.strip().partition(":")
    value = value.split(" #")[0].strip().strip("'")
    return f'{key}: "{value}"'


class _AliasRefused(Exception):
    def __init__(self, line: int):
        self.line = line


# libyaml's parser when present (about 15x faster than the pure-Python one: a listing over
# hundreds of Maracs reads every file); the pure-Python one otherwise. Same scalar rules.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastNoDatesLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The fastest safe loader available, with dates kept as strings."""


_FastNoDatesLoader.yaml_implicit_resolvers = _NoDatesLoader.yaml_implicit_resolvers


def _compose(text: str):
    """Compose the node tree. Aliases are not expanded here: an alias is the same node object
    met twice, which ``_Walk`` refuses before anything walks it again."""
    loader = _FastNoDatesLoader(text)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


class _Walk:
    """One pass over the node tree: builds the data, the line map and finds duplicate keys.

    Scalars go through PyYAML's own constructor for their resolved tag (int, bool, null,
    float ...), so YAML's rules are PyYAML's; only the tree walking is ours, because
    PyYAML's generic ``construct_document`` costs more than the parse itself.
    Refuses (``_AliasRefused``) a node met twice: that is an alias, and walking it again is
    how an alias bomb would blow up.
    """

    _STR = "tag:yaml.org,2002:str"

    def __init__(self, loader):
        self.loader = loader
        self.lines: dict[tuple, int] = {}
        self.seen: set[int] = set()
        self.duplicate: tuple[str, int] | None = None

    def value(self, node, location: tuple):
        """Return the Python value of ``node``, recording lines below ``location`` as it goes."""
        if id(node) in self.seen:
            raise _AliasRefused(node.start_mark.line + 1)
        self.seen.add(id(node))
        self.lines[location] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag == self._STR:
                return node.value
            return self.loader.yaml_constructors[node.tag](self.loader, node)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, location + (index,)) for index, item in enumerate(node.value)]
        result: dict = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, location + ("<key>",))
            if isinstance(key, (list, dict)):
                raise _AliasRefused(key_node.start_mark.line + 1)
            here = location + (key,)
            if key in result and self.duplicate is None:
                self.duplicate = (dotted_path(here), key_node.start_mark.line + 1)
            result[key] = self.value(value_node, here)
            # The key's own line is the one a person looks for, not its value's.
            self.lines[here] = key_node.start_mark.line + 1
        return result


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
