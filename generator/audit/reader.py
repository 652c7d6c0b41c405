"""Read an existing protocol into passages: text with where it is (heading, paragraph, page).

Refuses, before anything is parsed, what is not a regular file or is over 50 MB; then what is
not a Word or PDF document (by its content, not its name), an encrypted file, and a document
with no text layer (a scan). ``.doc`` and ``.odt`` go through LibreOffice (see ``convert``).
"""

from __future__ import annotations

import io
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import MaracError

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 20 * MAX_BYTES  # a .docx is a zip: refuse one that would unpack to more than this
MIN_LETTERS = 200  # fewer letters than this in the whole file: a scan or an empty shell
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and also Word's encrypted .docx
_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3}){0,3})\.?[\t ]+(?=\S)")


class AuditError(MaracError):
    """The file to audit cannot be read: wrong kind, encrypted, too big, or without text."""


@dataclass(frozen=True)
class Passage:
    """One paragraph, list item, heading or table row of the audited document."""

    text: str
    index: int  # 1-based position among the document's passages
    heading: str = ""  # the nearest heading above it ("" before the first)
    number: str = ""  # the document's own paragraph number ("3.2"), if it has one
    page: int | None = None  # PDF page, 1-based; None for Word files
    kind: str = "paragraph"  # paragraph | heading | list | table | title
    level: int = 0  # for headings: 1 a top-level section, 2 anything below it

    @property
    def where(self) -> str:
        """Return e.g. ``"paragraph 3.2 (passage 41) under 'Referral criteria', page 7"``."""
        label = {"heading": "heading", "table": "table row", "list": "list item", "title": "title"}.get(
            self.kind, "paragraph")
        text = f"{label} {self.number} (passage {self.index})" if self.number else f"{label}, passage {self.index}"
        if self.heading:
            text += f" under '{self.heading}'"
        if self.page is not None:
            text += f", page {self.page}"
        return text


@dataclass(frozen=True)
class ReadDocument:
    """The audited file as passages, with its title (for guessing its kind)."""

    path: Path
    title: str
    passages: tuple[Passage, ...]


def read_document(path: Path) -> ReadDocument:
    """Return the passages of the DOCX, PDF, DOC or ODT at ``path``.

    Refuses (``AuditError``, naming the file and what to do) a missing file, a device, FIFO or
    folder, a file over 50 MB, a file that is not a document, an encrypted document, a Word
    or PDF file that cannot be opened, and one with no text (a scan).
    """
    path = Path(path)
    head = _check_file(path)
    if head.startswith(b"%PDF-"):
        from .pdf_reader import read_pdf

        document = read_pdf(path)
    elif head.startswith(b"PK"):
        document = _read_zip_document(path)
    elif head.startswith(_OLE_MAGIC):
        document = _read_ole(path)
    else:
        raise AuditError(f"{path}: is not a Word (.docx, .doc), OpenDocument (.odt) or PDF document; "
                         "save the protocol in one of those formats and audit that file.")
    letters = sum(ch.isalpha() for p in document.passages for ch in p.text)
    if letters < MIN_LETTERS:
        raise AuditError(f"{path}: has no readable text (found {letters} letters). It may be a scanned "
                         "image; audit the Word original, or run the scan through OCR first.")
    return document


