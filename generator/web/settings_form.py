"""marac.yaml as a form: fields built from the settings schema, values read back into data.

Each field's form name is the dotted path ``marac check`` names it by (``partners[2].name``),
so a finding lands beside the field it concerns. Sections come in the order of the file.
Lists of entries (partners, pathway services, local clauses...) carry each entry's index in
the file so that removing one keeps the comments of the others (see ``yaml_edit.merge``).
Nothing here decides what is valid: the policy gate does, on the text that would be saved.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ..errors import Problem
from ..library.clauses import Library
from ..settings.schema import Settings
from .yaml_edit import ORIGIN

SECTION_TITLES = {
    "marac": "The Marac", "governance": "Governance", "documents": "Documents: versions and review dates",
    "partners": "Partner agencies (each signs the documents)",
    "distribution_list": "Others who receive Marac papers", "specialist_pathways": "Specialist pathways (G16)",
    "immigration": "Immigration status", "records": "Records", "clauses": "Clauses",
    "g03_confirmed_names": "Names confirmed not to be Immigration Enforcement (G03)",
}
LABELS = {"idva_service": "Idva service", "url": "Web address (https://...)", "by_and_for": "By-and-for service",
          "isa": "ISA", "mop": "MOP", "case_list_days_before": "Case list sent (days before the meeting)",
          "add": "Local clauses", "applies_to": "In which documents", "id": "Clause id (local.something)"}
ITEM_NAMES = {"partners": "partner", "distribution_list": "recipient", "services": "service",
              "champions": "champion", "add": "local clause"}
CHECK_OPTIONS = {"applies_to": (("mop", "Operating Protocol"), ("isa", "Information Sharing Agreement"),
                                ("annex", "Immigration annex"))}
EXCLUDE = "clauses.exclude"
_INDEX = re.compile(r"\[(\d+)\]$")


@dataclass
class Node:
    """One piece of the form: a field, a group of fields, a list of groups, or the clause choices."""

    kind: str  # field | group | list | checks | lines | clauses
    name: str
    label: str
    widget: str = "text"
    value: Any = ""
    options: tuple = ()
    required: bool = False
    help: str = ""
    children: list["Node"] = field(default_factory=list)
    origin: int | None = None
    item_name: str = "entry"

    @property
    def dom_id(self) -> str:
        """Return the HTML id of the node's field or group."""
        return dom_id(self.name)


