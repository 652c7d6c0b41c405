"""The requirement catalogue: G01-G24 from ``clauses/requirements.yaml``, in the project's words.

Read by the library's coverage check and tests, ``marac clauses`` and ``marac audit``. The
guidance itself is never read at run time: a user's installation has only this catalogue.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ClauseLibraryError, Problem
from ..resources import data_dir
from ..settings.yaml_source import YamlReadError, dotted_path, read_yaml

REQUIREMENTS_FILE = "requirements.yaml"
GID = Annotated[str, Field(pattern=r"^G(0[1-9]|1[0-9]|2[0-4])$")]


class Requirement(BaseModel):
    """One requirement of the guidance: id, our one-line summary, where it must be met."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: GID
    summary: str = Field(min_length=10)
    documents: tuple[Literal["mop", "isa"], ...] = Field(min_length=1)
    section: str
    mandatory: bool = False
    tool: bool = False  # also enforced as a rule by the tool, not only in the text


class Catalogue(BaseModel):
    """The whole catalogue: its version, the guidance it summarises, and every requirement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    source: str
    requirements: tuple[Requirement, ...]

    def by_id(self) -> dict[str, Requirement]:
        """Return the requirements keyed by G-id."""
        return {r.id: r for r in self.requirements}

    def for_document(self, kind: str) -> tuple[Requirement, ...]:
        """Return the requirements a document of ``kind`` (mop, isa) must meet, in id order."""
        return tuple(r for r in self.requirements if kind in r.documents)


def load_requirements(folder: Path | None = None) -> Catalogue:
    """Return the catalogue in ``folder`` (default: the shipped clause library), cached.

    Refuses (``ClauseLibraryError``) a file that is unreadable, has unknown keys, or does not
    list G01-G24 exactly once each.
    """
    return _load(Path(folder or data_dir("clauses")).resolve() / REQUIREMENTS_FILE)


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Catalogue:
    try:
        source = read_yaml(path, path.name)
    except YamlReadError as exc:
        raise ClauseLibraryError([exc.problem], heading="The requirement catalogue is broken:") from None
    try:
        catalogue = Catalogue.model_validate(source.data)
    except ValidationError as exc:
        problems = [Problem(path.name, source.line_of(e["loc"]), dotted_path(e["loc"]), e["msg"])
                    for e in exc.errors()]
        raise ClauseLibraryError(problems, heading="The requirement catalogue is broken:") from None
    ids = [r.id for r in catalogue.requirements]
    expected = [f"G{n:02d}" for n in range(1, 25)]
    if ids != expected:
        raise ClauseLibraryError([Problem(path.name, None, "requirements",
                                          f"must list {expected[0]}-{expected[-1]} once each, in order")],
                                 heading="The requirement catalogue is broken:")
    return catalogue
