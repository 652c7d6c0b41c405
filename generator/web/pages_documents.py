"""Preview and downloads: the documents as HTML, DOCX, PDF, or all in one zip.

The text comes from ``assemble``, ``register_view`` and the writers ``marac build`` uses, after
the same policy gate, so a download is the file the command would write. A document whose text
is not its issued edition's is marked as a draft (a document no edition has been issued for, such
as the annex today, counts as a draft).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..build import output_path
from ..document.assemble import assemble
from ..document.model import Document
from ..errors import PolicyError
from ..policy.gate import gate_one, require_clean
from ..register.drafts import register_view
from ..render import writer
from .dashboard import file_stamp
from .safety import CSP_DOCUMENT, Refused
from .site import Site, message_of

DOWNLOADS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}


_CACHE: dict[tuple, Document] = {}


def _document(site: Site, key: str, kind: str) -> Document:
    """Return the document as marac build writes it (``meta.draft`` says whether it is a draft), after
    the policy gate.

    Remembered until a file in the Marac's folder changes (its settings, logo, house style or
    register), so the preview page and the document in its frame assemble the text once.
    Refuses (``Refused``) an unknown document and settings with errors, and (``RegisterError``)
    a damaged register.
    """
    if kind not in site.library.documents:
        raise Refused(404, f"There is no document '{kind}'; the documents are {', '.join(site.library.documents)}.")
    config = site.config(key)
    folder = config.parent
    files = folder_stamp(folder)
    stamp = (str(config.resolve()), kind, files, site.library.version, site.day())
    if files is None:  # too many files to watch: assemble every time rather than risk a stale file
        return _assembled(site, config, kind)
    if stamp not in _CACHE:
        while len(_CACHE) >= 32:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[stamp] = _assembled(site, config, kind)
    return _CACHE[stamp]


def _assembled(site: Site, config, kind: str) -> Document:
    result = gate_one(config, site.library, site.day())
    try:
        loaded = require_clean(result)
    except PolicyError as exc:
        raise Refused(400, "The documents cannot be built until these are fixed on the settings page:\n"
                      + "\n".join(message_of(p) for p in exc.problems if p.severity == "error")) from None
    # What marac build writes: the register's view (DRAFT unless this text is the issued edition,
    # dated schedules, version history). A download is a page view, so nothing is recorded.
    return register_view(loaded, assemble(loaded, site.library, kind), site.day(), record=False)


# A Marac's folder holds a few files (settings, logo, reference.docx, the register); a folder
# with more than this is not watched, and its documents are assembled on every request.
_MOST_FILES_WATCHED = 2000


def folder_stamp(folder: Path) -> tuple | None:
    """Return (relative path, modification time, size) of every file under ``folder``, sorted: any
    file a document reads from it (a logo named anywhere in it, reference.docx, the register)
    changes the stamp. Returns None for a folder with more files than are watched."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            found.append((path.relative_to(folder).as_posix(), file_stamp(path)))
            if len(found) > _MOST_FILES_WATCHED:
                return None
    return tuple(found)


def _attachment(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={"content-disposition": f'attachment; filename="{name}"'})


def routes(site: Site) -> list[Route]:
    """Return the preview and download routes."""

    async def preview(request: Request):
        key, kind = request.path_params["key"], request.path_params["kind"]
        document = _document(site, key, kind)
        return site.page(request, "preview.html", title=f"{document.meta.title}: preview", key=key, kind=kind,
                         document=document, draft=document.meta.draft)

    async def html(request: Request):
        document = _document(site, request.path_params["key"], request.path_params["kind"])
        return Response(writer("html")(document), media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": CSP_DOCUMENT})

    async def download(request: Request):
        fmt = request.path_params["fmt"]
        if fmt not in DOWNLOADS:
            raise Refused(404, "Documents download as docx or pdf.")
        document = _document(site, request.path_params["key"], request.path_params["kind"])
        name = output_path(site.root, document, fmt).name
        return _attachment(await run_in_threadpool(writer(fmt), document), name, DOWNLOADS[fmt])

    async def everything(request: Request):
        key = request.path_params["key"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for kind in site.library.documents:
                document = _document(site, key, kind)
                for fmt in DOWNLOADS:
                    info = zipfile.ZipInfo(output_path(site.root, document, fmt).name, date_time=(1980, 1, 1, 0, 0, 0))
                    archive.writestr(info, writer(fmt)(document), zipfile.ZIP_DEFLATED)
        return _attachment(buffer.getvalue(), f"{key}-documents.zip", "application/zip")

    return [Route("/m/{key}/preview/{kind}", preview), Route("/m/{key}/document/{kind}.html", html),
            Route("/m/{key}/download/{kind}.{fmt}", download), Route("/m/{key}/all.zip", everything)]


__all__ = ["routes", "drafts"]
