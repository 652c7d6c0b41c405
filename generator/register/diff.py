"""``marac diff``: compare two editions of a document (or an edition and the current text).

Each side is a document model: an issued edition's is read from the JSON archived when it was
issued (``editions/<doc>-<version>.json``), so an old edition compares correctly after the
clause library has changed; ``current`` is assembled from today's settings and library. The
comparison itself is ``document.compare``; the writers render its redline. No writer here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..document.archive import clause_anchor_ids, document_from_json
from ..document.compare import Comparison, compare
from ..document.model import Document
from ..errors import RegisterError
from ..library.clauses import Library
from ..settings.loader import LoadedSettings
from .editions import Edition, load_editions, model_archive_path
from .store import DOCUMENT_NAMES, DOCUMENTS, display_path

CURRENT = "current"


@dataclass(frozen=True)
class DiffResult:
    """A comparison with the labels of its two sides and the day its changes are dated."""

    document: str
    from_label: str  # "2.0"
    to_label: str  # "2.1" or "current"
    comparison: Comparison
    changed_on: dt.date  # the "to" edition's issue date (today for the current text)

    @property
    def summary_text(self) -> str:
        """Return the plain summary by clause."""
        old = f"version {self.from_label}"
        new = "the current text" if self.to_label == CURRENT else f"version {self.to_label}"
        return self.comparison.summary(old, new)

    def file_name(self, slug: str, extension: str) -> str:
        """Return ``<slug>-<doc>-<from>-to-<to><extension>``."""
        return f"{slug}-{self.document}-{self.from_label}-to-{self.to_label}{extension}"


def compare_editions(loaded: LoadedSettings, library: Library, document: str, from_version: str | None = None,
                     to_version: str | None = None, today: dt.date | None = None) -> DiffResult:
    """Return the comparison of ``from_version`` with ``to_version`` (a version or ``current``).

    Defaults: ``to`` is the current text; ``from`` is the latest edition before ``to`` (when the
    current text is the latest edition, the one before it). Refuses (``RegisterError``) an
    unknown document or version, too few editions to compare, and an edition issued before
    document models were archived.
    """
    if document not in DOCUMENTS:
        raise RegisterError(f"'{document}' cannot be compared; choose mop, isa or annex")
    name = DOCUMENT_NAMES[document]
    folder = loaded.folder
    editions = [e for e in load_editions(folder, loaded.settings.g03_confirmed_names) if e.document == document]
    hint = display_path(folder)
    if not editions:
        raise RegisterError(f"the {name} has no issued edition, so there is nothing to compare with. "
                            f"Issue one first: marac issue {hint} --doc {document} --version VERSION")
    to_label = to_version or CURRENT
    if to_label == CURRENT:
        new, new_versions = _current(loaded, library, document)
        changed_on = today or dt.date.today()
        # When today's text is the latest edition, "what changed" means since the edition before it.
        before = editions[:-1] if editions[-1].fingerprint == new.meta.fingerprint else editions
    else:
        target = _find(editions, to_label, name, hint)
        new, new_versions = _archived(folder, target, name)
        changed_on = target.issued
        before = editions[:editions.index(target)]
    if from_version is None:
        if not before:
            raise RegisterError(f"there is no earlier edition of the {name} to compare {_side(to_label)} with; "
                                f"give --from VERSION (issued: {', '.join(e.version for e in editions)})")
        source = before[-1]
    else:
        source = _find(editions, from_version, name, hint)
    old, old_versions = _archived(folder, source, name)
    heading = (f"Changes to the {name} of {loaded.settings.marac.name} from version {source.version} to "
               f"{_side(to_label)}: deletions struck through, insertions underlined. Not for signature.")
    comparison = compare(old, new, old_versions, new_versions, heading)
    return DiffResult(document, source.version, to_label, comparison, changed_on)


def _side(label: str) -> str:
    return "the current text" if label == CURRENT else f"version {label}"


def _find(editions: list[Edition], version: str, name: str, hint: str) -> Edition:
    found = next((e for e in editions if e.version == version), None)
    if found is None:
        raise RegisterError(f"the {name} has no issued edition {version}; issued: "
                            f"{', '.join(e.version for e in editions)} (or use --to current)")
    return found


def _archived(folder, edition: Edition, name: str) -> tuple[Document, dict[str, int]]:
    path = model_archive_path(folder, edition)
    if path is None or not path.is_file():
        raise RegisterError(
            f"edition {edition.version} of the {name} has no archived document model "
            f"({display_path(path) if path else 'it was issued before models were archived'}), so it cannot be "
            "compared word by word; its exact text is in " + edition.file)
    try:
        return document_from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegisterError(f"{display_path(path)}: {exc}; restore it from your backup") from None


def _current(loaded: LoadedSettings, library: Library, document: str) -> tuple[Document, dict[str, int]]:
    from ..document.assemble import assemble

    if document == "annex" and loaded.settings.documents.annex is None:
        raise RegisterError("the annex has no version of its own in marac.yaml (documents.annex), so it has "
                            "no editions to compare")
    text = assemble(loaded, library, document)
    versions = {c.id: c.version for c in library.clauses}
    return text, {cid: versions[cid] for cid in clause_anchor_ids(text) if cid in versions}
