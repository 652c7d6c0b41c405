"""The signatures ledger: ``signatures.yaml`` beside ``marac.yaml``, one entry per signature.

Each signature is bound to an issued edition by that edition's fingerprint. Recording one
(``record_signature``) checks it, then, under a lock, re-reads the ledger, refuses a second
signature by the same agency for the same edition, and replaces the file atomically. A
damaged ledger is reported with its line number and never overwritten.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..atomic import write_atomic
from ..settings.loader import LoadedSettings, load_settings, resolve_config_paths
from ..dates import long_date
from ..errors import ConfigError, OneMaracExpected, Problem, RegisterError
from ..policy.g03 import G03_WHY, certificate_subject_match, recognise, refusal, refused_signatory
from ..policy.recognisers import recognise_name
from ..settings.schema import Partner, Text, agency_key  # noqa: F401  (re-exported for status and import)
from ..settings.scaffold import text_problem
from .editions import Edition, confirmed_keys, current_edition, load_editions
from .store import (
    DOCUMENT_NAMES,
    Entry,
    Hex64,
    IsoDay,
    Timestamp,
    VersionText,
    display_path,
    locked,
    plain,
    read_entries,
    utc_now,
    write_entries,
)

LEDGER_NAME = "signatures.yaml"
EVIDENCE_FOLDER = "evidence"  # copies of evidence files, named by their SHA-256, beside the ledger
ENTRY_KEYS = {"document", "agency", "name", "role", "date", "method", "evidence", "certificate_subject",
              "fingerprint"}
LEDGER_HEADER = """\
# Signatures ledger of {marac}, written by `marac sign`.
# One entry per signature: which document and edition (its version and fingerprint, the
# SHA-256 printed in the footer of the signed copy), the partner agency, who signed, their
# role, the date they signed, how (wet-ink, email or digital), optional evidence (a file and
# its SHA-256) and when the entry was recorded (UTC).
# Prefer `marac sign` to editing by hand. If you must edit, keep it valid YAML: `marac status`
# and `marac sign` report a damaged file with its line number and never overwrite it.
# Comments you add here are not kept when the next signature is recorded.
"""


class Signature(Entry):
    """One recorded signature of one partner agency on one edition."""

    document: Literal["mop", "isa", "annex"]
    version: VersionText
    fingerprint: Hex64
    agency: Text
    name: Text
    role: Text
    date: IsoDay
    method: Literal["wet-ink", "email", "digital"] = "wet-ink"
    evidence_file: Text | None = None
    evidence_sha256: Hex64 | None = None
    certificate_subject: Text | None = None
    configured_signatory: Text | None = None  # set when someone other than marac.yaml's signatory signed
    recorded_at: Timestamp


def ledger_path(folder: Path) -> Path:
    """Return the path of a Marac's signatures ledger."""
    return Path(folder) / LEDGER_NAME


def load_ledger(folder: Path, confirmed_names: Iterable[str] | None = None) -> list[Signature]:
    """Return every signature recorded for the Marac in ``folder``, in the order recorded.

    A Marac with no ledger yet has none. Refuses (``RegisterError`` with line numbers) a
    damaged ledger, and one with an entry naming Immigration Enforcement (see ``refuse_g03_entries``).
    """
    return [signature for signature, _ in _read_ledger(ledger_path(folder), confirmed_names)]


def _read_ledger(path: Path, confirmed_names: Iterable[str] | None) -> list[tuple[Signature, int | None]]:
    entries = read_entries(path, "signatures", Signature)
    refuse_g03_entries(path, entries, confirmed_names)
    return entries


# What in an entry names who signed, in the order checked.
_SIGNATORY_FIELDS = (("agency", "the agency"), ("name", "the signatory's name"), ("role", "the signatory's role"),
                     ("certificate_subject", "the signer's certificate"))


def refuse_g03_entries(path: Path, entries: Iterable[tuple[Signature, int | None]],
                       confirmed_names: Iterable[str] | None = None) -> None:
    """Refuse (``RegisterError``) a ledger entry whose agency, signatory name or role, or certificate
    names Immigration Enforcement, which never signs (G03). ``marac sign`` and ``signatures import``
    refuse such a signature, so the ledger was edited by hand; nothing may show or print it.

    ``confirmed_names`` (the Marac's g03_confirmed_names) lifts a name the recogniser is unsure of;
    without them (None: a caller without the settings), only a certain name is refused.
    """
    confirmed = confirmed_keys(confirmed_names)
    seen: dict[tuple[str, str], object] = {}  # a long ledger repeats its names: recognise each once
    for signature, line in entries:
        for field, label in _SIGNATORY_FIELDS:
            value = getattr(signature, field)
            if not value:
                continue
            if (field, value) not in seen:
                seen[field, value] = (certificate_subject_match(value, confirmed or frozenset())
                                      if field == "certificate_subject" else
                                      recognise(value, "name", confirmed or frozenset()))
            match = seen[field, value]
            if match is None or not (match.certain or confirmed is not None):
                continue
            where = f"{display_path(path)} line {line}" if line else display_path(path)
            raise RegisterError(
                f"{where}: the {DOCUMENT_NAMES[signature.document]} edition {signature.version} entry of "
                f"{signature.agency}: [G03] {label}: {refusal(value, match).removesuffix(' Remove this entry.')} "
                "marac sign and signatures import never record such an entry, so the command stopped and "
                f"changed nothing. Remove the entry (from '- document:' to the next entry) from {LEDGER_NAME}, "
                "or restore the file from your backup, then run the command again.")


