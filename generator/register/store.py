"""The register's own files (editions index, signatures ledger): read, validate, lock, write.

Both are YAML files of the form ``<key>: [entry, entry, ...]`` that people may read and, if
they must, edit by hand. Reading refuses a broken file with its line number; writing happens
under an exclusive lock, re-reads the file first, and replaces it atomically, so a broken or
newer file is never overwritten and concurrent writers lose nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..atomic import UnreadableFile, read_bounded, write_atomic
from ..errors import Problem, RegisterError
from ..settings import cache as parse_cache
from ..settings.yaml_source import YamlReadError, dotted_path, read_yaml

LOCK_WAIT_SECONDS = 60
# The register may be far larger than a marac.yaml: about 500 bytes per signature, so this holds
# some 40,000 signatures. Writing refuses first, so a register marac wrote is one it can read.
MAX_REGISTER_BYTES = 20_000_000
DOCUMENTS = ("mop", "isa", "annex")  # the annex is issued and signed only when marac.yaml gives documents.annex
DOCUMENT_NAMES = {"mop": "Operating Protocol", "isa": "Information Sharing Agreement",
                  "annex": "Immigration Status Annex"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a real date; write it as YYYY-MM-DD in quotes, e.g. '2026-03-01'")


def _timestamp(value: Any) -> Any:
    try:
        stamp = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'{value}' is not a timestamp like '2026-11-26T10:30:00+00:00'") from None
    if stamp.tzinfo is None:
        raise ValueError(f"'{value}' has no time zone; end it with +00:00")
    return str(value)


IsoDay = Annotated[dt.date, BeforeValidator(_iso_day)]
Timestamp = Annotated[str, BeforeValidator(_timestamp)]
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
VersionText = Annotated[str, Field(pattern=r"^\d+(\.\d+){0,2}$")]


class Entry(BaseModel):
    """Base of a register entry: frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def utc_now() -> str:
    """Return the current time as an ISO timestamp in UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def display_path(path: Path) -> str:
    """Return ``path`` relative to the working folder when it is inside it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def version_key(version: str) -> tuple[int, ...]:
    """Return ``"3.10"`` as ``(3, 10)``, so versions compare as numbers."""
    return tuple(int(part) for part in version.split("."))


