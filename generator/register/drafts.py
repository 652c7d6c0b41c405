"""The register's view of a document: draft or issued, schedule revision dates, version history.

``register_view`` is the one function the build path calls between assembling a document and
rendering it: it sets ``meta.draft`` (the text is not the issued edition of its version) and
``meta.issued``, dates each schedule, and appends the version history schedule built from the
editions held. Writers read only the model, so they stay free of the register.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from ..dates import long_date
from ..document.model import Document, Paragraph, Run, Table
from ..document.schedules import schedule_heading, schedule_sections, with_revision_dates
from ..library.typography import typographic_quotes
from ..settings.loader import LoadedSettings
from .editions import Edition, index_path, load_editions, refuse_g03_editions
from .schedule_revisions import schedule_revisions
from .store import DOCUMENT_NAMES


def issued_edition_of(document: Document, editions: list[Edition]) -> Edition | None:
    """Return the issued edition with ``document``'s kind and version, or None."""
    return next((e for e in editions if e.document == document.meta.kind and e.version == document.meta.version), None)


def draft_notice(document: Document, editions: list[Edition], folder: str = "CONFIG") -> str | None:
    """Return why ``document`` is a draft (its text is not the issued edition of its version), or None."""
    kind, version = document.meta.kind, document.meta.version
    name = DOCUMENT_NAMES.get(kind, kind)
    if kind == "annex" and " / " in version:
        return ("the annex has no version of its own in marac.yaml, so it is never an issued edition and is marked "
                "DRAFT. To issue it for signature, add documents.annex (version, adopted, last_reviewed)")
    same = issued_edition_of(document, editions)
    if same is None:
        return (f"{name} version {version} has not been issued, so it is marked DRAFT. When it is ready for "
                f"partners: marac issue {folder} --doc {kind} --version {version}")
    if same.fingerprint != document.meta.fingerprint:
        return (f"the text of the {name} differs from issued edition {version} ({long_date(same.issued)}, "
                f"fingerprint {same.fingerprint[:12]}; now {document.meta.fingerprint[:12]}), so it is marked DRAFT. "
                f"Partners signed the issued text; see what changed with marac diff {folder} --doc {kind} --to current")
    return None


def register_view(loaded: LoadedSettings, document: Document, today: dt.date | None = None,
                  editions: list[Edition] | None = None, record: bool = True) -> Document:
    """Return ``document`` as the register sees it: draft/issued meta, dated schedules, version history.

    ``editions`` defaults to those held in the Marac's folder; ``record`` records schedules
    whose content is new (see ``schedule_revisions``). Refuses (``RegisterError``) a damaged
    editions index or schedule record.
    """
    folder = loaded.folder
    confirmed = loaded.settings.g03_confirmed_names
    if editions is None:
        editions = load_editions(folder, confirmed)
    else:  # read without the settings, perhaps: an unsure approving body is refused unless confirmed
        refuse_g03_editions(index_path(folder), ((e, None) for e in editions), confirmed)
    same = issued_edition_of(document, editions)
    issued = same is not None and same.fingerprint == document.meta.fingerprint
    meta = dataclasses.replace(document.meta, draft=not issued, issued=same.issued.isoformat() if issued else "")
    document = dataclasses.replace(document, meta=meta)
    revised = schedule_revisions(folder, document, today, record=record)
    document = with_history(document, editions)
    mine = [e for e in editions if e.document == meta.kind]
    if mine:
        revised["history"] = max(e.issued for e in mine).isoformat()
    return with_revision_dates(document, revised)


def with_history(document: Document, editions: list[Edition]) -> Document:
    """Return ``document`` with the version history schedule (from ``editions``) appended last."""
    kind = document.meta.kind
    mine = [e for e in editions if e.document == kind]
    number = len(schedule_sections(document)) + 1
    blocks = list(schedule_heading(number, "history"))
    # The summary and approver are typed at `marac issue`: apostrophes as in the rest of the text.
    rows = [(e.version, long_date(e.issued), typographic_quotes(e.summary or "-"),
             typographic_quotes(e.approved_by or "-")) for e in mine]
    if document.meta.draft:
        rows.append((document.meta.version, "not issued (draft)", "-", "-"))
    if rows:
        blocks.append(Table(header=("Version", "Issued", "Summary of changes", "Approved by"), rows=tuple(rows),
                            style="versions", widths=(0.12, 0.2, 0.45, 0.23)))
    else:
        blocks.append(Paragraph((Run("No edition has been issued yet."),)))
    return dataclasses.replace(document, schedules=document.schedules + tuple(blocks))


def issued_text_warnings(loaded: LoadedSettings, library) -> list[str]:
    """Return one warning per signed document whose text differs from the issued edition of the
    same version (a version not yet issued is no warning: it is a draft on its way)."""
    from ..document.assemble import assemble
    from .store import display_path

    editions = load_editions(loaded.folder, loaded.settings.g03_confirmed_names)
    warnings = []
    for kind in loaded.settings.documents.signed_kinds():
        document = assemble(loaded, library, kind)
        same = issued_edition_of(document, editions)
        if same is not None and same.fingerprint != document.meta.fingerprint:
            warnings.append(draft_notice(document, editions, display_path(loaded.folder)))
    return warnings