def load_marac(argument: str | Path, today: dt.date | None = None) -> LoadedSettings:
    """Return the validated settings of the one Marac named by ``argument`` (folder or marac.yaml).

    Not the policy gate: ``marac sign`` and ``signatures import`` run the gate themselves
    (``policy.gate.load_one_clean``) before they record anything, and ``record_signature``
    still refuses a partner, signatory or certificate naming Immigration Enforcement (G03).
    Refuses (``ConfigError``) invalid settings or an argument naming several Maracs.
    """
    paths = resolve_config_paths([str(argument)])
    if len(paths) != 1:
        raise OneMaracExpected(f"{argument} holds {len(paths)} Maracs; this command takes one Marac "
                               "folder or its marac.yaml")
    return load_settings(paths[0], today)


def find_partner(partners: list[Partner] | tuple[Partner, ...], agency: str, hint_folder: str = "CONFIG") -> Partner:
    """Return the partner named ``agency`` (ignoring case and spacing).

    Refuses (``RegisterError``) a name that is not a partner, suggesting the closest one, and
    a partner that names Immigration Enforcement (G03: it never signs).
    """
    wanted = agency_key(agency)
    for partner in partners:
        if agency_key(partner.name) == wanted:
            match = recognise_name(partner.name)
            if match and match.certain:  # an unsure name reaches here only once confirmed
                raise RegisterError(f"[G03] {match.describe(partner.name)}. {G03_WHY}")
            return partner
    names = [partner.name for partner in partners]
    close = difflib.get_close_matches(wanted, [agency_key(n) for n in names], n=1, cutoff=0.5)
    suggestion = next((f" Did you mean '{n}'?" for n in names if close and agency_key(n) == close[0]), "")
    raise RegisterError(f"'{agency}' is not a partner agency in marac.yaml.{suggestion} "
                        f"`marac status {hint_folder}` lists every partner; only partners sign.")


