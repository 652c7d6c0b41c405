"""Import a digitally signed copy of an issued MOP, ISA or annex: find its edition, verify, record.

For one file (``import_signed_copy``): read the edition fingerprint and Marac slug from the
PDF's document info, find that edition among this Marac's issued editions (or, failing that,
the edition whose archived PDF the file begins with), insist it is the edition awaiting
signature, verify every signature (``signed_pdf.verify_signed_copy``), map each signed field
(``sig-<agency-slug>``) to its partner, and record each new signature in the ledger as
method ``digital`` with the signer's certificate subject and the file's SHA-256 as evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..document.assemble import signature_anchor
from ..settings.loader import LoadedSettings
from ..dates import long_date
from ..atomic import UnreadableFile, read_bounded
from ..errors import RegisterError
from ..register.editions import Edition, current_edition, load_editions, pdf_archive_path
from ..register.ledger import Signature, agency_key, load_ledger, record_signature
from ..register.store import DOCUMENT_NAMES, display_path

if TYPE_CHECKING:
    from .verify import VerifiedSignature

MAX_BYTES = 100 * 1024 * 1024
# What one signature may add to a PDF: its incremental update, the signature with its certificate
# chain, timestamp and revocation data. Real ones are tens of kilobytes.
SIGNATURE_ALLOWANCE = 2 * 1024 * 1024
LOCAL_TIME = ZoneInfo("Europe/London")  # a signing time becomes the date in England and Wales
NO_ROLE = "not stated in the certificate"


@dataclass
class ImportOutcome:
    """What happened to one file: its edition, the signatures recorded, skipped and refused."""

    path: Path
    edition: Edition
    recorded: list[Signature] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # agencies whose signature here was recorded before
    refused: list[str] = field(default_factory=list)  # one message per signature not recorded
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Trust:
    """The trust roots a signer's certificate must chain to, and the file they came from."""

    roots: list
    name: str


def import_signed_copy(loaded: LoadedSettings, path: Path, trust: Trust | None = None,
                       today: dt.date | None = None) -> ImportOutcome:
    """Verify one signed PDF and record its new signatures; return what was done.

    Refuses the whole file (``RegisterError``, saying why and what to do): a file that cannot
    be read, a PDF of another Marac or of no issued edition, an older edition than the one
    awaiting signature, an edition with no archived PDF, a tampered file, a PDF with no
    signatures, any signature that fails verification, and a file whose signatures are all
    recorded already. A signature in a field that is no current partner's, or that the ledger
    refuses, is listed in ``refused`` while the others are still recorded.
    """
    folder = loaded.folder
    settings = loaded.settings
    data = _read(path, _size_limit(load_editions(folder), folder, len(settings.partners)))
    _check_shape(data)
    # pyHanko only now: importing it costs more than the checks above, which refuse junk unparsed.
    from .verify import read_identity, verify_signed_copy

    identity = read_identity(data)
    if identity.marac and identity.marac != settings.slug:
        raise RegisterError(f"this is a PDF of another Marac ('{identity.marac}'), not of {settings.marac.name} "
                            f"('{settings.slug}'); import it with that Marac's folder")
    editions = load_editions(folder)
    edition = _find_edition(editions, identity.edition, data, folder)
    if edition is None:
        reference = f"edition reference {identity.edition[:12]}" if identity.edition else "no edition reference"
        raise RegisterError(
            f"this PDF is not from {settings.marac.name}'s issued editions ({reference}). Only an issued "
            "edition of the MOP, ISA or annex is signed: send partners the PDF that marac issue archived in "
            f"{display_path(folder / 'editions')}/")
    name = DOCUMENT_NAMES[edition.document]
    current = current_edition(editions, edition.document)
    if current is not None and current.fingerprint != edition.fingerprint:
        raise RegisterError(
            f"this is edition {edition.version} of the {name} (issued {long_date(edition.issued)}), which has been "
            f"replaced; partners must sign edition {current.version}, issued on {long_date(current.issued)}. Send "
            f"the agency {display_path(pdf_archive_path(folder, current))} and ask it to sign that.")
    archive = pdf_archive_path(folder, edition)
    if not archive.is_file():
        raise RegisterError(
            f"edition {edition.version} of the {name} has no archived PDF ({display_path(archive)}), so a signed "
            "copy cannot be checked against what was issued. If marac.yaml still gives that text, archive it with "
            f"marac issue {display_path(folder)} --doc {edition.document} --version {edition.version}")
    verified = verify_signed_copy(data, archive.read_bytes(), trust.roots if trust else None,
                                  trust.name if trust else "", issued_name=display_path(archive))
    outcome = ImportOutcome(path=path, edition=edition)
    _record(loaded, edition, verified, path, hashlib.sha256(data).hexdigest(), outcome, today)
    if not outcome.recorded and not outcome.refused:
        raise RegisterError(
            f"every signature in this file is recorded already ({', '.join(outcome.already)}), so nothing "
            "was recorded; it may have been imported before. `marac status` shows who has signed.")
    return outcome


