"""Read a Marac's logo (``logo.png`` or ``logo.svg`` beside marac.yaml, or ``marac.logo``).

This is the only place the logo is read from disk: the model carries its bytes and the
writers never open a file. A logo is refused, with the file and the fix, when it is not a
PNG or an SVG, is larger than 2 MB, is an SVG that could make a reader (Word, LibreOffice,
WeasyPrint, a browser) fetch or run anything outside the file itself, or is an SVG whose text
(what it draws, its title and description, its aria labels) names Immigration Enforcement
(guidance G03): the logo is printed on every title page, and no Marac document may show the Home
Office, Border Force or UKVI as a member, recipient or signatory.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path

from ..image import Image
from ..errors import ConfigError, Problem

MAX_LOGO_BYTES = 2 * 1024 * 1024
DEFAULT_NAMES = ("logo.png", "logo.svg")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SVG = "http://www.w3.org/2000/svg"
# Elements that embed or run something from outside the drawing (or a second document inside it).
_REFUSED_ELEMENTS = {"script", "foreignObject", "image", "iframe", "embed", "object", "audio", "video"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)


class LogoRefused(ValueError):
    """The logo file cannot be used; the message says why and what to do."""


def find_logo(folder: Path, setting: str | None) -> Path | None:
    """Return the logo file for a Marac folder: ``setting`` (relative to the folder) if given,
    else ``logo.png`` or ``logo.svg`` beside marac.yaml, else None."""
    if setting:
        return folder / setting
    for name in DEFAULT_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def load_logo(path: Path, display: str, line: int | None, alt: str) -> Image:
    """Return the logo at ``path`` as a model ``Image`` with ``alt`` as its alternative text.

    Refuses (``ConfigError`` naming ``display`` and the fix) a missing or unreadable file, a
    file over 2 MB, a file that is neither a PNG nor an SVG, and an unsafe SVG (see ``check_svg``).
    """
    # Named by marac.logo: the message points at that line and names the file; found beside
    # marac.yaml: the message points at the file itself.
    field = "marac.logo" if line is not None else ""
    where = display if line is not None else str(path)
    name = f"{path.name} " if line is not None else ""

    def refuse(message: str) -> ConfigError:
        return ConfigError([Problem(where, line, field, message)])

    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise refuse(f"{name}is {size / 1024 / 1024:.1f} MB; a logo may be at most 2 MB: "
                         "save a smaller PNG (about 600 pixels wide is plenty) or an SVG")
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(f"the logo {path} cannot be read ({exc.strerror or exc}); "
                     "check the file name, or remove marac.logo") from None
    try:
        media_type = sniff(data)
        if media_type == "image/svg+xml":
            check_svg(data)  # its words are read by the G03 check (policy/g03.py)
    except LogoRefused as exc:
        raise refuse(f"{name}{exc}") from None
    return Image(data=data, media_type=media_type, alt=alt)


def sniff(data: bytes) -> str:
    """Return "image/png" or "image/svg+xml" from the file's content (never its name).

    Refuses (``LogoRefused``) anything else, including a PNG too damaged to have a size.
    """
    if data.startswith(PNG_MAGIC):
        if png_size(data) is None:
            raise LogoRefused("is not a whole PNG image; export it again from your drawing program")
        return "image/png"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return "image/svg+xml"
    raise LogoRefused("is not a PNG or SVG image; save the logo as logo.png or logo.svg")


def png_size(data: bytes) -> tuple[int, int] | None:
    """Return a PNG's (width, height) in pixels from its IHDR chunk, or None if it has none."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return (width, height) if width and height else None


def svg_size(data: bytes) -> tuple[float, float] | None:
    """Return an SVG's (width, height) in user units from its viewBox or width/height, or None."""
    found: dict[str, str] = {}

    def start(name, attributes):
        if not found:
            found.update(attributes)
            found.setdefault("_seen", "1")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return None
    box = found.get("viewBox", "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return float(box[2]), float(box[3])
        width, height = (float(re.sub(r"[a-z%]+$", "", found.get(k, ""))) for k in ("width", "height"))
        return (width, height) if width > 0 and height > 0 else None
    except ValueError:
        return None


def check_svg(data: bytes) -> None:
    """Check that an SVG is self-contained. Returns nothing; refuses (``LogoRefused``):

    a DOCTYPE or entity (the way XML pulls in other files), a root that is not ``<svg>``,
    ``<script>``, ``<foreignObject>``, ``<image>`` and other embedding elements, any ``href``
    (``xlink:href`` too) that does not point inside the file (``#id``), ``url(...)`` to
    anywhere but ``#id``, ``@import`` in a stylesheet, and event attributes (``onload``).
    It is parsed with expat directly, so no entity is ever expanded and nothing is fetched.
    """
    depth = [0]
    text_in_style: list[str] = []
    in_style = [False]

    def refuse(message: str):
        raise LogoRefused(f"{message}; a logo must be a self-contained drawing: save it again as a "
                          "plain SVG (in Inkscape: Save As, Plain SVG, with images embedded as paths) or as a PNG")

    def doctype(*_):
        refuse("declares a DOCTYPE or entities")

    def start(name: str, attributes: dict[str, str]):
        namespace, _, local = name.rpartition(" ")
        if depth[0] == 0 and (local != "svg" or namespace not in ("", _SVG)):
            refuse("is not an SVG drawing (its outer element is not <svg>)")
        depth[0] += 1
        if local in _REFUSED_ELEMENTS:
            refuse(f"contains <{local}>, which embeds or runs something outside the drawing")
        for attribute, value in attributes.items():
            attr_local = attribute.rpartition(" ")[2]
            if attr_local.lower().startswith("on"):
                refuse(f"has an event attribute {attr_local}= (a script)")
            if attr_local == "href" and not value.strip().startswith("#"):
                refuse(f"<{local}> links to {value!r}, outside the file")
            _check_urls(value, refuse)
        in_style[0] = local == "style"

    def end(name: str):
        in_style[0] = False

    def characters(text: str):
        if in_style[0]:
            text_in_style.append(text)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = lambda *_: refuse("refers to an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise LogoRefused(f"is not well-formed XML ({exc}); export it again as a plain SVG") from None
    style = "".join(text_in_style)
    if _IMPORT.search(style):
        refuse("has a stylesheet that imports another file")
    _check_urls(style, refuse)


# Attributes whose words a reader shows or speaks (a screen reader reads aria-label as the name).
_SPOKEN_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "alt", "title"}


def svg_texts(data: bytes) -> list[str]:
    """Return the words an SVG holds for people: the character data of every element but
    ``<style>`` (``<text>``, ``<tspan>``, ``<textPath>``, ``<title>``, ``<desc>``, metadata) and
    the aria labels, one entry per element or attribute. An SVG that does not parse gives []
    (``check_svg`` refuses it)."""
    texts: list[str] = []
    stack: list[list[str]] = []

    def start(name: str, attributes: dict[str, str]):
        stack.append([])
        for attribute, value in attributes.items():
            if attribute.rpartition(" ")[2].lower() in _SPOKEN_ATTRIBUTES and value.strip():
                texts.append(value)

    def end(name: str):
        own = "".join(stack.pop())
        if name.rpartition(" ")[2] != "style" and own.strip():
            texts.append(own)
            if stack:  # "<text>Home <tspan>Office</tspan></text>" reads as one line
                stack[-1].append(own)

    def characters(text: str):
        if stack:
            stack[-1].append(text)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return []
    return texts


def _check_urls(text: str, refuse) -> None:
    for target in _URL.findall(text):
        if not target.startswith("#"):
            refuse(f"refers to url({target}), outside the file")
