"""Signature records: a short PDF per document, like an e-signature service's certificate.

It names the issued edition (version, fingerprint, date issued) and lists every current
partner with its signatory, role, date and method, or "not signed". The edition's own text
and fingerprint are never touched: governance files the record beside the signed documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..atomic import write_atomic
from ..dates import long_date
from ..errors import RenderError
from ..output_guard import check_target
from ..document.model import Document, DocumentMeta, Heading, Paragraph, Run, Table
from ..register.status import DocumentStatus, MaracStatus
from ..render import writer


def record_path(folder: Path, status: MaracStatus, doc: DocumentStatus) -> Path:
    """Return ``DIR/<slug>-<file_stem>-signature-record.pdf`` for one document."""
    return Path(folder) / f"{status.slug}-{doc.file_stem}-signature-record.pdf"


def record_document(status: MaracStatus, doc: DocumentStatus, as_at: dt.date) -> Document:
    """Return the signature record of one issued document as a model ``Document``.

    Refuses (``ValueError``) a document with no issued edition: there is nothing to certify.
    """
    edition = doc.edition
    if edition is None:
        raise ValueError(f"{doc.document} has no issued edition")
    total = len(doc.signed) + len(doc.unsigned) + len(doc.stale)
    verdict = (f"In force: all {total} partner agencies have signed this edition." if doc.in_force else
               f"Not in force: {len(doc.signed)} of {total} partner agencies have signed this edition.")
    rows = [(s.agency, s.name, s.role, long_date(s.date), s.method) for s in doc.signed]
    rows += [(s.agency, "not signed", "", "", f"signed edition {s.version} only") for s in doc.stale]
    rows += [(agency, "not signed", "", "", "") for agency in doc.unsigned]
    blocks = [
        Paragraph((Run(status.marac),), style="title"),
        Paragraph((Run(f"Signature record: {doc.title}"),), style="subtitle"),
        Heading(1, (Run("Edition"),), anchor="edition"),
        Table(header=("Item", "Details"), rows=(
            ("Document", doc.title),
            ("Version", edition.version),
            ("Issued", long_date(edition.issued)),
            ("Edition fingerprint (SHA-256)", edition.fingerprint),
            ("Status", verdict),
            ("Record as at", long_date(as_at)),
        ), style="versions", widths=(0.3, 0.7)),
        Heading(1, (Run("Partner agencies"),), anchor="partners"),
        Table(header=("Agency", "Signatory", "Role", "Date signed", "Method"), rows=tuple(rows),
              widths=(0.28, 0.2, 0.24, 0.14, 0.14)),
    ]
    evidence = [(s.agency, s.evidence_file, s.evidence_sha256 or "") for s in doc.signed if s.evidence_file]
    if evidence:
        blocks += [Heading(1, (Run("Evidence on file"),), anchor="evidence"),
                   Table(header=("Agency", "File", "SHA-256"), rows=tuple(evidence), widths=(0.25, 0.3, 0.45))]
    blocks.append(Paragraph((Run(
        "This record lists the signatures entered in the Marac's signatures ledger for the edition named "
        "above. The same fingerprint is printed in the footer of every page of that edition, so each signed "
        "copy can be matched to it. Recording signatures never changes the edition's text."),), style="small"))
    meta = DocumentMeta(
        kind=doc.document, title=f"Signature record: {doc.title}", marac=status.marac, slug=status.slug,
        file_stem=f"{doc.file_stem}-signature-record", version=edition.version, date=as_at.isoformat(),
        subject=f"Signatures of {status.marac}'s {doc.title}, version {edition.version}",
        keywords=("Marac", "signature record", status.marac), fingerprint=edition.fingerprint)
    return Document(meta=meta, blocks=tuple(blocks))


def write_signature_records(status: MaracStatus, folder: Path, as_at: dt.date | None = None,
                            force: bool = False) -> list[Path]:
    """Write a signature record PDF for each issued document into ``folder``; return the paths.

    Documents with no issued edition get no record. Refuses (``RenderError``) a file that
    cannot be written; each file is written atomically. Refuses (``OverwriteRefused``), before
    writing any, a target that is a Marac's record or, without ``force``, an existing file
    that is not a marac PDF.
    """
    as_at = as_at or dt.date.today()
    written = []
    issued = [doc for doc in status.documents if doc.edition is not None]
    for doc in issued:
        check_target(record_path(folder, status, doc), force)
    for doc in issued:
        target = record_path(folder, status, doc)
        try:
            write_atomic(target, writer("pdf")(record_document(status, doc, as_at)))
        except OSError as exc:
            raise RenderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        written.append(target)
    return written
