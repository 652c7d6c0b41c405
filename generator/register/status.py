"""Signature status per document: the issued edition, who signed it, who has not, review due.

Every current partner appears in exactly one of ``signed`` (signed the current edition),
``stale`` (signed only an older edition) and ``unsigned``. Signatures of agencies that are no
longer partners do not count. An edition is in force when every current partner has signed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..library.clauses import Library
from ..settings.loader import LoadedSettings
from ..dates import add_months, long_date
from ..settings.schema import DOCUMENT_KEYS
from .editions import Edition, current_edition, load_editions
from .ledger import Signature, agency_key, load_ledger
from .current_text import current_text
from .schedule_revisions import record_path, revision_dates
from .store import display_path


@dataclass(frozen=True)
class StaleSignature:
    """A partner whose only signature is on an older edition."""

    agency: str
    signature: Signature

    @property
    def version(self) -> str:
        """Return the version of the older edition it signed."""
        return self.signature.version


@dataclass(frozen=True)
class DocumentStatus:
    """The signature status of one document."""

    document: str
    title: str
    file_stem: str
    edition: Edition | None
    signed: tuple[Signature, ...]
    unsigned: tuple[str, ...]
    stale: tuple[StaleSignature, ...]
    review_due: dt.date
    settings_version: str
    current_fingerprint: str | None  # None when nothing is issued (the text is then not assembled)
    schedules: tuple[tuple[str, str], ...] = ()  # (schedule id, ISO date it was last revised)

    @property
    def in_force(self) -> bool:
        """Return True when an edition is issued and every current partner has signed it."""
        return self.edition is not None and not self.unsigned and not self.stale

    @property
    def current_text_matches(self) -> bool | None:
        """Return whether today's text is the issued edition's (None when nothing is issued)."""
        return None if self.edition is None else self.edition.fingerprint == self.current_fingerprint

    def to_json(self) -> dict:
        """Return the document's status in the stable JSON shape (see README)."""
        edition = self.edition
        return {
            "document": self.document,
            "version": edition.version if edition else None,
            "fingerprint": edition.fingerprint if edition else None,
            "issued": edition.issued.isoformat() if edition else None,
            "in_force": self.in_force,
            "signed": [{"agency": s.agency, "name": s.name, "role": s.role, "date": s.date.isoformat(),
                        "method": s.method} for s in self.signed],
            "unsigned": list(self.unsigned),
            "stale": [s.agency for s in self.stale],
            "review_due": self.review_due.isoformat(),
            "current_text_matches": self.current_text_matches,
            "schedules": [{"schedule": name, "title": _schedule_title(name), "revised": revised}
                          for name, revised in self.schedules],
        }


@dataclass(frozen=True)
class MaracStatus:
    """The signature status of one Marac's MOP and ISA."""

    marac: str
    slug: str
    folder: str
    documents: tuple[DocumentStatus, ...]

    def to_json(self) -> dict:
        """Return ``{"marac": ..., "documents": [...]}``, the stable JSON shape (see README)."""
        return {"marac": self.marac, "documents": [d.to_json() for d in self.documents]}


def marac_status(loaded: LoadedSettings, library: Library) -> MaracStatus:
    """Return the status of the Marac's MOP and ISA from its editions, ledger and settings.

    Refuses (``RegisterError`` with line numbers) a damaged editions index or ledger.
    """
    confirmed = loaded.settings.g03_confirmed_names
    editions = load_editions(loaded.folder, confirmed)
    signatures = load_ledger(loaded.folder, confirmed)
    kinds = loaded.settings.documents.signed_kinds()  # the annex only when marac.yaml gives it a version
    documents = tuple(_document_status(loaded, library, kind, editions, signatures) for kind in kinds)
    settings = loaded.settings
    return MaracStatus(settings.marac.name, settings.slug, display_path(loaded.folder), documents)


def _document_status(loaded: LoadedSettings, library: Library, kind: str, editions: list[Edition],
                     signatures: list[Signature]) -> DocumentStatus:
    settings = loaded.settings
    edition = current_edition(editions, kind)
    older = {e.fingerprint for e in editions if e.document == kind and e != edition}
    signed, unsigned, stale = [], [], []
    for partner in settings.partners:
        theirs = [s for s in signatures if s.document == kind and agency_key(s.agency) == agency_key(partner.name)]
        current = next((s for s in theirs if edition is not None and s.fingerprint == edition.fingerprint), None)
        previous = [s for s in theirs if s.fingerprint in older]
        if current is not None:
            signed.append(current)
        elif previous:
            stale.append(StaleSignature(partner.name, previous[-1]))
        else:
            unsigned.append(partner.name)
    dates = settings.documents.of(kind)
    outline = library.documents[kind]
    if edition is None and not record_path(loaded.folder).parent.is_dir():
        # Nothing issued and no register yet: there is no edition to compare the text with and no
        # schedule record, so the document is not assembled (the dashboard lists hundreds).
        current_fingerprint, revised = None, {}
    else:
        text = current_text(loaded, library, kind)  # assembled, or remembered from the same inputs
        current_fingerprint, revised = text.fingerprint, revision_dates(loaded.folder, text.schedules)
    return DocumentStatus(
        document=kind, title=outline.title, file_stem=outline.file_stem, edition=edition,
        signed=tuple(signed), unsigned=tuple(unsigned), stale=tuple(stale),
        review_due=add_months(dates.last_reviewed, dates.review_interval_months),
        settings_version=dates.version,
        current_fingerprint=current_fingerprint, schedules=tuple(revised.items()))


