"""May a command write to this path? One answer for every writer of a file the user names.

``marac reviews --ics FILE``, ``marac status --record DIR`` and ``marac build -o DIR`` write
where they are told. A typo there must never cost a Marac its records, so:

- the Marac's records (``marac.yaml``, ``signatures.yaml``, ``editions/`` and its index, and
  the lock files beside them) are never written over by these commands, not even with
  ``--force``: the ledger is never replaced by a calendar or a PDF;
- any other existing file is written over only if marac made it (an unsigned marac PDF, a
  marac DOCX, HTML page or calendar), or with ``--force``;
- a folder, a device or a pipe at the path is refused;
- ``marac build -o DIR`` never writes into a Marac's folder: DIR may not be a Marac folder, lie
  inside one, or hold a Marac being built (it gets a ``<slug>/`` folder and build-manifest.json).

Imports nothing of the project but ``errors``, so every stage may call it.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from .errors import MaracError

RECORD_NAMES = frozenset({"marac.yaml", "signatures.yaml", "editions.yaml"})
EDITIONS_FOLDER = "editions"
_SNIFF_BYTES = 64 * 1024
_MAX_PDF_BYTES = 200 * 1024 * 1024  # a bigger PDF is no marac output; do not open it to find out


class OverwriteRefused(MaracError):
    """A command was about to write over a record or over a file marac did not make."""


def check_target(path: Path, force: bool = False) -> None:
    """Return quietly when a command may write the file ``path``; refuse otherwise.

    Refuses (``OverwriteRefused``, naming the file and the fix): a path that is one of a
    Marac's records or lies inside its ``editions/`` folder (always, even with ``force``), a
    folder, device or pipe at the path, and an existing file marac did not make (unless
    ``force``). A symbolic link is judged by what it points to, and is replaced by the new
    file, never written through.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    for candidate in {path.absolute(), real}:
        if is_record(candidate):
            raise OverwriteRefused(
                f"{path}: is one of the Marac's records (marac.yaml, signatures.yaml or a file in editions/), "
                "so nothing was written. These files are only changed by the commands that keep them "
                "(marac issue, sign, signatures import); choose another file name for this output.")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return  # nothing there yet (or a dangling link, which the new file replaces)
    except OSError as exc:
        raise OverwriteRefused(f"{path}: cannot be checked ({exc.strerror or exc}); nothing was written") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not an ordinary file (a device, a pipe or a socket)"
        raise OverwriteRefused(f"{path}: is {kind}, so nothing was written; give the path of a file to write")
    if force or made_by_marac(real):
        return
    raise OverwriteRefused(
        f"{path}: already exists and was not written by marac (or has been changed since, e.g. saved in "
        "Word or signed), so nothing was written. Choose another name or folder, or add --force to "
        "replace it.")


CONFIG_NAME = "marac.yaml"


def check_output_folder(output: Path, marac_folders=()) -> None:
    """Return quietly when ``marac build`` may write into the folder ``output``; refuse otherwise.

    Refuses (``OverwriteRefused``, naming both folders and the fix) an output folder that is a
    Marac's folder (one holding ``marac.yaml``, or any of ``marac_folders``) or lies inside one,
    and one that directly holds one of ``marac_folders``: a build writes ``OUTPUT/<slug>/`` and
    ``OUTPUT/build-manifest.json``, so either would put files among a Marac's settings and
    records. Links are followed on both sides. Writes nothing.
    """
    output = Path(output)
    real = Path(os.path.realpath(output))
    folders = {Path(os.path.realpath(folder)): Path(folder) for folder in marac_folders}
    fix = ("marac build writes a folder per Marac and its build-manifest.json into the output folder, so "
           "nothing was written. Give an output folder outside every Marac folder, such as output/ "
           "beside local_configs/ (the default, when run from there)")
    for candidate in (real, *real.parents):
        if candidate in folders or os.path.lexists(candidate / CONFIG_NAME):
            shown = folders.get(candidate, candidate)
            where = "is the Marac folder" if candidate == real else "is inside the Marac folder"
            raise OverwriteRefused(f"{output}: {where} {shown} (it holds {CONFIG_NAME}); {fix}.")
    for folder, shown in folders.items():
        if folder.parent == real:
            raise OverwriteRefused(
                f"{output}: holds the Marac folder {shown}, and the documents of a Marac go into "
                f"OUTPUT/<its slug>/, which may be that very folder; {fix}.")


def is_record(path: Path) -> bool:
    """Return True when ``path`` is one of a Marac's records, or inside its ``editions/`` folder."""
    name = path.name
    if name in RECORD_NAMES or (name.endswith(".lock") and name[: -len(".lock")] in RECORD_NAMES):
        return True
    for folder in path.parents:
        if folder.name == EDITIONS_FOLDER and (folder.parent / "marac.yaml").exists():
            return True
    return False


def made_by_marac(path: Path) -> bool:
    """Return True when the regular file at ``path`` is, by its content, one marac wrote unchanged in kind.

    A calendar carries marac's PRODID, an HTML page marac's generator tag, a DOCX marac as its
    application (Word puts its own name there when it saves), and a PDF marac's edition reference
    and no signature (a signed copy is a record of a partner's signature, never output to replace).
    Anything else, or anything that cannot be read, is not marac's.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".ics":
            return b"PRODID:-//Marac protocols//" in _head(path)
        if suffix == ".html":
            return b'<meta name="generator" content="marac' in _head(path)
        if suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                return b"<Application>marac</Application>" in package.read("docProps/app.xml")
        if suffix == ".pdf":
            return _unsigned_marac_pdf(path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return False
    return False


def _head(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(_SNIFF_BYTES)


def _unsigned_marac_pdf(path: Path) -> bool:
    if path.stat().st_size > _MAX_PDF_BYTES or not _head(path).startswith(b"%PDF-"):
        return False
    import pikepdf  # only when a PDF is about to be replaced

    try:
        with pikepdf.open(path) as pdf:
            if "/edition" not in pdf.docinfo:
                return False
            form = pdf.Root.get("/AcroForm")
            fields = form.get("/Fields") if form is not None else None
            return not any(field.get("/V") is not None for field in (fields or []))
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError):
        return False
