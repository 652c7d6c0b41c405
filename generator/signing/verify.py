"""Verify a digitally signed copy of an issued PDF with pyHanko: which fields were signed, by whom.

A copy counts as signed only if all of this holds (``verify_signed_copy``):

1. The file begins with the issued PDF, byte for byte, and that PDF's last revision is one of
   the file's revisions: what the partner opened is exactly what was issued.
2. pyHanko's difference analysis, from the issued revision to the end of the file, finds
   nothing beyond form filling and signatures (``ModificationLevel.FORM_FILLING`` at most):
   no page content, annotation or structure changed, before or after anyone signed.
3. Every signature field that holds a signature is one pyHanko can validate, and each was
   filled after the issued revision.
4. For each signature, pyHanko's overall verdict (``PdfSignatureStatus.bottom_line``) holds:
   the signed bytes are intact, the signature value verifies with the signer's certificate,
   the certificate is trusted by the validation context (see below), any embedded timestamp
   verifies, the field's seed values are met and the later changes are within its document
   modification policy. On top of that verdict, its coverage must be the entire file or the
   entire revision it was made in, the changes after it form filling at most, its signing
   time stated, and the signer's certificate valid at that time.

Trust: with ``trust_roots`` the signer's certificate must chain to one of them. Without, the
validation context trusts the signer's own certificate (and a timestamp authority's own
certificate), so the verdict covers integrity but says nothing about who the signer is. No
revocation information is fetched in either case (offline; revocation is not checked unless
the signature embeds it).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import extract_certs_for_validation, extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..errors import RegisterError

# pyHanko logs failed path building with a traceback; the verdict reaches the user as a message.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

ALLOWED_CHANGES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
GOOD_COVERAGE = (SignatureCoverageLevel.ENTIRE_REVISION, SignatureCoverageLevel.ENTIRE_FILE)


@dataclass(frozen=True)
class Identity:
    """What a marac PDF says about itself in its document info: edition fingerprint and Marac slug."""

    edition: str | None
    marac: str | None


@dataclass(frozen=True)
class VerifiedSignature:
    """One signature that passed every check: the field, the signer and when they signed."""

    field: str
    subject: str  # the signer's certificate subject, RFC 4514
    common_name: str | None
    title: str | None
    signed_at: dt.datetime


def read_identity(data: bytes) -> Identity:
    """Return the /edition and /marac entries of the PDF's document info, from its first revision on.

    The first revision that has them wins, so a viewer that rewrites the document info when it
    signs does not hide them. Refuses (``RegisterError``) a file that is not a readable PDF.
    """
    reader = _reader(data)
    for revision in range(reader.xrefs.total_revisions):
        try:
            info = reader.get_historical_resolver(revision).trailer_view.get("/Info")
            info = info.get_object() if info is not None else None
        except (PdfError, KeyError, ValueError, TypeError):
            continue
        if info is not None and "/edition" in info:
            marac = info.get("/marac")
            return Identity(str(info["/edition"]), str(marac) if marac is not None else None)
    return Identity(None, None)


def load_trust_roots(pem: bytes, name: str) -> list[x509.Certificate]:
    """Return the certificates in a PEM (or DER) file, to use as trust roots.

    Refuses (``RegisterError``) a file that holds no certificate.
    """
    from pyhanko.keys import load_certs_from_pemder_data

    try:
        roots = list(load_certs_from_pemder_data(pem))
    except (ValueError, TypeError, OSError) as exc:
        raise RegisterError(f"--trust {name}: not a certificate file ({exc}); give PEM certificates of the "
                            "root authorities to trust") from None
    if not roots:
        raise RegisterError(f"--trust {name}: holds no certificate; give PEM certificates of the root "
                            "authorities to trust")
    return roots


def verify_signed_copy(data: bytes, issued: bytes, trust_roots: list[x509.Certificate] | None = None,
                       trust_name: str = "", issued_name: str = "the issued PDF") -> list[VerifiedSignature]:
    """Return every signature of a signed copy of ``issued``, each verified (see module docstring).

    ``trust_name`` and ``issued_name`` name the trust file and the issued PDF in messages.
    Refuses (``RegisterError``, saying why and what to do) a file that does not begin with the
    issued PDF, that was changed after it was issued beyond form filling and signatures, that
    holds no signature, or that holds any signature that fails a check. One bad signature
    refuses the whole file: nothing in it is recorded.
    """
    if not data.startswith(issued):
        raise RegisterError(
            f"the file has been changed since it was issued (tampered or damaged), or it is not the file that "
            f"was issued: a signed copy begins with {issued_name} byte for byte, and this one does not. Ask the "
            f"agency to sign {issued_name} exactly as sent (open it, sign the field, save), without saving it "
            "in another program first.")
    issued_reader = _reader(issued)
    base = issued_reader.xrefs.total_revisions - 1
    reader = _reader(data)
    revisions = reader.xrefs.total_revisions
    if revisions <= base + 1 or reader.xrefs.get_startxref_for_revision(base) != issued_reader.last_startxref:
        if len(data) == len(issued):
            raise RegisterError("the PDF has no signatures: it is the PDF as issued. Ask the agency to sign "
                                "the field named after it, save, and send the saved file back.")
        raise RegisterError("the file does not continue the issued PDF revision by revision, as a signed "
                            "copy does; it was changed (tampered) or rebuilt. Ask for a fresh signed copy.")
    filled = [name for name, value, _ in enumerate_sig_fields(reader, filled_status=True) if value is not None]
    if not filled:
        raise RegisterError("the PDF has no signatures. Ask the agency to sign the field named after it "
                            "(not with a typed or drawn picture of a signature), save, and send the saved file back.")
    _check_changes_since_issue(reader, base)
    _check_metadata_since_issue(reader, base)
    embedded = reader.embedded_regular_signatures
    unchecked = sorted(set(filled) - {sig.field_name for sig in embedded})
    if unchecked:
        raise RegisterError(f"the signature in field {', '.join(unchecked)} is of a kind that cannot be "
                            "verified (a document timestamp or an unsupported format); nothing was recorded")
    return [_verify(sig, base, trust_roots, trust_name) for sig in embedded]


def _reader(data: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        reader.root  # noqa: B018 - fails early on a file with no catalog
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise RegisterError(f"not a readable PDF ({exc}); ask for the signed PDF itself") from None
    if reader.encrypted:
        raise RegisterError("the PDF is encrypted, so its signatures cannot be checked; ask for an unencrypted "
                            "signed copy")
    return reader


def _check_changes_since_issue(reader: PdfFileReader, base: int) -> None:
    """Refuse a file changed after the issued revision in any way but form filling and signatures."""
    try:
        result = DEFAULT_DIFF_POLICY.review_file(reader, base)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        result = exc
    if isinstance(result, DiffResult) and result.modification_level in ALLOWED_CHANGES:
        return
    level = result.modification_level.name.lower() if isinstance(result, DiffResult) else "other"
    raise RegisterError(
        f"the file has been changed since it was issued beyond signing ({_describe(level)}), so it is "
        "treated as tampered. Partners may only sign: ask the agency to sign a fresh copy of the issued "
        "PDF and change nothing else.")


# Document information a signing tool may update as it saves (when, and with what); every other
# entry (title, subject, keywords, author, the edition and Marac references) names the edition.
SIGNING_MAY_CHANGE_INFO = frozenset({"/ModDate", "/Producer"})
# The XMP properties that name the document; a signing tool may rewrite the XMP packet (pyHanko
# and Acrobat do, for the producer and dates) but must leave these as they were.
_XMP_NAMING = {("http://purl.org/dc/elements/1.1/", name) for name in ("title", "description", "creator", "subject")}
_XMP_NAMING |= {("http://ns.adobe.com/pdf/1.3/", "Keywords"), ("http://ns.adobe.com/pdf/1.3/", "Title")}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MAX_XMP_BYTES = 1_000_000


def _check_metadata_since_issue(reader: PdfFileReader, base: int) -> None:
    """Refuse a file whose later revisions change the metadata that names the edition.

    pyHanko's difference analysis accepts a new /Info dictionary and a new XMP packet as
    harmless, but they are what a viewer shows as the document's title: a copy signed after its
    title was changed is not plainly a copy of the issued edition.
    """
    issued = reader.get_historical_resolver(base)
    info, xmp = _info(issued), _xmp(issued)
    for revision in range(base + 1, reader.xrefs.total_revisions):
        later = reader.get_historical_resolver(revision)
        later_info = _info(later)
        changed = sorted(key for key in info if key not in SIGNING_MAY_CHANGE_INFO and later_info.get(key) != info[key])
        what = [f"document information {', '.join(changed)}"] if changed else []
        if _xmp(later) != xmp:
            what.append("the XMP metadata (title, description, keywords or author)")
        if what:
            raise RegisterError(
                f"the file's metadata that names the edition was changed after it was issued ({'; '.join(what)}), "
                "so it is not plainly a signed copy of the issued edition and was treated as tampered. Partners "
                "may only sign: ask the agency to sign a fresh copy of the issued PDF and change nothing else.")


def _info(resolver) -> dict[str, str]:
    try:
        info = _historical(resolver, resolver.trailer_view, "/Info")
        return {str(key): str(value) for key, value in (info or {}).items()}
    except (PdfError, KeyError, ValueError, TypeError, AttributeError):
        return {"<unreadable>": ""}


def _historical(resolver, container, key: str):
    """Return ``container[key]`` as the revision of ``resolver`` holds it, None when absent.

    ``get_object`` on a reference would resolve it in the latest revision; the historical
    resolver must dereference it to see what that revision held.
    """
    if key not in container:
        return None
    value = container.raw_get(key)
    while isinstance(value, generic.IndirectObject):
        value = resolver.get_object(value.reference)
    return value


def _xmp(resolver) -> frozenset | None:
    """Return the naming properties of a revision's XMP packet as a set, None if it has none.

    Attribute form (``dc:title="..."``) and element form are the same property; an unreadable
    or oversized packet counts as a change.
    """
    import xml.etree.ElementTree as ElementTree

    try:
        stream = _historical(resolver, resolver.root, "/Metadata")
        if stream is None:
            return None
        if int(stream.get("/Length", 0)) > MAX_XMP_BYTES:
            return frozenset({("<oversized>",)})
        root = ElementTree.fromstring(stream.data)
    except (PdfError, KeyError, ValueError, TypeError, AttributeError, ElementTree.ParseError):
        return frozenset({("<unreadable>",)})
    found = set()
    for description in root.iter(f"{{{_RDF}}}Description"):
        for name, value in description.attrib.items():
            key = tuple(name[1:].split("}", 1)) if name.startswith("{") else ("", name)
            if key in _XMP_NAMING:
                found.add((key, (value.strip(),)))
        for child in description:
            key = tuple(child.tag[1:].split("}", 1)) if child.tag.startswith("{") else ("", child.tag)
            if key in _XMP_NAMING:
                items = [item.text.strip() for item in child.iter(f"{{{_RDF}}}li") if item.text]
                found.add((key, tuple(items) or ((child.text or "").strip(),)))
    return frozenset(found)


def _describe(level: str) -> str:
    return {"annotations": "comments or other annotations were added",
            "other": "page content, comments or the document's structure were changed"}.get(level, level)


def _verify(sig, base: int, trust_roots, trust_name: str) -> VerifiedSignature:
    field = sig.field_name
    if sig.signed_revision <= base:
        raise RegisterError(f"the signature in field {field} was made before the PDF was issued; "
                            "this cannot be a signed copy of the issued PDF")
    try:
        status = validate_pdf_signature(sig, _context(sig, trust_roots), diff_policy=DEFAULT_DIFF_POLICY)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise RegisterError(f"the signature in field {field} cannot be validated ({exc}); nothing was recorded") from None
    problem = _problem(status, trust_roots, trust_name)
    if problem is None and status.signer_reported_dt is None:
        problem = "states no signing time"
    cert = sig.signer_cert
    if problem is None:
        signed_at = status.signer_reported_dt
        if not cert.not_valid_before <= signed_at <= cert.not_valid_after:
            problem = (f"was made on {signed_at:%Y-%m-%d} with a certificate valid only from "
                       f"{cert.not_valid_before:%Y-%m-%d} to {cert.not_valid_after:%Y-%m-%d}")
    if problem is not None:
        raise RegisterError(f"the signature in field {field} {problem}. Nothing in this file was recorded.")
    names = cert.subject.native
    return VerifiedSignature(field=field, subject=_rfc4514(cert), common_name=names.get("common_name"),
                             title=names.get("title"), signed_at=status.signer_reported_dt)


def _context(sig, trust_roots) -> ValidationContext:
    if trust_roots is not None:
        return ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    # Integrity only: trust the signer's own certificate, and the certificates of the authorities
    # that timestamped the signature or its content, whoever they are.
    anchors = [sig.signer_cert]
    for signed in (False, True):
        for token in extract_tst_data_iter(sig.signer_info, signed=signed):
            anchors.append(extract_certs_for_validation(token).signer_cert)
    return ValidationContext(trust_roots=anchors, allow_fetching=False)


def _problem(status, trust_roots, trust_name: str) -> str | None:
    """Return what is wrong with a signature, in words, or None when it counts."""
    if not status.intact:
        return ("does not match the bytes it signed: the file was changed after signing (tampered or "
                "damaged). Ask the agency for a fresh signed copy")
    if not status.valid:
        return "does not verify with the signer's certificate: the signature value is broken"
    if status.coverage not in GOOD_COVERAGE:
        return ("does not cover the whole document: part of the file is outside what was signed. Ask the "
                "agency to sign the issued PDF again with an ordinary PDF signature")
    if status.modification_level not in ALLOWED_CHANGES:
        return ("was followed by changes other than form filling and further signatures (tampered). Ask "
                "the agency for a fresh signed copy")
    if not status.trusted:
        reason = getattr(status.trust_problem_indic, "name", None)
        detail = f" (pyHanko: {reason})" if reason else ""
        if trust_roots is not None:
            return (f"is by a certificate that does not chain to a root in {trust_name}, or is not valid now"
                    f"{detail}: the signer's identity could not be verified. Check the certificate with the "
                    "agency, or add its root to the file")
        return f"is by a certificate that cannot be used for signing{detail}"
    if not status.bottom_line:
        return f"fails pyHanko's overall check ({status.summary()})"
    return None


def _rfc4514(cert: x509.Certificate) -> str:
    """Return the subject of ``cert`` as an RFC 4514 string, e.g. ``CN=Ann Lee,O=Northshire Police,C=GB``."""
    from cryptography import x509 as pyca_x509

    return pyca_x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()
