"""The DOCX package around the text: the shipped reference.docx (or a Marac's own, styles only),
core properties, and a reproducible zip.

A reference gives a document its styles, numbering, theme, fonts and page setup, never any
words: ``styles_only`` empties its body, drops its headers and footers (the writer adds its own),
its comments, pictures, links, Quick Parts, custom properties and thumbnail, and a template it
names (Word would fetch one named by a web address). ``settings.house_style`` refuses a Marac's
reference that holds text in the first place; this is the writer's own guarantee, so that
nothing outside the edition fingerprint can reach a partner's copy.

python-docx stamps every zip entry with the wall-clock time and the core properties with
whatever the reference holds, so two builds of the same document would differ byte for
byte. A partner who is sent the same edition twice should get the same file, and a build
that changes nothing should change no file: everything time-like here comes from the
document's own date.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..document.model import DocumentMeta
from ..resources import data_dir

REFERENCE_NAME = "reference.docx"
# The zip format cannot hold dates before 1980; it is also our fallback for a missing date.
_ZIP_EPOCH = dt.datetime(1980, 1, 1)
# Office wants [Content_Types].xml first; the rest follow in name order so the entry order
# never depends on how python-docx happened to walk the relationships.
_FIRST = "[Content_Types].xml"


# The parts of a reference the writer uses, by their relationship from the main document.
_KEPT_PARTS = frozenset({RT.STYLES, RT.NUMBERING, RT.SETTINGS, RT.FONT_TABLE, RT.THEME, RT.WEB_SETTINGS,
                         RT.FOOTNOTES, RT.ENDNOTES,
                         "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"})
_KEPT_PACKAGE_PARTS = frozenset({RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES, RT.EXTENDED_PROPERTIES})
_ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
_SECTION_PARTS = {qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg")}


def styles_only(word) -> None:
    """Leave of the python-docx ``word`` (just opened over a reference.docx) only what styles
    the document: an empty body holding the last section's page setup, no header or footer,
    and the style, numbering, settings, font and theme parts. Returns nothing; refuses nothing.
    """
    body = word.element.body
    last_section = body.sectPr
    for child in list(body):
        if child is not last_section:
            body.remove(child)  # paragraphs, tables, content controls; sections inside paragraphs too
    if last_section is not None:
        for child in list(last_section):
            if child.tag in _SECTION_PARTS:  # the reference's headers, footers, "different first page"
                last_section.remove(child)
    for r_id, rel in list(word.part.rels.items()):
        if rel.is_external or rel.reltype not in _KEPT_PARTS:
            del word.part.rels[r_id]
    settings = word.settings.element
    for name in ("w:attachedTemplate", "w:evenAndOddHeaders", "w:docVars"):
        for element in settings.findall(qn(name)):
            settings.remove(element)
    settings_part = word.part.part_related_by(RT.SETTINGS)
    for r_id, rel in list(settings_part.rels.items()):
        if rel.is_external or rel.reltype == _ATTACHED_TEMPLATE:
            del settings_part.rels[r_id]
    package = word.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype not in _KEPT_PACKAGE_PARTS:
            del package.rels[r_id]  # custom properties, a thumbnail of the reference's first page
        elif rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            # Its company, manager and "Application" are the reference's; marac's own say marac
            # wrote the file (output_guard reads that before writing over it).
            rel.target_part._blob = _shipped_part("docProps/app.xml")


@functools.cache
def _shipped_part(name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(reference_bytes())) as package:
        return package.read(name)


@functools.cache
def reference_bytes() -> bytes:
    """Return the bytes of ``templates/reference.docx``, read once per process.

    Refuses (``FileNotFoundError``) when the file is missing, which means a broken install.
    """
    return (data_dir("templates") / REFERENCE_NAME).read_bytes()


def document_timestamp(iso_date: str) -> dt.datetime:
    """Return noon (UTC) on ``iso_date``, or 1 January 1980 if it is empty or not a date.

    Noon rather than midnight so that Word, which shows the time in the reader's own zone,
    shows the same calendar day everywhere from Hawaii to New Zealand.
    """
    try:
        day = dt.date.fromisoformat(iso_date)
    except (TypeError, ValueError):
        return _ZIP_EPOCH
    return max(dt.datetime(day.year, day.month, day.day, 12), _ZIP_EPOCH)


def set_core_properties(core, meta: DocumentMeta, title: str, edition: str) -> None:
    """Fill python-docx ``core_properties`` from the document's meta, never from the clock.

    Every field is set, so nothing the reference.docx held (its own title, python-docx's
    "generated by" comment) leaks into a partner's copy.
    """
    stamp = document_timestamp(meta.date)
    core.title = fit_property(title)
    core.subject = fit_property(meta.subject)
    core.author = fit_property(meta.marac)
    core.last_modified_by = fit_property(meta.marac)
    core.keywords = fit_property("; ".join(meta.keywords))
    core.language = meta.language or "en-GB"
    core.category = fit_property(meta.title)
    core.version = meta.version
    core.identifier = meta.fingerprint
    library = f"; clause library {meta.library_version}" if meta.library_version else ""
    core.comments = fit_property(f"{edition}{library}")
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
    core.revision = 1


CORE_PROPERTY_LIMIT = 255  # characters, per text property of docProps/core.xml (python-docx enforces it)


def fit_property(text: str) -> str:
    """Return ``text`` as it fits a DOCX core property: whole when it fits, else cut at a word
    boundary with an ellipsis. Only the file's properties are shortened, never the document text."""
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > CORE_PROPERTY_LIMIT // 2 else cut).rstrip(" ,;:(") + "\u2026"


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Return ``data`` (a zip) rewritten so that equal content gives equal bytes.

    Every entry gets the timestamp ``when`` (clamped to 1980 or later), keeps its own
    compression, loses platform-dependent attributes, and entries are written in a stable
    order. Refuses (``zipfile.BadZipFile``) data that is not a zip.
    """
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        entries = sorted(source.infolist(), key=lambda info: (info.filename != _FIRST, info.filename))
        for entry in entries:
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = entry.compress_type
            # ZipInfo records the writing OS (0 on Windows, 3 elsewhere) and file modes;
            # pin both (Unix, rw-r--r--) so a build on a laptop matches one on a server.
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            target.writestr(info, source.read(entry.filename), compresslevel=6)
    return out.getvalue()
