"""Markers for settings fields that name a recipient, an attendee or a signatory (guidance G03).

A field of the schema that names a person, a body or an address someone sends Marac papers to
carries one of these markers in its type (``RecipientName`` and friends in ``schema.py``), and
``recipient_values`` walks validated settings by the schema, so the Immigration Enforcement
check follows the schema: a new field of such a type is checked without anyone remembering to.
A test walks the schema and fails on a text field whose name suggests a person, body or
address but that carries no marker.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class RecipientField:
    """How the G03 check reads a marked field: ``name``, ``role``, ``email``, ``url`` or ``text``
    (free text a partner reads, checked for core names only)."""

    kind: str


NAME = RecipientField("name")
ROLE = RecipientField("role")
EMAIL = RecipientField("email")
URL = RecipientField("url")
TEXT = RecipientField("text")
# A field that names a clause of the library and is never printed (``clauses.exclude``): not read.
UNPRINTED = RecipientField("unprinted")


def marker_of(annotation: typing.Any) -> RecipientField | None:
    """Return the marker in a field's type (through ``X | None`` and ``list[X]``), or None."""
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, RecipientField):
                return extra
        return marker_of(typing.get_args(annotation)[0])
    for argument in typing.get_args(annotation):
        found = marker_of(argument)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=None)
def marked_fields(model: type[BaseModel]) -> tuple[tuple[str, RecipientField | None], ...]:
    """Return (field name, marker or None) for each field of ``model``, in schema order."""
    out = []
    for name, info in model.model_fields.items():
        marker = None
        for extra in info.metadata:
            if isinstance(extra, RecipientField):
                marker = extra
        out.append((name, marker or marker_of(info.annotation)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _plan(model: type[BaseModel]) -> tuple[tuple[str, RecipientField | None], ...]:
    """Return the fields of ``model`` to visit, each with its marker; a field with none is read
    as free text (``TEXT``). Every text a document can print is checked: a field nobody marked
    (the Marac's area, its meeting day, a phone number) once printed "Immigration Enforcement
    attend" unchecked."""
    return tuple((name, marker or TEXT) for name, marker in marked_fields(model) if marker is not UNPRINTED)


def recipient_values(model: BaseModel, location: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """Yield (location, value, kind) for every marked field's value in validated settings.

    ``location`` is the dotted path as a tuple (``("partners", 2, "signatory", "name")``), the
    form the YAML line map takes. Lists and nested blocks are walked; empty values are skipped.
    """
    for name, marker in _plan(type(model)):
        value = getattr(model, name)
        yield from _walk(value, (*location, name), marker)


def _walk(value: typing.Any, location: tuple, marker: RecipientField | None):
    if value is None:
        return
    if isinstance(value, BaseModel):
        yield from recipient_values(value, location)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, (*location, index), marker)
    elif isinstance(value, str) and marker is not None and value:
        yield location, value, marker.kind