def dom_id(name: str) -> str:
    """Return an HTML id for a form name (the dotted path with brackets and dots replaced)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def label_of(key: str) -> str:
    """Return a field's label from its key: ``review_interval_months`` -> ``Review interval months``."""
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Return (the type inside Annotated/Optional, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _list_inner(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) in (list, tuple):
        return _unwrap(typing.get_args(annotation)[0])[0]
    return None


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _default(info) -> Any:
    if info.default is PydanticUndefined or info.default is None or isinstance(info.default, BaseModel):
        return None
    return info.default.value if isinstance(info.default, enum.Enum) else info.default


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def build_form(data: Any, library: Library) -> list[Node]:
    """Return the form's sections for settings ``data`` (a mapping read from marac.yaml).

    Sections follow the order of the keys in the file, then the schema's other sections.
    """
    data = data if isinstance(data, dict) else {}
    order = [k for k in data if k in Settings.model_fields] + [k for k in Settings.model_fields if k not in data]
    sections = []
    for key in order:
        info = Settings.model_fields[key]
        node = _node(key, info, data.get(key), key, library)
        node.label = SECTION_TITLES.get(key, node.label)
        sections.append(node)
    return sections


def _node(key: str, info, value: Any, path: str, library: Library) -> Node:
    annotation, optional = _unwrap(info.annotation)
    required = info.is_required() and not optional
    inner = _list_inner(annotation)
    if path == EXCLUDE:
        return _clause_node(value, library)
    if _is_model(annotation):
        return Node("group", path, label_of(key), required=required,
                    children=_fields(annotation, value, path, library), help=info.description or "")
    if inner is not None and _is_model(inner):
        items = []
        for index, item in enumerate(value if isinstance(value, list) else []):
            item_path = f"{path}[{index + 1}]"
            origin = item.get(ORIGIN, index) if isinstance(item, dict) else index
            items.append(Node("group", item_path, f"{ITEM_NAMES.get(key, 'entry').capitalize()} {index + 1}",
                              origin=origin, children=_fields(inner, item, item_path, library)))
        return Node("list", path, label_of(key), required=required, children=items,
                    item_name=ITEM_NAMES.get(key, "entry"))
    if inner is not None:
        chosen = [str(v) for v in value] if isinstance(value, list) else []
        if key not in CHECK_OPTIONS:  # free text (confirmed names): one entry a line
            return Node("lines", path, label_of(key), value="\n".join(chosen), help=info.description or "")
        return Node("checks", path, label_of(key), value=chosen, options=CHECK_OPTIONS.get(key, ()))
    widget, options = "text", ()
    if annotation is bool:
        widget, options = "select", (("yes", "yes"), ("no", "no"))
    elif annotation is int:
        widget = "number"
    elif annotation is dt.date:
        widget = "date"
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        widget, options = "select", tuple((m.value, m.value) for m in annotation)
    elif key == "text":
        widget = "textarea"
    if path.startswith("clauses.add[") and key == "section":
        widget, options = "select", tuple((k, f"{s.title} ({k})") for k, s in library.sections.items())
    shown = _shown(value) if value is not None else _shown(_default(info))
    if widget == "select" and shown and shown not in [o[0] for o in options]:
        options = ((shown, f"{shown} (not a choice: pick another)"),) + tuple(options)
    if widget == "select" and optional and not info.is_required() and _default(info) is None:
        options = (("", "(none)"),) + tuple(options)
    return Node("field", path, label_of(key), widget=widget, value=shown, options=options,
                required=required and _default(info) is None, help=info.description or "")


def _fields(model: type[BaseModel], data: Any, prefix: str, library: Library) -> list[Node]:
    data = data if isinstance(data, dict) else {}
    return [_node(key, info, data.get(key), _join(prefix, key), library) for key, info in model.model_fields.items()]


def _clause_node(value: Any, library: Library) -> Node:
    excluded = [str(v) for v in value] if isinstance(value, list) else []
    optional = [c for c in library.clauses if not c.mandatory]
    known = {c.id for c in optional}
    choices = tuple((c.id, c.title, c.text, "/".join(c.applies_to), c.id not in excluded) for c in optional)
    return Node("clauses", EXCLUDE, "Optional clauses", value=[e for e in excluded if e not in known],
                options=choices)


def names_of(nodes: list[Node]) -> set[str]:
    """Return the form name of every node, at any depth."""
    found = set()
    for node in nodes:
        found.add(node.name)
        found |= names_of(node.children)
    return found


def parent_path(path: str) -> str:
    """Return the dotted path one level up (``partners[2].name`` -> ``partners[2]`` -> ``partners``)."""
    if _INDEX.search(path):
        return _INDEX.sub("", path)
    return path.rsplit(".", 1)[0] if "." in path else ""


_ENTRY_LABEL = re.compile(r"(\[\d+\]) \(.*?\)(?=\.|\[|$)")


def form_name(field_name: str) -> str:
    """Return a finding's field as a form name: ``partners[2] (Police).name`` -> ``partners[2].name``.

    Messages name list entries by their name so that nobody has to count; the form counts.
    """
    return _ENTRY_LABEL.sub(r"\1", field_name)


def place_problems(problems: list[Problem], nodes: list[Node]) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """Return (problems by the form name they belong beside, problems that fit no field).

    A finding names a dotted path; it goes beside that field or the nearest group holding it.
    """
    names = names_of(nodes)
    placed: dict[str, list[Problem]] = {}
    loose = []
    for problem in problems:
        path = form_name(problem.field)
        while path and path not in names:
            path = parent_path(path)
        if path:
            placed.setdefault(path, []).append(problem)
        else:
            loose.append(problem)
    return placed, loose


# --- Reading the posted form back into data ---------------------------------------------------


def read_form(form, original: Any, library: Library) -> dict:
    """Return the settings data the posted ``form`` describes, starting from ``original``.

    Fields the form left empty are left out (or kept empty when required, so the gate names
    them); values equal to a default that the file did not give are not added; keys the form
    does not know are kept as they are, so the gate reports them.
    """
    original = original if isinstance(original, dict) else {}
    wanted = {}
    order = [k for k in original] + [k for k in Settings.model_fields if k not in original]
    for key in order:
        if key not in Settings.model_fields:
            wanted[key] = original[key]
            continue
        present, value = _read(key, Settings.model_fields[key], form, key, original, library)
        if present:
            wanted[key] = value
    return wanted


def _read(key: str, info, form, path: str, original: dict, library: Library) -> tuple[bool, Any]:
    annotation, optional = _unwrap(info.annotation)
    required = info.is_required() and not optional
    inner = _list_inner(annotation)
    had = key in original
    before = original.get(key)
    if path == EXCLUDE:
        shown = form.getlist(f"{EXCLUDE}.__shown")
        included = set(form.getlist("clauses.include"))
        excluded = [cid for cid in shown if cid not in included] + form.getlist(f"{EXCLUDE}.__keep")
        return bool(excluded) or had, excluded
    if _is_model(annotation):
        sub = _read_model(annotation, form, path, before if isinstance(before, dict) else {}, library)
        # An optional block left blank is left out, rather than kept with empty required fields.
        return required or _has_content(sub), sub
    if inner is not None and _is_model(inner):
        items = []
        old = before if isinstance(before, list) else []
        for number in _item_numbers(form, path):
            marker = form.get(f"{path}[{number}].__item", "")
            origin = int(marker) if marker.isdigit() and int(marker) < len(old) else None
            item_before = old[origin] if origin is not None and isinstance(old[origin], dict) else {}
            item = _read_model(inner, form, f"{path}[{number}]", item_before, library)
            item[ORIGIN] = origin
            items.append(item)
        return bool(items) or had or required, items
    if inner is not None and key not in CHECK_OPTIONS:
        raw = form.get(path)
        if raw is None:
            return had, before
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        # An empty list the file did not have is not added, so an unchanged form writes nothing.
        return bool(lines) or had, lines
    if inner is not None:
        if f"{path}.__shown" not in form:
            return had, before
        return True, form.getlist(path)
    raw = form.get(path)
    if raw is None:
        return had, before
    raw = raw.strip()
    if raw == "":
        if required and annotation is str:
            return True, ""
        return False, None
    value = _convert(raw, annotation)
    if not had and _default(info) is not None and value == _default(info):
        return False, None
    return True, value


def _read_model(model: type[BaseModel], form, prefix: str, original: dict, library: Library) -> dict:
    out = {}
    for key in list(original) + [k for k in model.model_fields if k not in original]:
        if key == ORIGIN:
            continue
        if key not in model.model_fields:
            out[key] = original[key]
            continue
        present, value = _read(key, model.model_fields[key], form, _join(prefix, key), original, library)
        if present:
            out[key] = value
    return out


def _has_content(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_content(v) for k, v in value.items() if k != ORIGIN)
    if isinstance(value, list):
        return bool(value)
    return value not in ("", None)


def _item_numbers(form, path: str) -> list[int]:
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]\.__item$")
    return sorted({int(m.group(1)) for name in form.keys() if (m := pattern.match(name))})


