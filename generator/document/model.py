"""The document model: one small frozen tree that every writer reads.

No I/O and no rendering here. Variation (a title page line, a note, a table's role) goes
through the ``style`` field, not through new node types, so writers stay small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..image import Image  # noqa: F401  (a block of the model; defined apart, see generator/image.py)


@dataclass(frozen=True)
class Run:
    """A piece of inline text; ``href`` makes it a link."""

    text: str
    strong: bool = False
    emphasis: bool = False
    href: str | None = None
    change: str = ""  # "ins" or "del" in a redline (marac diff); "" in every document partners sign


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = section, 2 = clause, 3 = within a clause
    runs: tuple[Run, ...]
    number: str | None = None  # "3" for section 3
    anchor: str | None = None  # stable id for bookmarks and cross-references
    style: str = ""


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    number: str | None = None  # "3.2" for numbered protocol paragraphs
    style: str = ""  # "" body, "title", "subtitle", "note", "quote", "small"


@dataclass(frozen=True)
class ListBlock:
    items: tuple[tuple[Run, ...], ...]
    ordered: bool = False
    style: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    style: str = ""  # "versions", "contacts"
    widths: tuple[float, ...] = ()  # relative column widths, summing to about 1


@dataclass(frozen=True)
class SignatureRow:
    agency: str
    signatory: str
    role: str
    anchor: str  # stable id per agency, e.g. "sig-northshire-police"


@dataclass(frozen=True)
class SignatureTable:
    rows: tuple[SignatureRow, ...]
    header: tuple[str, ...] = ("Agency", "Signatory", "Role", "Signature", "Date")
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | ListBlock | Table | SignatureTable | PageBreak


@dataclass(frozen=True)
class DocumentMeta:
    kind: str  # "mop" | "isa" | "annex"
    title: str  # "Marac Operating Protocol"
    marac: str  # "Northbridge Marac"
    slug: str
    file_stem: str  # "operating-protocol"
    version: str
    date: str  # ISO date of the document's last review: fixes timestamps in every output
    subject: str
    keywords: tuple[str, ...] = ()
    language: str = "en-GB"
    library_version: str = ""
    fingerprint: str = ""  # SHA-256 of the canonical text; filled in by the assembler
    issued: str = ""  # ISO date the edition was issued; "" when this text is not an issued edition
    draft: bool = False  # True when this text is not an issued edition: writers mark it DRAFT
    owner: str = ""  # who owns the document (the governance group)
    protective_marking: str = "OFFICIAL"  # shown in the header of every page
    logo: Image | None = None
    house_style: bytes | None = None  # a Marac's own reference.docx; only the DOCX writer reads it


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # Schedules (contacts, signatories, venue) are printed after the blocks but are not part of
    # the signed text: the fingerprint covers ``blocks`` only.
    schedules: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def all_blocks(self) -> tuple[Block, ...]:
        """Return what a writer prints, in order: the signed text, then the schedules."""
        return self.blocks + self.schedules

    @property
    def full_title(self) -> str:
        """Return e.g. ``Northbridge Marac Operating Protocol``-style title with the Marac name."""
        return f"{self.meta.marac}: {self.meta.title}"

    @property
    def short_fingerprint(self) -> str:
        """Return the first 12 hex characters of the fingerprint, as printed in footers."""
        return self.meta.fingerprint[:12]
