"""Load a Marac's ``marac.yaml`` into frozen, validated settings.

Every problem becomes one line ``marac.yaml:LINE: dotted.field: what is wrong and how to
fix it``; all problems are reported at once (``ConfigError``), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import cache as settings_cache
from ..image import Image
from ..errors import ConfigError, Problem
from .house_style import find_house_style, load_house_style
from .logo import find_logo, load_logo
from .schema import Settings, agency_key
from .text_rules import ADDRESSES_CHECKED
from ..atomic import UnreadableFile, read_bounded
from .yaml_source import MAX_BYTES, YamlDocument, YamlReadError, dotted_path, read_yaml

CONFIG_NAME = "marac.yaml"


@dataclass(frozen=True)
class LoadedSettings:
    """Validated settings with where they came from (for messages and for the register)."""

    settings: Settings
    source: YamlDocument
    display_name: str
    logo: Image | None = None  # read from the Marac's folder (settings/logo.py)
    house_style: bytes | None = None  # the Marac's own reference.docx (settings/house_style.py)

    @property
    def folder(self) -> Path:
        """Return the Marac's folder (where signatures.yaml and editions/ live)."""
        return self.source.path.parent

    def line_of(self, *location: Any) -> int | None:
        """Return the line in marac.yaml of a dotted location, or of its nearest parent."""
        return self.source.line_of(tuple(location))

    def field_name(self, location: tuple) -> str:
        """Return a location as people read it, list entries named: ``partners[2] (Police).name``."""
        data = self.source.data
        if data is None:  # settings from the parse cache carry no raw data; the model has the names
            data = self.settings.model_dump(mode="json", by_alias=True)
        return dotted_path(location, data)


def resolve_config_paths(arguments: list[str] | tuple[str, ...]) -> list[Path]:
    """Return the ``marac.yaml`` files named by CONFIG arguments.

    A CONFIG is a ``marac.yaml``, a Marac folder holding one, or a folder of Marac folders.
    Refuses (``ConfigError``) a path that does not exist or holds no Marac settings.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for argument in arguments:
        path = Path(argument)
        if _is_file_entry(path):
            found.append(path)
        elif _is_file_entry(path / CONFIG_NAME):
            found.append(path / CONFIG_NAME)
        elif path.is_dir():
            children = sorted(p for p in path.glob(f"*/{CONFIG_NAME}") if _is_file_entry(p))
            if not children:
                problems.append(Problem(argument, None, "", (
                    f"holds no {CONFIG_NAME} and no Marac folders with one; "
                    "name a Marac folder such as local_configs/northbridge")))
            found.extend(children)
        else:
            problems.append(Problem(argument, None, "", "does not exist; check the path"))
    if problems:
        raise ConfigError(problems)
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        # The folder resolved, the name kept: naming one Marac twice (its folder and its
        # marac.yaml) builds it once, but a marac.yaml that is a link to another Marac's stays
        # in the list, for load_settings to refuse by name, never dropped as a duplicate.
        # (os.path.realpath, unlike Path.resolve, never raises on a link that loops.)
        key = Path(os.path.realpath(path.parent)) / path.name
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _is_file_entry(path: Path) -> bool:
    """Return True for anything at ``path`` but a folder: a marac.yaml that is a device, a pipe or a
    broken link is still a Marac's settings, and reading it says what is wrong with it."""
    return os.path.lexists(path) and not path.is_dir()


def load_settings(path: Path, today: dt.date | None = None) -> LoadedSettings:
    """Return the validated settings in ``path``.

    Refuses (``ConfigError``, listing every problem with file, line and field) unreadable or
    invalid YAML, unknown keys (with a "did you mean"), impossible dates, dates of review
    in the future, duplicate partners and control characters, and a marac.yaml that is a
    symbolic link (``refuse_link``).
    """
    today = today or dt.date.today()
    display = _display_name(path)
    refuse_link(path, display)
    try:
        raw = read_bounded(path, MAX_BYTES)
    except UnreadableFile:
        raw = None  # read_yaml words the refusal
    settings, source = _from_cache(path, raw)
    if settings is None:
        source = _read(path, display, raw)
        try:
            settings = Settings.model_validate(source.data)
        except ValidationError as exc:
            errors = _without_misspelt_missing(exc.errors())
            problems = [problem_from_error(err, source, display) for err in errors]
            raise ConfigError(_sorted_unique(problems)) from None
        if raw is not None:
            settings_cache.store(raw, source.data, source.lines)
    problems = _duplicate_partner_problems(settings, source, display)
    problems += _review_date_problems(settings, source, display, today)
    if problems:
        raise ConfigError(problems)
    logo, house_style = _assets(path.parent, settings, source, display)
    return LoadedSettings(settings=settings, source=source, display_name=display, logo=logo,
                          house_style=house_style)


