"""What the title page says beyond the signed text, the same for every writer.

The title page shows the logo, the Marac's name, the document's title, the version and edition,
the date issued (or "not issued"), the owner and the protective marking. The name, title and
version are blocks of the document (they are in the fingerprint); the issue date, the owner and
the marking come from ``DocumentMeta``, because an edition is fingerprinted before it is issued.
Writers call these functions so that the DOCX and the PDF say exactly the same.
"""

from __future__ import annotations

import datetime as dt

from ..dates import long_date
from ..document.model import Block, DocumentMeta, Image, Paragraph
from ..library.typography import typographic_quotes
from ..settings.logo import png_size, svg_size

DRAFT_TEXT = "DRAFT - not issued"
GOVERNED_MARKING = "OFFICIAL-SENSITIVE"
_FRONT_STYLES = frozenset({"title", "subtitle", "meta"})
LOGO_BOX_CM = (6.0, 2.6)  # the most a logo may take on the title page: width, height


def details(meta: DocumentMeta, edition: str) -> list[tuple[str, str]]:
    """Return the title page's (label, value) lines: version and edition, issued, owner, marking."""
    version = f"{meta.version} · Edition {edition}" if edition else meta.version
    rows = [("Version", version), ("Issued", issued_text(meta.issued))]
    if meta.owner:
        rows.append(("Owner", typographic_quotes(meta.owner)))  # a name from settings, as the signed text prints it
    rows.append(("Protective marking", marking_text(meta.protective_marking)))
    return rows


def issued_text(issued: str) -> str:
    """Return the issue date as people write it ("12 March 2026"), or "not issued"."""
    try:
        return long_date(dt.date.fromisoformat(issued)) if issued else "not issued"
    except ValueError:
        return issued


def marking_text(marking: str) -> str:
    """Return the marking line: the document's own marking and that of the case information."""
    return (f"{marking} (this document). The case information it governs is {GOVERNED_MARKING}: "
            "handle it under each agency’s rules for that marking.")


def front_end(blocks: tuple[Block, ...]) -> int:
    """Return the index of the first block after the title block (the name, title and meta
    line at the start), where the writers put the title page details."""
    for index, block in enumerate(blocks):
        if not (isinstance(block, Paragraph) and block.style in _FRONT_STYLES):
            return index
    return len(blocks)


def logo_size_cm(image: Image) -> tuple[float, float]:
    """Return the logo's width and height in cm, scaled to fit the title page's logo box with
    its proportions kept (a logo whose size cannot be read fills the box's height, square)."""
    size = png_size(image.data) if image.media_type == "image/png" else svg_size(image.data)
    box_w, box_h = LOGO_BOX_CM
    if not size:
        return box_h, box_h
    width, height = size
    scale = min(box_w / width, box_h / height)
    return round(width * scale, 3), round(height * scale, 3)
