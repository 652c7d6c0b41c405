"""Read a PDF's text into passages with page numbers, headings and paragraph numbers.

A PDF keeps no paragraphs, only positioned lines, so lines are joined into a passage until a
wider gap, a bullet, a paragraph number at the left margin, or a change to heading type.
Headings are lines set wholly in bold or larger than the body text. Page headers and footers
(smaller type in the top and bottom margins) are left out, so "Page 3 of 23" is never evidence,
and so is turned text such as a diagonal "DRAFT" watermark, whose letters would otherwise land
one by one inside the lines they cross.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .reader import AuditError, ReadDocument, _PassageBuilder

_BULLET = re.compile(r"^\s*([•▪◦‣∙·\-–*]|\(?[a-z]\)|\(?[ivx]+\)|\d+\))\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}(\.\d{1,3}){0,3}\.?\s+\S")
_LEADER = re.compile(r"\.{6,}\s*\d+\s*$")
_PAGE_NUMBER = re.compile(r"^(\d{1,3}|[ivxlc]{1,7})$", re.IGNORECASE)
_MARGIN = 0.085  # top and bottom share of the page where running headers and footers sit


def read_pdf(path: Path) -> ReadDocument:
    """Return the passages of the PDF at ``path``, each with its page number.

    Refuses (``AuditError``) an encrypted PDF that needs a password and a damaged one.
    """
    _refuse_encrypted(path)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    builder = _PassageBuilder()
    try:
        with pdfplumber.open(path) as pdf:
            title = str((pdf.metadata or {}).get("Title") or "").strip()
            for number, page in enumerate(pdf.pages, start=1):
                _read_page(page, number, builder)
                page.flush_cache()
    except PDFPasswordIncorrect:
        raise _encrypted(path) from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise AuditError(f"{path}: is a damaged PDF that cannot be read ({exc}); export it again "
                         "from the program that made it.") from None
    return ReadDocument(path=Path(path), title=title or builder.first_title(), passages=tuple(builder.passages))


def _refuse_encrypted(path: Path) -> None:
    import pikepdf

    try:
        with pikepdf.open(path):
            pass
    except pikepdf.PasswordError:
        raise _encrypted(path) from None
    except pikepdf.PdfError as exc:
        raise AuditError(f"{path}: is a damaged PDF that cannot be read ({exc}); export it again "
                         "from the program that made it.") from None


def _encrypted(path: Path) -> AuditError:
    return AuditError(f"{path}: is password-protected (encrypted). Save or export a copy without "
                      "a password and audit that copy.")


def _turned(obj) -> bool:
    """Return whether ``obj`` is a character set at an angle (a watermark), not level body text."""
    if obj.get("object_type") != "char":
        return False
    a, b, c, d = obj["matrix"][:4]
    return abs(b) > 1e-3 * max(abs(a), abs(d), 1e-9) or abs(c) > 1e-3 * max(abs(a), abs(d), 1e-9)


def _read_page(page, number: int, builder: _PassageBuilder) -> None:
    page = page.filter(lambda obj: not _turned(obj))
    lines = page.extract_text_lines(return_chars=True, strip=True)
    if not lines:
        return
    body = _body_size(lines)
    top, bottom = page.height * _MARGIN, page.height * (1 - _MARGIN)
    current: list[str] = []
    kind = "paragraph"
    last_bottom = None
    left = min(line["x0"] for line in lines)
    right = max(line["x1"] for line in lines)

    level = 2

    def flush():
        if current:
            builder.add(" ".join(current), kind, page=number, level=level)
            current.clear()

    for line in lines:
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        size = max(c["size"] for c in chars)
        if size < body - 0.5 and (line["top"] < top or line["bottom"] > bottom):
            continue  # running header or footer
        heading = size > body + 0.5 or all("bold" in c["fontname"].lower() for c in chars)
        line_kind = "heading" if heading else ("list" if _BULLET.match(line["text"]) else "paragraph")
        if _LEADER.search(line["text"]) or _contents_line(chars, right, size):
            continue  # a table of contents line: its text is the heading, found again later
        gap = line["top"] - last_bottom if last_bottom is not None else 0
        numbered = line_kind == "paragraph" and line["x0"] <= left + 2 and _NUMBERED.match(line["text"])
        # A list item's wrapped lines are plain lines under it: they continue the item.
        continues_item = kind == "list" and line_kind == "paragraph" and line["x0"] > left + 2
        starts_new = (
            (line_kind != kind and not continues_item)
            or line_kind == "list"
            or gap > size * 0.6
            or numbered
        )
        if starts_new:
            flush()
            kind = line_kind
            level = 1 if size > body + 2 else 2
        text = _BULLET.sub("", line["text"]) if line_kind == "list" and not current else line["text"]
        current.append(text)
        last_bottom = line["bottom"]
    flush()


def _contents_line(chars, right: float, size: float) -> bool:
    """Return whether a line is a contents entry whose dots are not text: it ends in a page number
    set flush right, after a gap of at least three type sizes (drawn dots, a tab, or nothing)."""
    last_word: list = []
    for char in reversed(chars):
        if last_word and char["x1"] < last_word[-1]["x0"] - size * 0.15:
            break
        last_word.append(char)
    number = "".join(c["text"] for c in reversed(last_word))
    if len(last_word) == len(chars) or not _PAGE_NUMBER.match(number):
        return False
    gap = last_word[-1]["x0"] - chars[len(chars) - len(last_word) - 1]["x1"]
    return gap >= size * 3 and last_word[0]["x1"] >= right - size * 0.5


def _body_size(lines) -> float:
    """Return the most common type size on the page, weighted by characters: the body text."""
    sizes = Counter(round(c["size"], 1) for line in lines for c in line["chars"] if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 11.0