def record_signature(marac: LoadedSettings | Path | str, entry: Mapping[str, Any],
                     today: dt.date | None = None) -> Signature:
    """Record one signature for the current edition of a document; return it as recorded.

    ``marac`` is the Marac's loaded settings, or its folder (then read by ``load_marac``).
    ``entry`` holds document, agency, name, role, date (a date or YYYY-MM-DD), and optionally
    method (wet-ink by default), evidence (a file path), certificate_subject, and fingerprint
    (of the edition the signer saw; it must be the current one).
    Refuses (``RegisterError``): unknown keys, a document with no issued edition, an agency
    that is not a partner or that names Immigration Enforcement (G03), a date in the future
    or before the edition was issued, an evidence file that does not exist, a fingerprint
    other than the current edition's, a second signature by the same agency for the same
    edition, and a damaged ledger (which is left untouched).
    """
    loaded = marac if isinstance(marac, LoadedSettings) else load_marac(marac, today)
    today = today or dt.date.today()
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        raise RegisterError(f"a signature has no field {', '.join(unknown)}; known: {', '.join(sorted(ENTRY_KEYS))}")
    for key in ("agency", "name", "role", "certificate_subject"):
        unwritable = text_problem(entry[key]) if isinstance(entry.get(key), str) else None
        if unwritable:  # before any message quotes the value: a lone surrogate cannot even be printed
            raise RegisterError(f"{key}: {unwritable}; nothing was recorded")
    folder = loaded.folder
    hint = display_path(folder)
    document = entry.get("document")
    if document not in DOCUMENT_NAMES:
        raise RegisterError(f"document '{document}' cannot be signed; choose mop, isa or annex")
    if document == "annex" and loaded.settings.documents.annex is None:
        raise RegisterError("the annex has no version of its own in marac.yaml, so it is not signed on its own. "
                            "To track its signatures, add documents.annex (version, adopted, last_reviewed) "
                            f"and issue it: marac issue {hint} --doc annex --version VERSION")
    confirmed_names = loaded.settings.g03_confirmed_names
    editions = load_editions(folder, confirmed_names)
    edition = current_edition(editions, document)
    if edition is None:
        version = loaded.settings.documents.of(document).version
        raise RegisterError(f"the {DOCUMENT_NAMES[document]} has no issued edition yet, so there is nothing to "
                            f"sign. Issue it first: marac issue {hint} --doc {document} --version {version}")
    _check_fingerprint(entry.get("fingerprint"), edition, editions)
    partner = find_partner(loaded.settings.partners, str(entry.get("agency") or ""), hint)
    refused = refused_signatory(entry, loaded.settings.g03_confirmed_names)
    if refused:
        raise RegisterError(refused)
    signed_on = _signing_date(entry.get("date"), edition, today)
    evidence_file, evidence_sha256 = _evidence(entry.get("evidence"), folder)
    signed_by = str(entry.get("name") or "")
    configured = partner.signatory.name if signed_by and agency_key(signed_by) != agency_key(partner.signatory.name) else None
    try:
        signature = Signature(
            document=document, version=edition.version, fingerprint=edition.fingerprint, agency=partner.name,
            name=entry.get("name"), role=entry.get("role"), date=signed_on, method=entry.get("method") or "wet-ink",
            evidence_file=evidence_file, evidence_sha256=evidence_sha256,
            certificate_subject=entry.get("certificate_subject"), configured_signatory=configured,
            recorded_at=utc_now())
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        reason = "is missing" if error.get("input") is None else str(error.get("ctx", {}).get("error", error["msg"]))
        raise RegisterError(f"{field}: {reason}") from None
    path = ledger_path(folder)
    with locked(path):
        existing = _read_ledger(path, confirmed_names)
        for earlier, line in existing:
            if (earlier.document, earlier.fingerprint, agency_key(earlier.agency)) == (
                    document, edition.fingerprint, agency_key(partner.name)):
                raise RegisterError(
                    f"{partner.name} has already signed the {DOCUMENT_NAMES[document]}, edition {edition.version}: "
                    f"{earlier.name}, {earlier.role}, on {long_date(earlier.date)} ({display_path(path)} line "
                    f"{line}). One signature per agency per edition; if that entry is wrong, correct it there.")
        records = [plain(s) for s, _ in existing] + [plain(signature)]
        write_entries(path, LEDGER_HEADER.format(marac=loaded.settings.marac.name), "signatures", records)
    return signature


def _check_fingerprint(given: str | None, edition: Edition, editions: list[Edition]) -> None:
    if given is None or given == edition.fingerprint:
        return
    older = next((e for e in editions if e.fingerprint == given), None)
    name = DOCUMENT_NAMES[edition.document]
    if older is not None:
        raise RegisterError(f"this signature is for {name} edition {older.version}, which has been replaced by "
                            f"{edition.label}; ask the agency to sign the current edition")
    raise RegisterError(f"this signature is for a text with fingerprint {given[:12]}, which is no issued edition "
                        f"of the {name}; the current one is {edition.label}")


def _signing_date(value: Any, edition: Edition, today: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise RegisterError(f"date '{value}' is not a real date; write it as YYYY-MM-DD") from None
    if day > today:
        raise RegisterError(f"the date signed, {day}, is in the future (today is {today}); "
                            "give the date written on the signed copy")
    if day < edition.issued:
        raise RegisterError(
            f"the date signed, {day}, is before {DOCUMENT_NAMES[edition.document]} edition {edition.version} "
            f"was issued on {long_date(edition.issued)} ({edition.issued}); a partner cannot sign it before it "
            "was sent. Check the date on the signed copy, and that it is the current edition.")
    return day


def _evidence(value: Any, folder: Path) -> tuple[str | None, str | None]:
    """Return (path to record, SHA-256) of an evidence file, copied into ``evidence/`` beside the
    ledger under its SHA-256 name (so the record survives the original being moved or deleted) and
    recorded relative to the Marac's folder. Refuses (``RegisterError``) a file that is not there
    or cannot be copied."""
    if value in (None, ""):
        return None, None
    given = Path(str(value))
    if not given.is_file():
        raise RegisterError(f"evidence file '{value}' does not exist or is not a file; check the path")
    digest = hashlib.sha256()
    with given.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    sha256 = digest.hexdigest()
    kept = Path(folder) / EVIDENCE_FOLDER / (sha256 + given.suffix.lower())
    if not kept.is_file():
        try:
            write_atomic(kept, given.read_bytes())
        except OSError as exc:
            raise RegisterError(f"evidence file '{value}' cannot be copied into {display_path(kept.parent)} "
                                f"({exc.strerror or exc})") from None
    return kept.relative_to(folder).as_posix(), sha256
