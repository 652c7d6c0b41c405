"""Round-trip editing of marac.yaml: change values, keep every comment and the order of keys.

``merge`` changes a ruamel.yaml tree in place so that it holds the wanted data: a value equal
to the one in the file keeps its original spelling (quotes, date form), keys and list entries
that remain keep their comments, removed ones go, new ones are appended. ``save`` writes the
result atomically under the same lock the register's commands use, and only if the file is
still the one the form was opened from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from ..atomic import write_atomic
from ..register.store import locked

ORIGIN = "__origin"  # list entries carry the index they had in the file, to keep their comments


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def digest(raw: bytes) -> str:
    """Return the SHA-256 of a file's bytes, as the settings form carries it."""
    return hashlib.sha256(raw).hexdigest()


def load_tree(raw: bytes) -> CommentedMap:
    """Return the round-trip tree of marac.yaml's bytes (an empty map for an empty file).

    Refuses (``YAMLError``) text that is not YAML; a file that is not a mapping becomes empty.
    """
    tree = _yaml().load(raw.decode("utf-8"))
    return tree if isinstance(tree, CommentedMap) else CommentedMap()


def dump_tree(tree: CommentedMap) -> bytes:
    """Return the tree as marac.yaml's bytes."""
    stream = io.StringIO()
    _yaml().dump(tree, stream)
    return stream.getvalue().encode("utf-8")


def merge(tree: CommentedMap, wanted: dict) -> CommentedMap:
    """Make ``tree`` hold ``wanted`` (plain dicts, lists and scalars); return ``tree``.

    List entries in ``wanted`` may carry ``__origin`` (the entry's index in the file) so that
    a kept entry keeps its comments even when entries before it were removed.
    """
    _merge_map(tree, wanted)
    return tree


def _merge_map(node: CommentedMap, wanted: dict) -> None:
    for key in [k for k in node if k not in wanted]:
        del node[key]
    for key, value in wanted.items():
        if key in node:
            node[key] = _merged(node[key], value)
        else:
            node[key] = _fresh(value)


def _merged(old: Any, value: Any) -> Any:
    if isinstance(value, dict) and isinstance(old, CommentedMap):
        _merge_map(old, value)
        return old
    if isinstance(value, list) and isinstance(old, CommentedSeq):
        _merge_seq(old, value)
        return old
    if isinstance(value, (dict, list)):
        return _fresh(value)
    if _same_scalar(old, value):
        return old
    if isinstance(old, dt.date) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _merge_seq(seq: CommentedSeq, wanted: list) -> None:
    origins = [item.get(ORIGIN) if isinstance(item, dict) else None for item in wanted]
    if any(origin is not None for origin in origins):
        kept = {origin for origin in origins if isinstance(origin, int) and 0 <= origin < len(seq)}
        for index in sorted(set(range(len(seq))) - kept, reverse=True):
            if index > 0:  # the comments after a removed entry belong to what follows it
                _move_following_comments(seq[index], seq[index - 1])
            del seq[index]
        old_items = {origin: position for position, origin in enumerate(sorted(kept))}
        merged = []
        for item, origin in zip(wanted, origins):
            clean = {k: v for k, v in item.items() if k != ORIGIN}
            if origin in old_items:
                merged.append(_merged(seq[old_items[origin]], clean))
            else:
                merged.append(_fresh(clean))
    else:
        merged = [_merged(seq[i], value) if i < len(seq) else _fresh(value) for i, value in enumerate(wanted)]
    # Replace in place where the item is unchanged, so comments attached to positions stay.
    last = seq[-1] if len(seq) else None
    for index, item in enumerate(merged):
        if index < len(seq):
            if seq[index] is not item:
                seq[index] = item
        else:
            seq.append(item)
    if last is not None and len(merged) > index_of(seq, last) + 1:
        # New entries go before the comments that followed the old last one (the next banner).
        _move_following_comments(last, seq[len(merged) - 1])
    del seq[len(merged):]
    if len(seq):
        seq.fa.set_block_style()


def _tail(node: Any) -> tuple[Any, Any] | None:
    """Return (container, key) of the last value inside ``node``: where ruamel.yaml keeps the
    comment lines that follow it, such as the heading of the next group of entries."""
    found = None
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        key = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
        found = (node, key)
        node = node[key]
    return found


def _comment_after(container: Any, key: Any):
    slot = 2 if isinstance(container, CommentedMap) else 0
    entry = container.ca.items.get(key)
    return entry[slot] if entry and len(entry) > slot else None


def _move_following_comments(source: Any, target: Any) -> None:
    """Move the comment lines after ``source``'s last value (a heading such as ``# Housing
    associations`` for the entries that follow, or the next section's banner) to after
    ``target``'s last value. The end-of-line comment of ``source``'s last line stays."""
    tail = _tail(source)
    token = _comment_after(*tail) if tail else None
    if token is None:
        return
    first, _, rest = token.value.partition("\n")
    if "#" not in rest:
        return
    destination = _tail(target)
    if destination is None:
        return
    token.value = first + "\n"
    container, key = destination
    earlier = _comment_after(container, key)
    if earlier is not None:
        earlier.value = (earlier.value if earlier.value.endswith("\n") else earlier.value + "\n") + rest
    elif isinstance(container, CommentedMap):
        container.ca.items[key] = [None, None, CommentToken("\n" + rest, CommentMark(0), None), None]
    else:
        container.ca.items[key] = [CommentToken("\n" + rest, CommentMark(0), None), None]


def index_of(seq: CommentedSeq, item: Any) -> int:
    """Return the position of ``item`` itself (not an equal one) in ``seq``, or -1."""
    return next((i for i, x in enumerate(seq) if x is item), -1)


def _same_scalar(old: Any, value: Any) -> bool:
    if isinstance(old, bool) or isinstance(value, bool):
        return old is value
    if isinstance(old, dt.date) and isinstance(value, str):
        return old.isoformat() == value
    if isinstance(old, (int, float)) and isinstance(value, (int, float)):
        return old == value
    if isinstance(old, str) and isinstance(value, str):
        return str(old) == value
    return False


def _fresh(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            if key != ORIGIN:
                node[key] = _fresh(item)
        node.fa.set_block_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_fresh(item) for item in value)
        seq.fa.set_block_style()
        return seq
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return value


@dataclass(frozen=True)
class SaveOutcome:
    """What ``save`` did: whether it wrote, and when it did not, how the file had changed."""

    written: bool
    changes: tuple[str, ...] = ()


def changes_between(before: bytes, after: bytes) -> tuple[str, ...]:
    """Return the changed lines between two versions of a file, as ``- old`` / ``+ new`` lines."""
    lines = difflib.unified_diff(before.decode("utf-8", "replace").splitlines(),
                                 after.decode("utf-8", "replace").splitlines(), lineterm="", n=0)
    return tuple(line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---")))


def save(path: Path, opened_hash: str, data: bytes, opened: bytes | None = None) -> SaveOutcome:
    """Write ``data`` to ``path`` atomically if the file still hashes to ``opened_hash``.

    Holds the lock the register's commands hold on ``<path>.lock``. When the file changed
    since the form was opened, writes nothing and returns the changed lines (compared with
    ``opened``, the bytes the form was made from, when known). Refuses (``OSError``) a file
    that cannot be written.
    """
    with locked(path):
        now = path.read_bytes()
        if digest(now) != opened_hash:
            return SaveOutcome(False, changes_between(opened, now) if opened is not None else ())
        write_atomic(path, data)
    return SaveOutcome(True)


__all__ = ["YAMLError", "load_tree", "dump_tree", "merge", "save", "digest", "changes_between", "SaveOutcome"]