def _check_file(path: Path) -> bytes:
    """Return the first bytes of ``path`` after checking it is a regular file of a fair size."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise AuditError(f"{path}: no such file; check the name and folder.") from None
    except OSError as exc:
        raise AuditError(f"{path}: cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise AuditError(f"{path}: is not a regular file (a folder, device or pipe); name the protocol's "
                         ".docx or .pdf file.")
    if info.st_size > MAX_BYTES:
        raise AuditError(f"{path}: is {info.st_size / 1024 / 1024:.0f} MB; the audit reads files up to "
                         f"{MAX_BYTES // 1024 // 1024} MB. Save a copy without embedded images or attachments.")
    try:
        with open(path, "rb") as stream:
            return stream.read(8)
    except OSError as exc:
        raise AuditError(f"{path}: cannot be read ({exc.strerror}).") from None


def _read_zip_document(path: Path) -> ReadDocument:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise AuditError(f"{path}: is a damaged or incomplete archive, not a readable document; "
                         "open it in Word and save it again.") from None
    if unpacked > MAX_UNPACKED:
        raise AuditError(f"{path}: would unpack to {unpacked / 1024 / 1024:.0f} MB, more than a protocol needs; "
                         "save a copy without embedded images or attachments.")
    if "word/document.xml" in names:
        return read_docx(path)
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        from .convert import converted_to_docx

        with converted_to_docx(path) as docx_path:
            return _renamed(read_docx(docx_path), path)
    raise AuditError(f"{path}: is a zip archive but not a Word or OpenDocument text document; "
                     "audit the protocol's .docx, .odt or .pdf file.")


def _read_ole(path: Path) -> ReadDocument:
    with open(path, "rb") as stream:
        sample = stream.read(MAX_BYTES)
    # Word stores a password-protected .docx inside an OLE container with these streams.
    if "EncryptionInfo".encode("utf-16-le") in sample or "EncryptedPackage".encode("utf-16-le") in sample:
        raise AuditError(f"{path}: is password-protected. Open it in Word, remove the password "
                         "(File > Info > Protect Document), save it, and audit that copy.")
    from .convert import converted_to_docx

    with converted_to_docx(path) as docx_path:
        return _renamed(read_docx(docx_path), path)


def _renamed(document: ReadDocument, path: Path) -> ReadDocument:
    return ReadDocument(path=path, title=document.title, passages=document.passages)


def read_docx(path: Path) -> ReadDocument:
    """Return the passages of a .docx in body order: headings, paragraphs, list items, table rows.

    Refuses (``AuditError``) a file python-docx cannot open.
    """
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        word = docx.Document(io.BytesIO(Path(path).read_bytes()))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise AuditError(f"{path}: Word could have saved this, but it cannot be read here ({exc}); "
                         "open it in Word and save it again as .docx.") from None
    builder = _PassageBuilder()
    numbering = _AutoNumbers()
    for item in word.iter_inner_content():
        if isinstance(item, DocxParagraph):
            style = (item.style.name if item.style is not None else "") or ""
            kind = _docx_kind(item, style)
            number = numbering.number(item) if kind in ("paragraph", "list") else ""
            level = 1 if style.lower() in ("heading 1", "heading1") else 2
            builder.add(item.text, kind, number=number, level=level)
        elif isinstance(item, DocxTable):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                builder.add(" | ".join(cells), "table")
    title = (word.core_properties.title or "").strip() or builder.first_title()
    return ReadDocument(path=Path(path), title=title, passages=tuple(builder.passages))


def _docx_kind(paragraph, style: str) -> str:
    name = style.lower()
    if name in ("title", "subtitle"):
        return "title"
    if name.startswith("heading") or name.startswith("toc heading"):
        return "heading"
    if name.startswith("toc"):
        return "toc"
    if name.startswith("list") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return "list"
    return "paragraph"


class _AutoNumbers:
    """Word's own numbering (numPr) as "n" or "n.m" counts, since python-docx does not expose it."""

    def __init__(self):
        self.counts: dict[str, list[int]] = {}

    def number(self, paragraph) -> str:
        ppr = paragraph._p.pPr
        if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
            return ""
        num_id = str(ppr.numPr.numId.val)
        level = int(ppr.numPr.ilvl.val) if ppr.numPr.ilvl is not None else 0
        counts = self.counts.setdefault(num_id, [])
        del counts[level + 1:]
        while len(counts) <= level:
            counts.append(0)
        counts[level] += 1
        return ".".join(str(n) for n in counts)


class _PassageBuilder:
    """Collects passages, tracking the current heading and the document's literal numbers."""

    def __init__(self):
        self.passages: list[Passage] = []
        self.heading = ""
        self.titles: list[str] = []

    def add(self, raw: str, kind: str, number: str = "", page: int | None = None, level: int = 2) -> None:
        text = clean_text(raw)
        if not text or kind == "toc":
            return
        literal = _NUMBER.match(text)
        if literal and kind != "table":
            number = literal.group(1)
            text = text[literal.end():]
        if kind == "title":
            self.titles.append(text)
        if kind == "heading":
            self.heading = text
        self.passages.append(Passage(text=text, index=len(self.passages) + 1,
                                     heading="" if kind == "heading" else self.heading,
                                     number=number, page=page, kind=kind,
                                     level=level if kind == "heading" else 0))

    def first_title(self) -> str:
        """Return the title-styled lines, or else the first short passage, as the document's title."""
        if self.titles:
            return " ".join(self.titles[:3])
        for passage in self.passages[:5]:
            if len(passage.text) <= 120:
                return passage.text
        return ""


def clean_text(text: str) -> str:
    """Return ``text`` in NFKC form with whitespace (tabs, breaks, non-breaking spaces) collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())