def _schedule_title(name: str) -> str:
    from ..document.schedule_names import TITLES  # plain data: not the schedules' builder

    return TITLES.get(name, name)


def format_table(status: MaracStatus) -> str:
    """Return the status as text a coordinator reads: one block per document."""
    lines = [status.marac]
    for doc in status.documents:
        lines += [""] + _document_lines(doc, status.folder)
    return "\n".join(lines) + "\n"


def _document_lines(doc: DocumentStatus, folder: str) -> list[str]:
    lines = [f"{doc.title} ({doc.document})"]
    total = len(doc.signed) + len(doc.unsigned) + len(doc.stale)
    edition = doc.edition
    if edition is None:
        lines += [
            "  Edition:   not issued",
            "  NOT IN FORCE: no edition has been issued for partners to sign.",
            f"  To issue it: marac issue {folder} --doc {doc.document} --version {doc.settings_version}",
        ]
    else:
        lines += [
            f"  Edition:   version {edition.version}, issued {long_date(edition.issued)}",
            f"  Fingerprint: {edition.fingerprint}",
        ]
        if doc.in_force:
            lines.append(f"  IN FORCE: all {total} partner agencies have signed this edition.")
        else:
            lines.append(f"  NOT IN FORCE: {len(doc.signed)} of {total} partner agencies have signed this edition.")
        if not doc.current_text_matches:
            lines.append(
                f"  The current text differs from issued edition {edition.version} (fingerprint now "
                f"{doc.current_fingerprint[:12]}, issued {edition.fingerprint[:12]}): marac.yaml or the clause "
                "library changed since it was issued. Partners signed the issued text. If the change is meant "
                f"to be adopted, {_reissue_hint(doc, edition, folder)}")
    lines.append(f"  Signed ({len(doc.signed)}):" if doc.signed else "  Signed: none yet")
    for s in doc.signed:
        lines.append(f"    {s.agency}: {s.name}, {s.role}, signed {long_date(s.date)} ({s.method})")
    if doc.unsigned:
        lines.append(f"  Not signed ({len(doc.unsigned)}):")
        lines += [f"    {agency}" for agency in doc.unsigned]
    if doc.stale:
        lines.append(f"  Signed an older edition only, must sign again ({len(doc.stale)}):")
        for s in doc.stale:
            lines.append(f"    {s.agency}: signed edition {s.version} on {long_date(s.signature.date)}")
    lines.append(f"  Review due: {long_date(doc.review_due)}")
    if doc.schedules:
        lines.append("  Schedules (not signed; a change never asks partners to sign again):")
        lines += [f"    {_schedule_title(name)}: revised {long_date(dt.date.fromisoformat(revised))}" for name, revised in doc.schedules]
    return lines


def _reissue_hint(doc: DocumentStatus, edition: Edition, folder: str) -> str:
    command = f"marac issue {folder} --doc {doc.document} --version"
    if doc.settings_version != edition.version:
        return f"issue the version marac.yaml now gives: {command} {doc.settings_version}"
    parts = edition.version.split(".")
    following = ".".join(parts[:-1] + [str(int(parts[-1]) + 1)]) if len(parts) > 1 else f"{edition.version}.1"
    field = f"documents.{DOCUMENT_KEYS[doc.document]}.version"
    return f'set {field}: "{following}" in marac.yaml, then issue a new version: {command} {following}'


def outstanding_signatures(loaded: LoadedSettings, library: Library) -> dict[str, list[str]]:
    """Return, per issued document, the partners that have not signed its current edition.

    Stale signers (an older edition only) count as outstanding. A document with no issued
    edition is left out: there is nothing yet for partners to sign. Refuses
    (``RegisterError``) a damaged ledger or editions index, as ``marac_status`` does.
    """
    return {
        document.document: [*document.unsigned, *(stale.agency for stale in document.stale)]
        for document in marac_status(loaded, library).documents
        if document.edition is not None and (document.unsigned or document.stale)
    }
