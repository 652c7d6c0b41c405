"""The register pages: a Marac's status, issuing an edition, recording and importing signatures.

Each form calls the function its command calls (``issue_edition``, ``record_signature``,
``import_signed_copy``); a refusal is shown with the command's own message.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ..errors import MaracError, PolicyError
from ..policy.gate import gate_one, require_clean
from ..register.editions import issue_edition
from ..register.ledger import load_marac, record_signature
from ..register.status import marac_status
from ..render import writer
from ..signing.importer import import_signed_copy
from .safety import MAX_UPLOAD_BYTES, Refused, read_form
from .site import Site, message_of

METHODS = ("wet-ink", "email", "digital")


def marac_page(site: Site, request: Request, key: str, *, status: int = 200, done: list[str] | None = None,
               refusal: str | None = None, form: str | None = None):
    """Return the Marac's page: status per document and the register's forms."""
    config = site.config(key)
    result = gate_one(config, site.library, site.day())
    state = None
    if result.loaded is not None:
        try:
            state = marac_status(result.loaded, site.library)
        except MaracError as exc:
            refusal = refusal or exc.message
    return site.page(request, "marac.html", status=status, title=key, key=key, gate=result, state=state,
                     findings=[message_of(p) for p in result.errors], done=done or [], refusal=refusal,
                     form=form, methods=METHODS, today=site.day().isoformat(),
                     kinds=tuple(site.library.documents), titles={k: d.title for k, d in site.library.documents.items()})


def _refused(site, request, key, exc: MaracError, form: str):
    return marac_page(site, request, key, status=400, refusal=exc.message, form=form)


def routes(site: Site) -> list[Route]:
    """Return the register's routes."""

    async def show(request: Request):
        return marac_page(site, request, request.path_params["key"])

    async def issue(request: Request):
        key = request.path_params["key"]
        form = await read_form(request, site.csrf, site.port)
        config = site.config(key)
        document, version = str(form.get("document", "")), str(form.get("version", "")).strip()
        try:
            loaded = require_clean(gate_one(config, site.library, site.day()))
            notes = {name: str(form.get(name, "")).strip() or None for name in ("summary", "approved_by")}
            outcome = await run_in_threadpool(  # renders the PDF: keep the app answering meanwhile
                issue_edition, loaded, site.library, document, version, _date(form.get("date")),
                today=site.day(), render_pdf=writer("pdf"), **notes)
        except PolicyError as exc:
            return marac_page(site, request, key, status=400, form="issue", refusal=(
                "Nothing was issued. Fix these first (the settings page shows them beside their fields):\n"
                + "\n".join(message_of(p) for p in exc.problems if p.severity == "error")))
        except MaracError as exc:
            return _refused(site, request, key, exc, "issue")
        edition = outcome.edition
        done = [f"Issued the {document.upper()}, {edition.label}." if outcome.created else
                f"{document.upper()} version {edition.version} is already issued with this text ({edition.label})."]
        if outcome.warning:
            done.append(f"Warning: {outcome.warning}")
        return marac_page(site, request, key, done=done)

    async def sign(request: Request):
        key = request.path_params["key"]
        form = await read_form(request, site.csrf, site.port)
        method = str(form.get("method", "wet-ink"))
        entry = {name: str(form.get(name, "")).strip() for name in ("document", "agency", "name", "role", "date")}
        entry["method"] = method if method in METHODS else "wet-ink"
        try:
            signature = record_signature(load_marac(site.config(key), site.day()), entry, site.day())
        except MaracError as exc:
            return _refused(site, request, key, exc, "sign")
        return marac_page(site, request, key, done=[
            f"Recorded: {signature.agency} signed the {signature.document.upper()}, edition {signature.version} "
            f"({signature.name}, {signature.role}, {signature.date}, {signature.method})."])

    async def upload(request: Request):
        key = request.path_params["key"]
        config = site.config(key)
        form = await read_form(request, site.csrf, site.port, max_files=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise Refused(400, "Choose the signed PDF file to upload.")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise Refused(413, f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; that is no signed protocol.")
        if not data.startswith(b"%PDF-") or not upload.filename.lower().endswith(".pdf"):
            raise Refused(415, "Only a PDF file (name ending .pdf) can be imported as a signed copy.")
        loaded = load_marac(config, site.day())
        # The upload waits in a hidden folder inside the Marac's own folder (never the system's
        # temporary folder) and goes once read: the ledger keeps its own copy in evidence/.
        with tempfile.TemporaryDirectory(dir=loaded.folder, prefix=".upload-") as waiting:
            path = Path(waiting) / "signed-copy.pdf"
            path.write_bytes(data)
            try:
                # pyHanko's checks run their own event loop, so they cannot run on the app's.
                outcome = await run_in_threadpool(import_signed_copy, loaded, path, None, site.day())
            except MaracError as exc:
                return _refused(site, request, key, exc, "import")
        done = [f"{outcome.edition.document.upper()} {outcome.edition.label}:"]
        done += [f"Recorded: {s.agency}, signed by {s.name} on {s.date} ({s.certificate_subject})" for s in outcome.recorded]
        done += [f"Already recorded: {agency}" for agency in outcome.already]
        done += [f"Note: {note}" for note in outcome.notes]
        done += [f"Refused: {message}" for message in outcome.refused]
        done.append("Integrity verified; the signer's identity was not checked against a trust list.")
        return marac_page(site, request, key, done=done, status=400 if outcome.refused else 200)

    return [Route("/m/{key}", show), Route("/m/{key}/issue", issue, methods=["POST"]),
            Route("/m/{key}/sign", sign, methods=["POST"]), Route("/m/{key}/import", upload, methods=["POST"])]


def _date(value) -> dt.date | None:
    """Return the form's date (None when left empty); refuses (400) text that is not a date."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(400, f"'{text}' is not a date; give it as YYYY-MM-DD.") from None