@contextmanager
def locked(path: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (beside ``path``) for the ``with`` block.

    Refuses (``RegisterError``) when another command holds it for more than ``wait_seconds``.
    The lock is released when the holder ends, even if it crashes.
    """
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise RegisterError(
            f"{display_path(lock_path)}: cannot be written ({exc.strerror or exc}). marac records this "
            f"in {display_path(path)}, so it needs to write in that folder; nothing was changed. Run the "
            "command as someone who may write there, or ask whoever manages the folder.") from None
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RegisterError(
                        f"{display_path(path)} is being written by another marac command; "
                        "wait until it has finished and try again") from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def read_entries(path: Path, key: str, model: type[Entry]) -> list[tuple[Entry, int | None]]:
    """Return the validated entries under ``key`` in ``path``, each with its line number.

    A missing file has no entries. Refuses (``RegisterError``, every problem with its line)
    a file that is empty, not valid YAML, or holds an entry that does not validate.
    """
    if not os.path.lexists(path):
        return []
    refuse_link(path)
    name = display_path(path)
    heading = (f"{name} is damaged, so the command stopped and changed nothing. Fix the lines below "
               "(or restore the file from your backup), then run the command again:")
    try:
        raw = read_bounded(path, MAX_REGISTER_BYTES)
    except UnreadableFile as exc:
        raise RegisterError(f"{name}: {exc.reason}; the command stopped and changed nothing") from None
    if not raw.strip() or all(not line.strip() or line.lstrip().startswith(b"#") for line in raw.splitlines()):
        raise RegisterError(f"{heading}\n{name}: is empty; restore it from your backup, or delete "
                            "it if you really mean to start again with no records")
    # status reads the editions index and the ledger every time: a cached parse needs no PyYAML.
    # Only a file whose every entry validated is stored, and every entry is validated again.
    source = parse_cache.document(raw, path)
    from_cache = source is not None
    if not from_cache:
        try:
            source = read_yaml(path, name, max_bytes=MAX_REGISTER_BYTES, raw=raw)
        except YamlReadError as exc:
            raise RegisterError(f"{heading}\n{exc.problem.render()}") from None
    problems = []
    unknown = sorted(set(source.data) - {key})
    for extra in unknown:
        problems.append(Problem(name, source.line_of((extra,)), extra, f"unknown key; only '{key}:' belongs here"))
    items = source.data.get(key)
    if items is None:
        items = []
    if not isinstance(items, list):
        problems.append(Problem(name, source.line_of((key,)), key, "must be a list of entries starting with '- '"))
        items = []
    entries = []
    for index, item in enumerate(items):
        try:
            entries.append((model.model_validate(item), source.line_of((key, index))))
        except ValidationError as exc:
            for error in exc.errors():
                where = (key, index) + tuple(error["loc"])
                problems.append(Problem(name, source.line_of(where), dotted_path(where), _message(error, model)))
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise RegisterError("\n".join([heading] + [p.render() for p in problems]))
    if not from_cache:
        parse_cache.store(raw, source.data, source.lines)  # only a file whose every entry validated
    return entries


def _message(error: dict, model: type[Entry]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing; every entry needs it"
    if kind == "extra_forbidden":
        import difflib  # only when a message is being worded

        close = difflib.get_close_matches(str(error["loc"][-1]), list(model.model_fields), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "remove it or correct its spelling"
        return f"is not a key of an entry; {hint}"
    if kind == "string_pattern_mismatch":
        return f"'{error.get('input')}' is not in the expected form"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "literal_error":
        return f"'{error.get('input')}' must be {error.get('ctx', {}).get('expected', '')}"
    return error["msg"]


def write_entries(path: Path, header: str, key: str, entries: list[dict]) -> None:
    """Replace ``path`` atomically with ``header`` and the ``entries`` under ``key``.

    Entries are written with their keys in the order given, a blank line between them.
    Refuses (``RegisterError``) if the result would not read back as the same data.
    """
    # libyaml's safe dumper and loader when present: the same output, and a ledger of thousands of
    # entries is written and checked in a fraction of a second instead of several seconds.
    import yaml  # only when writing: reading goes through yaml_source, often from the parse cache

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if entries:
        body = f"{key}:\n" + "\n".join(
            yaml.dump([entry], Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
            for entry in entries)
    else:
        body = f"{key}: []\n"
    text = header.rstrip("\n") + "\n\n" + body
    refuse_link(path)
    if len(text.encode("utf-8")) > MAX_REGISTER_BYTES:
        # Refuse before writing: a file over the read limit could never be read again.
        raise RegisterError(
            f"{display_path(path)}: with this entry it would be over {MAX_REGISTER_BYTES:,} bytes, the most "
            "marac reads back, so nothing was changed. Move older entries to an archive copy of the file "
            "(keep it with your records), leaving the current editions' entries, and try again.")
    # Never write a file that reads back differently (``loader`` is a safe loader).
    if yaml.load(text, Loader=loader) != {key: entries}:  # noqa: S506
        raise RegisterError(f"{display_path(path)}: the new entry could not be written faithfully; nothing was changed")
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise RegisterError(f"{display_path(path)}: cannot be written ({exc.strerror or exc})") from None


def refuse_link(path: Path) -> None:
    """Refuse (``RegisterError``) a register file that is a symbolic link.

    Replacing the file atomically would replace the link with a plain file and leave its target
    with the old entries, so two copies of the register would drift apart.
    """
    if os.path.islink(path):
        target = os.readlink(path)
        raise RegisterError(
            f"{display_path(path)} is a symbolic link (to {target}), not the register file itself; marac "
            "keeps the register as a plain file in the Marac's folder, so it stopped and changed nothing. "
            f"Replace the link with a copy of the file it points to (cp --remove-destination {target} "
            f"{display_path(path)}), then run the command again.")


def plain(entry: Entry) -> dict:
    """Return an entry as plain YAML-ready values (dates as ISO text), keys in field order."""
    out = {}
    for field, value in entry.model_dump().items():
        out[field] = value.isoformat() if isinstance(value, dt.date) else value
    return out