def refuse_link(path: Path, display: str | None = None) -> None:
    """Refuse (``ConfigError``) a ``marac.yaml`` that is a symbolic link to a file, or to itself.

    A Marac's records (signatures.yaml, editions/) live beside its marac.yaml; a marac.yaml
    linked from another folder would make a second Marac with the same settings and records of
    its own, and the two would drift apart. A link to a device or a pipe, or one that leads
    nowhere, is left for reading to word ("is not an ordinary file", "file not found").
    """
    if not os.path.islink(path):
        return
    name = display or str(path)
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            return
        raise ConfigError([Problem(name, None, "", (
            f"is a symbolic link that leads back to itself (to {target}), not a settings file; "
            f"replace it with the Marac's own {CONFIG_NAME} (a plain file), or remove it"))]) from None
    if not stat.S_ISREG(mode):
        return
    raise ConfigError([Problem(name, None, "", (
        f"is a symbolic link (to {target}), not the settings file itself, so it was not read: marac "
        f"keeps a Marac's records (signatures.yaml, editions/) beside its {CONFIG_NAME}, and a linked "
        "one would split them between two folders. Use the folder the link points to "
        f"({Path(_display_name(Path(os.path.realpath(path)))).parent}), or, to make a Marac "
        f"of its own, replace the link with a copy of the file (cp --remove-destination "
        f"{_display_name(Path(os.path.realpath(path)))} {name}) and set its marac.slug and marac.name"))])


def _assets(folder: Path, settings: Settings, source: YamlDocument, display: str):
    """Return the Marac's logo and house-style reference.docx (each None when absent)."""
    logo_path = find_logo(folder, settings.marac.logo)
    logo = None
    if logo_path is not None:
        line = source.line_of(("marac", "logo")) if settings.marac.logo else None
        logo = load_logo(logo_path, display, line, alt=f"Logo of {settings.marac.name}")
    style_path = find_house_style(folder)
    return logo, (load_house_style(style_path) if style_path is not None else None)


def _from_cache(path: Path, raw: bytes | None) -> tuple[Settings | None, YamlDocument | None]:
    """Return settings validated from the parse cache, or (None, None) on a miss.

    Only files whose settings validated are stored, so a hit never hides a message; an entry
    that does not validate (damaged, or from another release) is a miss and gets replaced.
    """
    # Every rule runs again except the email syntax check (see settings.text_rules).
    hit = settings_cache.validated(raw, Settings, context={ADDRESSES_CHECKED: True})
    if hit is None:
        return None, None
    settings, lines = hit
    return settings, YamlDocument(path=path, data=None, lines=lines)


def _read(path: Path, display: str, raw: bytes | None = None) -> YamlDocument:
    try:
        return read_yaml(path, display, raw=raw)
    except YamlReadError as exc:
        raise ConfigError([exc.problem]) from None


def _display_name(path: Path) -> str:
    # The folder resolved, the file's own name kept: a marac.yaml that is a link is named as
    # the link, not as the file it points to (os.path.realpath never raises on a loop).
    try:
        return str((Path(os.path.realpath(path.parent)) / path.name).relative_to(os.path.realpath(Path.cwd())))
    except (ValueError, OSError):
        return str(path)


def _duplicate_partner_problems(settings: Settings, source: YamlDocument, display: str) -> list[Problem]:
    """Each partner agency appears once (names compared as the ledger matches them)."""
    problems = []
    seen: dict[str, int] = {}
    for index, partner in enumerate(settings.partners):
        key = agency_key(partner.name)
        if key in seen:
            location = ("partners", index, "name")
            problems.append(Problem(display, source.line_of(location), dotted_path(location, source.data), (
                f"'{partner.name}' is listed twice (entries {seen[key] + 1} and {index + 1}); "
                "each partner agency appears once: remove this entry or merge the two")))
        else:
            seen[key] = index
    return problems


def _review_date_problems(settings: Settings, source: YamlDocument, display: str,
                          today: dt.date) -> list[Problem]:
    problems = []
    for key in ("operating_protocol", "information_sharing_agreement", "annex"):
        dates = getattr(settings.documents, key)
        if dates is not None and dates.last_reviewed < dates.adopted:
            location = ("documents", key, "last_reviewed")
            problems.append(Problem(display, source.line_of(location), dotted_path(location), (
                f"{dates.last_reviewed} is before adopted ({dates.adopted}); a document cannot be "
                "reviewed before it was adopted")))
    candidates = [
        (("documents", "operating_protocol", "last_reviewed"), settings.documents.operating_protocol.last_reviewed),
        (("documents", "information_sharing_agreement", "last_reviewed"),
         settings.documents.information_sharing_agreement.last_reviewed),
        (("specialist_pathways", "last_reviewed"), settings.specialist_pathways.last_reviewed),
    ]
    if settings.documents.annex is not None:
        candidates.append((("documents", "annex", "last_reviewed"), settings.documents.annex.last_reviewed))
    for location, value in candidates:
        if value is not None and value > today:
            problems.append(Problem(display, source.line_of(location), dotted_path(location), (
                f"{value} is in the future (today is {today}); give the date the review "
                "actually took place")))
    return problems