def _read(path: Path, limit: int) -> bytes:
    """Return the file's bytes; refuse a missing file, a folder, a device or pipe, or one over ``limit``.

    The limit is enforced while reading, so a padded file costs at most ``limit`` bytes of memory.
    """
    try:
        return read_bounded(path, limit)
    except UnreadableFile as exc:
        if exc.too_large:
            size = path.stat().st_size / 1048576
            raise RegisterError(
                f"is {size:.1f} MB, more than any issued edition with a signature from every partner could be (at "
                f"most {limit / 1048576:.1f} MB), so it was not opened: it has been padded or something else was "
                "added. Ask the agency for the signed PDF exactly as their PDF program saved it.") from None
        reason = "does not exist; check the path" if exc.reason.startswith("file not found") else exc.reason
        raise RegisterError(reason) from None


def _size_limit(editions: list[Edition], folder: Path, partners: int) -> int:
    """Return the most bytes a signed copy of this Marac's editions can hold (MAX_BYTES at most).

    A signed copy is the issued PDF followed by one incremental update per signature: at most the
    largest archived edition plus a generous allowance per partner.
    """
    sizes = [archive.stat().st_size for archive in (pdf_archive_path(folder, e) for e in editions)
             if archive.is_file()]
    if not sizes:
        return MAX_BYTES  # the edition checks after reading say what is missing
    return min(MAX_BYTES, max(sizes) + SIGNATURE_ALLOWANCE * (partners + 1))


def _check_shape(data: bytes) -> None:
    """Refuse, before any PDF parsing, a file that does not begin and end as a PDF does.

    Parsing is what costs time and memory on a junk file; these two checks cost nothing.
    """
    if not data.startswith(b"%PDF-"):
        raise RegisterError("not a readable PDF (it does not begin with %PDF-); ask for the signed PDF itself")
    if b"%%EOF" not in data[-1024:]:
        raise RegisterError("not a readable PDF: it does not end as a PDF does (%%EOF), so it is damaged or "
                            "has something added after the PDF; ask the agency for the signed PDF exactly as saved")


def _find_edition(editions: list[Edition], fingerprint: str | None, data: bytes, folder: Path) -> Edition | None:
    """Return the edition the PDF names, or the one whose archived PDF it begins with."""
    named = next((e for e in editions if fingerprint and e.fingerprint == fingerprint), None)
    if named is not None:
        return named
    for edition in reversed(editions):
        archive = pdf_archive_path(folder, edition)
        if archive.is_file() and data.startswith(archive.read_bytes()):
            return edition
    return None


def _record(loaded: LoadedSettings, edition: Edition, verified: list[VerifiedSignature], path: Path,
            sha256: str, outcome: ImportOutcome, today: dt.date | None) -> None:
    partners = {signature_anchor(p.name): p for p in loaded.settings.partners}
    ledger = load_ledger(loaded.folder)
    for signature in verified:
        partner = partners.get(signature.field)
        if partner is None:
            outcome.refused.append(
                f"field {signature.field} (signed by {signature.common_name or signature.subject}) is not a current "
                "partner's signature field; nothing was recorded for it. Each agency signs the field named after "
                "it (sig-<agency>), not a field of its own")
            continue
        earlier = next((s for s in ledger if s.fingerprint == edition.fingerprint
                        and agency_key(s.agency) == agency_key(partner.name)), None)
        if earlier is not None and earlier.method == "digital" and earlier.certificate_subject == signature.subject:
            outcome.already.append(partner.name)
            continue
        name = signature.common_name or signature.subject
        role = signature.title or (partner.signatory.role if agency_key(name) == agency_key(partner.signatory.name)
                                   else NO_ROLE)
        if agency_key(name) != agency_key(partner.signatory.name):
            outcome.notes.append(f"{partner.name} was signed by {name}, not by the signatory named in marac.yaml "
                                 f"({partner.signatory.name})")
        entry = {"document": edition.document, "agency": partner.name, "name": name, "role": role,
                 "date": signature.signed_at.astimezone(LOCAL_TIME).date(), "method": "digital",
                 "evidence": str(path), "certificate_subject": signature.subject,
                 "fingerprint": edition.fingerprint}
        try:
            recorded = record_signature(loaded, entry, today)
        except RegisterError as exc:
            outcome.refused.append(f"{partner.name}: {exc.message}")
            continue
        if recorded.evidence_sha256 != sha256:
            outcome.notes.append(f"{path} changed while it was imported; its recorded SHA-256 is of the later "
                                 "content. Import a file nobody is writing to.")
        outcome.recorded.append(recorded)
