"""A Marac's own Word house style: ``reference.docx`` beside marac.yaml.

The DOCX writer picks style names only; how each style looks comes from a reference document.
A Marac may supply its own (its fonts, colours, logo-free letterhead margins), made by editing
a copy of the shipped templates/reference.docx in Word and keeping every style name. This module
reads it and refuses one that lacks a style the writer uses, naming the style, so the problem
shows in ``marac check`` rather than as a broken document.

A reference gives styles only, never words: every word of a Marac document comes from marac,
so that the edition fingerprint partners sign covers all of it. A reference whose body,
headers, footers, footnotes, endnotes or comments hold any text, or whose list numbering
holds words ("Home Office %1"), is refused too, naming the file and what to delete. (The DOCX
writer also starts from an empty body and its own header and footer, whatever the reference
holds; see ``render.docx``.)
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
    that is not a Word document, one that lacks a paragraph, character or table style the
    writer uses (see ``PARAGRAPH_STYLES``), and one that holds text (see ``text_places``).
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
    import zlib

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        styles = package.read("word/styles.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, RuntimeError, ValueError):
        raise refuse("is not a Word document (.docx) with styles; save it from Word as a .docx, "
                     "or remove it to use the shipped house style") from None
    with package:
        missing = missing_styles(styles)
        if missing:
            raise refuse(f"lacks the style(s) {', '.join(missing)}; start from a copy of the shipped "
                         "templates/reference.docx and keep every style name (change how a style looks, "
                         "never its name)")
        try:
            places = text_places(package)
        except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, NotImplementedError, EOFError,
                zlib.error):
            raise refuse("is not a whole Word document (.docx): a part of it cannot be read; save it "
                         "again from Word as a .docx, or remove it to use the shipped house style") from None
    if places:
        raise refuse(f"holds text ({'; '.join(places)}); keep only styles in reference.docx: a "
                     "reference gives the documents their look, never their words, which come from "
                     "marac so that the edition partners sign covers every one of them. Delete all its "
                     "text, headers and footers (or start again from a copy of the shipped "
                     "templates/reference.docx), save it and run marac check again")
    return data


# Elements and attributes that hold words a reader sees: WordprocessingML text (also deleted
# text of tracked changes), DrawingML text (text boxes, shapes, SmartArt) and VML WordArt.
_TEXT = re.compile(r"<(?:w:t|w:delText|a:t)\b[^>]*>([^<]*)</|<v:textpath\b[^>]*\bstring=\"([^\"]*)\"")
_LEVEL_TEXT = re.compile(r'<w:lvlText\b[^>]*\bw:val="([^"]*)"')
# Parts of a reference whose content a document built over it could show, by what Word calls them.
_PLACES = ((re.compile(r"word/document\d*\.xml"), "in its body"), (re.compile(r"word/header\d*\.xml"), "in a header"),
           (re.compile(r"word/footer\d*\.xml"), "in a footer"), (re.compile(r"word/footnotes\.xml"), "in a footnote"),
           (re.compile(r"word/endnotes\.xml"), "in an endnote"), (re.compile(r"word/comments\w*\.xml"), "in a comment"),
           (re.compile(r"word/glossary/.*\.xml"), "in its Quick Parts (building blocks)"))


def text_places(package) -> list[str]:
    """Return where a reference.docx (an open ``zipfile.ZipFile``) holds text, each with the
    first words found ("in a header: 'Home Office Immigration Enforcement attends'"); [] if none.

    Names are compared without case (a zip tool may write ``Word/Header1.xml``); the list
    numbering counts as text when a level's number format holds a word (``%1.``, ``(%1)`` and
    bullets pass; "Section %1" does not, as it is words the signed text does not hold)."""
    found = []
    for name in sorted(package.namelist()):
        lowered = name.lower()
        place = next((label for pattern, label in _PLACES if pattern.fullmatch(lowered)), None)
        if place is None and lowered == "word/numbering.xml":
            xml = _read_text(package, name)
            words = [v for v in _LEVEL_TEXT.findall(xml) if re.search(r"[^\W\d_]{2,}", re.sub(r"%\d", "", v))]
            if words:
                found.append(f"in its list numbering: {_shown(words[0])}")
            continue
        if place is None:
            continue
        words = " ".join("".join(parts) for parts in _TEXT.findall(_read_text(package, name))).split()
        if words:
            found.append(f"{place}: {_shown(' '.join(words))}")
    return list(dict.fromkeys(found))


def _read_text(package, name: str) -> str:
    info = package.getinfo(name)
    if info.file_size > MAX_REFERENCE_BYTES * 4:  # a part that inflates past this is no style sheet
        return "<w:t>(a part too large to read)</w:t>"
    return package.read(name).decode("utf-8", errors="replace")


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


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