def _without_misspelt_missing(errors: list[dict]) -> list[dict]:
    """Drop "X is missing" when the same block has an unknown key that is X misspelt: the
    "did you mean X?" message already says it, and one typo should give one message."""
    unknown = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors
               if e["type"] == "extra_forbidden" and e["loc"]}

    def misspelt(error: dict) -> bool:
        if error["type"] != "missing" or not error["loc"]:
            return False
        parent, key = tuple(error["loc"][:-1]), str(error["loc"][-1])
        typos = [name for where, name in unknown if where == parent]
        import difflib  # only when a message is being worded

        return bool(difflib.get_close_matches(key, typos, n=1, cutoff=0.6))

    return [e for e in errors if not misspelt(e)]


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for problem in sorted(problems, key=lambda p: (p.line or 0, p.field)):
        key = (problem.line, problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def problem_from_error(error: dict, source: YamlDocument, display: str) -> Problem:
    """Return one pydantic error as a Problem with line, dotted field and a coordinator's message."""
    location = tuple(part for part in error["loc"] if not _is_pydantic_branch(part))
    # A failed model_validator reports at the model; keep the location as it is.
    message = _friendly_message(error, location)
    return Problem(display, source.line_of(location), dotted_path(location, source.data), message)


def _is_pydantic_branch(part: Any) -> bool:
    # Union members appear in locations as e.g. 'str' or 'function-after[...]'.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "bool", "date"})


def _friendly_message(error: dict, location: tuple) -> str:
    kind, given = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_key_message(location)
    if kind == "missing":
        return "is required but missing; add it (see local_configs/northbridge/marac.yaml)"
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"}:
        return (f"'{given}' is not a real calendar date; write it as YYYY-MM-DD, "
                "for example 2025-03-01")
    if kind == "enum":
        options = ctx.get("expected", "")
        hint = _closest(str(given), [o.strip(" '") for o in options.replace(" or ", ",").split(",")])
        return f"'{given}' is not one of {options}" + (f"; did you mean '{hint}'?" if hint else "")
    if kind == "string_pattern_mismatch":
        return _pattern_message(location, given)
    if kind in {"greater_than_equal", "less_than_equal"}:
        bound = ctx.get("ge", ctx.get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        return f"{given} is out of range; it must be {word} {bound}"
    if kind == "too_short":
        return "is empty; list at least one entry"
    if kind in {"string_type"}:
        if location and location[-1] == "version" and isinstance(given, (int, float)):
            return f'must be written in quotes, or YAML reads it as a number: write version: "{given}"'
        return f"must be text, not {_describe(given)}; put it in quotes if needed"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number, not {_describe(given)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false, not {_describe(given)}"
    if kind in {"list_type"}:
        return f"must be a list (lines starting with '- '), not {_describe(given)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be a block of 'key: value' lines, not {_describe(given)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _pattern_message(location: tuple, given: Any) -> str:
    field = location[-1] if location else ""
    if field == "version":
        return f"'{given}' is not a version number; write it in quotes like \"3.0\""
    if field == "url":
        return f"'{given}' is not a web address; it must start with https://"
    if field == "slug":
        return f"'{given}' must be lower-case letters, digits and hyphens, like northbridge"
    if field == "id":
        return f"'{given}' must start with 'local.' and use lower-case letters, e.g. local.parking"
    if field == "applies_to" or (len(location) > 1 and location[-2] == "applies_to"):
        return f"'{given}' must be mop, isa or annex"
    return f"'{given}' is not in the expected form"


def _unknown_key_message(location: tuple) -> str:
    key = str(location[-1]) if location else ""
    allowed = _allowed_keys(location[:-1])
    hint = _closest(key, allowed)
    message = f"unknown setting '{key}'"
    if hint:
        return f"{message}; did you mean '{hint}'?"
    if allowed:
        return f"{message}; allowed here: {', '.join(sorted(allowed))}"
    return message


def _allowed_keys(parent: tuple) -> list[str]:
    """Return the keys the schema allows at ``parent`` by walking the pydantic models."""
    model: Any = Settings
    for part in parent:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return []
        model = _inner_model(fields[part].annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _inner_model(annotation: Any):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _closest(word: str, options: list[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1, cutoff=0.6)
    if not matches:
        return None
    return next(o for o in options if o.lower() == matches[0])


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a block of settings"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"
