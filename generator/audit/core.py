"""Audit one file: read it, recognise every requirement and section, find conflicts, name remedies.

The one function the CLI (and later the web app) calls. It reads and reports; it writes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..library.clauses import Library, load_library
from ..library.requirements import load_requirements
from .conflicts import Conflict, find_conflicts
from .patterns import Patterns, load_patterns
from .reader import read_document
from .recognise import CONFLICT, FOUND, Finding, guess_kind, recognise_requirement, recognise_section
from .remedy import Remedy, clauses_for_requirement, clauses_for_section, remedies
from .text import Text

if TYPE_CHECKING:
    from ..settings.loader import LoadedSettings

KINDS = ("mop", "isa", "annex")
KIND_NAMES = {"mop": "Operating Protocol", "isa": "Information Sharing Agreement", "annex": "Immigration Status Annex"}


@dataclass(frozen=True)
class AuditReport:
    """What an audited document covers, lacks and contradicts, and the clauses that close the gaps."""

    file: str
    document: str  # mop | isa | annex
    guessed: bool  # True when the kind was guessed from the title rather than given
    title: str
    requirements: tuple[Finding, ...]
    sections: tuple[Finding, ...]
    conflicts: tuple[Conflict, ...]
    clauses: tuple[Remedy, ...]
    marac: str = ""  # the Marac whose settings filled the clauses in, "" when none

    def gaps(self) -> tuple[Finding, ...]:
        """Return the requirements and sections that are not found in full."""
        return tuple(f for f in self.requirements + self.sections if f.status != FOUND)


def audit_file(path: Path, kind: str | None = None, loaded: LoadedSettings | None = None,
               library: Library | None = None, patterns: Patterns | None = None) -> AuditReport:
    """Return the audit of the document at ``path`` as ``kind`` (guessed from its title when None).

    Refuses (``AuditError``) a file that cannot be read as a protocol (see ``reader``);
    (``ClauseLibraryError``) a broken library, catalogue or patterns file.
    """
    library = library or load_library()
    patterns = patterns or load_patterns()
    catalogue = load_requirements()
    document = read_document(Path(path))
    text = Text(document, patterns)
    guessed = kind is None
    if kind is None:
        kind = guess_kind(document.title, text, patterns) or "mop"
    conflicts = find_conflicts(text, patterns)
    conflicted = {c.id for c in conflicts}

    summaries = catalogue.by_id()
    if kind == "annex":
        covered = {gid for clause in library.clauses if "annex" in clause.applies_to for gid in clause.covers}
        wanted = [r for r in catalogue.requirements if r.id in covered]
    else:
        wanted = list(catalogue.for_document(kind))
    findings = []
    for requirement in wanted:
        finding = recognise_requirement(text, patterns.requirements[requirement.id], summaries[requirement.id].summary)
        if requirement.id in conflicted:
            finding = dataclasses.replace(finding, status=CONFLICT)
        if finding.status != FOUND:
            ids = tuple(c.id for c in clauses_for_requirement(library, kind, requirement.id))
            finding = dataclasses.replace(finding, clauses=ids)
        findings.append(finding)
    sections = []
    for rule in patterns.sections.values():
        if kind not in rule.documents:
            continue
        finding = recognise_section(text, rule)
        if finding.status != FOUND:
            finding = dataclasses.replace(finding, clauses=tuple(c.id for c in clauses_for_section(library, kind, rule.library)))
        sections.append(finding)
    needed = [cid for f in findings + sections for cid in f.clauses]
    return AuditReport(file=str(path), document=kind, guessed=guessed, title=document.title,
                       requirements=tuple(findings), sections=tuple(sections), conflicts=tuple(conflicts),
                       clauses=tuple(remedies(library, kind, needed, loaded)),
                       marac=loaded.settings.marac.name if loaded is not None else "")
