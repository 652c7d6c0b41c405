"""The clause library: ``clauses/library.yaml`` (index) and the clause files beside it.

Returns frozen ``Clause`` objects and the document outlines. A broken library is our
bug, not the coordinator's, but it is still reported as file:line: field: message.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..atomic import UnreadableFile, read_bounded
from ..errors import ClauseLibraryError, Problem
from ..resources import data_dir
from ..settings import cache as parse_cache
from ..settings.yaml_source import MAX_BYTES, YamlReadError, dotted_path, read_yaml

DocKind = Literal["mop", "isa", "annex"]
DOC_KINDS: tuple[str, ...] = ("mop", "isa", "annex")
GID = Annotated[str, Field(pattern=r"^G(0[1-9]|1[0-9]|2[0-4])$")]
INDEX_FILE = "library.yaml"
NOT_CLAUSES = {INDEX_FILE, "requirements.yaml"}  # the index and the requirement catalogue
# Where a clause's law may be checked: the official text or the regulator, never a commentary.
SOURCE_HOSTS = ("legislation.gov.uk", "ico.org.uk", "safelives.org.uk", "gov.uk", "gov.wales",
                "justiceinspectorates.gov.uk", "echr.coe.int")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the law or guidance a clause states can be read: the exact citation and its address."""

    citation: str = Field(min_length=3)
    url: str

    @field_validator("url")
    @classmethod
    def _official(cls, url: str) -> str:
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower()
        if parsed.scheme != "https" or not any(host == h or host.endswith("." + h) for h in SOURCE_HOSTS):
            raise ValueError(f"must be an https address on one of {', '.join(SOURCE_HOSTS)}")
        return url


class Clause(_Strict):
    """One clause: a titled piece of text for one section of one or more documents."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$")]
    version: int = Field(ge=1)
    title: str
    section: str
    applies_to: tuple[DocKind, ...] = Field(min_length=1)
    mandatory: bool = False
    covers: tuple[GID, ...] = ()
    when: str | None = None
    text: str
    sources: tuple[Source, ...] = ()  # every clause that states law names where to check it
    local: bool = False  # added by a Marac's own settings, not from the library


class _ClauseFile(_Strict):
    clauses: list[Clause] = Field(min_length=1)


class DocumentOutline(_Strict):
    title: str
    file_stem: str
    sections: tuple[str, ...]


class SectionInfo(_Strict):
    title: str


class _Index(_Strict):
    library_version: str
    documents: dict[DocKind, DocumentOutline]
    sections: dict[str, SectionInfo]


@dataclass(frozen=True)
class Library:
    """The whole clause library: version, outlines of each document, and every clause."""

    version: str
    documents: dict[str, DocumentOutline]
    sections: dict[str, SectionInfo]
    clauses: tuple[Clause, ...]

    def by_id(self) -> dict[str, Clause]:
        """Return the clauses keyed by id."""
        return {clause.id: clause for clause in self.clauses}

    def mandatory_ids(self) -> set[str]:
        """Return the ids of clauses a Marac may not exclude."""
        return {clause.id for clause in self.clauses if clause.mandatory}

    def cited_sources(self) -> list[tuple[str, str, str]]:
        """Return (clause id, citation, url) for every source, in library order (``clauses --sources``)."""
        return [(clause.id, source.citation, source.url) for clause in self.clauses for source in clause.sources]


def load_library(folder: Path | None = None) -> Library:
    """Return the clause library in ``folder`` (default: the shipped one), cached per folder.

    Refuses (``ClauseLibraryError``) unreadable files, unknown keys, duplicate ids, and
    clauses whose section is not in every document they apply to.
    """
    return _load_library(Path(folder or data_dir("clauses")).resolve())


@functools.lru_cache(maxsize=8)
def _load_library(folder: Path) -> Library:
    problems: list[Problem] = []
    index = _read_index(folder / INDEX_FILE, problems)
    clauses: list[Clause] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name not in NOT_CLAUSES:
            clauses.extend(_read_clause_file(path, problems))
    if index is not None:
        problems.extend(_cross_check(index, clauses, folder))
    if problems:
        raise ClauseLibraryError(problems, heading="The clause library is broken:")
    assert index is not None
    return Library(index.library_version, dict(index.documents), dict(index.sections), tuple(clauses))


def _read_index(path: Path, problems: list[Problem]) -> _Index | None:
    return _read_validated(path, _Index, problems)


def _read_clause_file(path: Path, problems: list[Problem]) -> list[Clause]:
    clause_file = _read_validated(path, _ClauseFile, problems)
    return clause_file.clauses if clause_file is not None else []


def _read_validated(path: Path, model: type[_Strict], problems: list[Problem]):
    """Return the file at ``path`` validated as ``model``, or None with its problems added.

    The parse comes from the parse cache when these exact bytes parsed and validated before (a
    library file is read by every command; PyYAML is the slow part); pydantic validates every
    hit again, so a cached entry can never let a broken file through."""
    try:
        raw = read_bounded(path, MAX_BYTES)
    except UnreadableFile:
        raw = None  # read_yaml words the refusal
    hit = parse_cache.validated(raw, model)
    if hit is not None:
        return hit[0]
    try:
        source = read_yaml(path, path.name, raw=raw)
        validated = model.model_validate(source.data)
    except YamlReadError as exc:
        problems.append(exc.problem)
        return None
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(path.name, source.line_of(err["loc"]), dotted_path(err["loc"]), err["msg"]))
        return None
    if raw is not None:
        parse_cache.store(raw, source.data, source.lines)
    return validated


def _cross_check(index: _Index, clauses: list[Clause], folder: Path) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for clause in clauses:
        where = f"{folder.name}/ clause {clause.id}"
        if clause.id in seen:
            problems.append(Problem(where, None, "id", "is used by two clauses; ids must be unique"))
        seen.add(clause.id)
        for kind in clause.applies_to:
            if clause.section not in index.documents[kind].sections:
                problems.append(Problem(where, None, "section", (
                    f"'{clause.section}' is not a section of the {kind} in {INDEX_FILE}")))
    for kind, outline in index.documents.items():
        for section in outline.sections:
            if section not in index.sections:
                problems.append(Problem(INDEX_FILE, None, f"documents.{kind}.sections",
                                        f"'{section}' has no entry under sections:"))
    return problems