def _convert(raw: str, annotation: Any) -> Any:
    if annotation is bool:
        return {"yes": True, "no": False}.get(raw, raw)
    if annotation is int and re.fullmatch(r"-?\d{1,9}", raw):
        return int(raw)
    return raw


# --- Buttons that change the form without saving --------------------------------------------


def apply_action(wanted: dict, action: str) -> dict:
    """Return ``wanted`` after an ``add:<list path>`` or ``remove:<entry path>`` button.

    Any other action leaves it as it is. Paths come from the form's own buttons and are only
    used to walk this dictionary, never the file system.
    """
    verb, _, path = action.partition(":")
    if verb not in ("add", "remove") or not path:
        return wanted
    parts = re.findall(r"[a-z_]+|\[\d+\]", path)
    index = None
    if verb == "remove":
        if not parts or not parts[-1].startswith("["):
            return wanted
        index = int(parts.pop()[1:-1]) - 1
    node: Any = wanted
    for part in parts[:-1]:
        node = node[int(part[1:-1]) - 1] if part.startswith("[") else node.setdefault(part, {})
        if not isinstance(node, (dict, list)):
            return wanted
    last = parts[-1] if parts else ""
    if not isinstance(node, dict) or last.startswith("["):
        return wanted
    entries = node.setdefault(last, [])
    if not isinstance(entries, list):
        return wanted
    if verb == "add":
        entries.append({ORIGIN: None})
    elif index is not None and 0 <= index < len(entries):
        del entries[index]
    return wanted
