"""Parse YAML text into plain data and a line map, refusing what a settings file has no use for.

The half of ``yaml_source`` that needs PyYAML: it is imported only when a file is really
parsed, so a command whose files all come from the parse cache never imports PyYAML.
Refuses (through the caller's ``refuse``) syntax errors, anchors and aliases, tags, merge
keys, duplicate keys, nesting deeper than ``MAX_DEPTH`` and a top level that is not ``expect``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from .yaml_source import MAX_DEPTH, YamlReadError, dotted_path


class _NoDatesLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates arrive as plain strings."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str, refuse: Callable[..., YamlReadError], expect: type = dict) -> tuple[object, dict[tuple, int]]:
    """Return (data, line map) of ``text``. Refuses (``refuse(message, line)``, raised) what the
    module docstring lists."""
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
    except _Refused as exc:
        raise refuse(exc.message, exc.line) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise refuse(f"YAML error: {exc.problem}", line) from None
    finally:
        loader.dispose()
    return data, walk.lines


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
        if len(location) > MAX_DEPTH:  # before Python's own recursion limit turns it into a traceback
            raise _Refused(node.start_mark.line + 1, f"nests blocks or lists more than {MAX_DEPTH} levels deep; "
                                                        "a Marac's settings need a few levels at most")
        self.seen.add(id(node))
        self.lines[location] = node.start_mark.line + 1
        self._refuse_tag(node)
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
                raise _Refused(key_node.start_mark.line + 1, "a key must be plain text, not a list or a block")
            here = location + (key,)
            if key in result and self.duplicate is None:
                self.duplicate = (dotted_path(here), key_node.start_mark.line + 1)
            result[key] = self.value(value_node, here)
            # The key's own line is the one a person looks for, not its value's.
            self.lines[here] = key_node.start_mark.line + 1
        return result


    def _refuse_tag(self, node) -> None:
        """Refuse (``_Refused``) an explicit tag (``!foo``, ``!!int``) or a merge key (``<<``).

        A plain scalar is allowed only the tag YAML's own rules give its text (str, int, float,
        bool, null); a quoted one only str; a list or block only the standard ones. Anything else
        is a tag someone wrote, or a key (``<<``, ``=``) that YAML treats specially, and either
        would reach a constructor that fails with a traceback or changes what the file says.
        """
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # None from the Python parser, "" from libyaml
            expected = self.loader.resolve(yaml.ScalarNode, node.value, (plain, not plain))
            if node.tag == expected and node.tag in _PLAIN_TAGS:
                return
            if node.tag == _MERGE:
                raise _Refused(line, "uses a YAML merge key ('<<:'); write the keys out in full")
            if node.tag == _VALUE:
                raise _Refused(line, f"'{node.value}' means something special in YAML; "
                                        f"put it in quotes, like \"{node.value}\"")
        elif node.tag == (_SEQ if isinstance(node, yaml.SequenceNode) else _MAP):
            return
        raise _Refused(line, f"uses the YAML tag '{_short_tag(node.tag)}'; tags are not part of a Marac's "
                                "settings: remove it and write the plain value (in quotes if it is text)")


_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_YAML + kind for kind in ("str", "int", "float", "bool", "null")}
_MERGE, _VALUE, _SEQ, _MAP = _YAML + "merge", _YAML + "value", _YAML + "seq", _YAML + "map"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


class _Refused(Exception):
    """Something the walk refuses (a tag, a merge key, a list as a key, too deep); carries its line."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message


