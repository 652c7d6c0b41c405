"""A Marac's own Word house style: ``reference.docx`` beside marac.yaml.

The DOCX writer picks style names only; how each style looks comes from a reference document.
A Marac may supply its own (its fonts, colours, logo-free letterhead margins), made by editing
a copy of the shipped templates/reference.docx in Word and keeping every style name. This module
reads it and refuses one that lacks a style the writer uses, naming the style, so the problem
shows in ``marac check`` rather than as a broken document.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import ConfigError, Problem

HOUSE_STYLE_NAME = "reference.docx"
MAX_REFERENCE_BYTES = 10 * 1024 * 1024

# Every style the DOCX writer asks for, by the name Word shows, with its type. The writer
# (generator/render/docx_inline.py) reads this list, so it is the one place they are named.
PARAGRAPH_STYLES = (
    "Normal", "Body Text", "Numbered Paragraph", "Title", "Subtitle", "Subtitle Line", "Document Meta", "Note",
    "Small", "Quote", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number",
    "Caption", "Table Text", "Table Heading", "Header", "Footer", "TOC Heading", "TOC 1", "TOC 2",
    "Title Page Detail", "Draft Mark",
)
CHARACTER_STYLES = ("Hyperlink",)
TABLE_STYLES = ("Marac Table",)


def find_house_style(folder: Path) -> Path | None:
    """Return ``reference.docx`` in the Marac's folder, or None if there is none."""
    path = folder / HOUSE_STYLE_NAME
    return path if path.is_file() else None


def load_house_style(path: Path) -> bytes:
    """Return the bytes of a Marac's reference.docx.

    Refuses (``ConfigError`` naming the file and each missing style) a file over 10 MB, one
    that is not a Word document, and one that lacks a paragraph, character or table style the
    writer uses (see ``PARAGRAPH_STYLES``).
    """
    def refuse(message: str) -> ConfigError:
        return ConfigError([Problem(str(path), None, "", message)])

    try:
        if path.stat().st_size > MAX_REFERENCE_BYTES:
            raise refuse("is larger than 10 MB; a style reference holds styles, not content: "
                         "delete its text and pictures and save it again")
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or exc})") from None
    # Imported here: zipfile (with its compression modules) costs `check` and `status` about 3 ms
    # at start-up, and only a Marac with its own house style needs it.
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            styles = package.read("word/styles.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        raise refuse("is not a Word document (.docx) with styles; save it from Word as a .docx, "
                     "or remove it to use the shipped house style") from None
    missing = missing_styles(styles)
    if missing:
        raise refuse(f"lacks the style(s) {', '.join(missing)}; start from a copy of the shipped "
                     "templates/reference.docx and keep every style name (change how a style looks, "
                     "never its name)")
    return data


def missing_styles(styles_xml: str) -> list[str]:
    """Return the required style names that ``styles_xml`` does not define with the right type.

    Names compare without case: Word stores its built-ins as "heading 1", "toc 1", "header"."""
    defined = set()
    for match in re.finditer(r"<w:style\b([^>]*)>(.*?)</w:style>", styles_xml, flags=re.S):
        kind = re.search(r'w:type="(\w+)"', match.group(1))
        name = re.search(r'<w:name w:val="([^"]*)"', match.group(2))
        if kind and name:
            defined.add((kind.group(1), name.group(1).lower()))
    wanted = ([(n, "paragraph") for n in PARAGRAPH_STYLES] + [(n, "character") for n in CHARACTER_STYLES]
              + [(n, "table") for n in TABLE_STYLES])
    return [name for name, kind in wanted if (kind, name.lower()) not in defined]
