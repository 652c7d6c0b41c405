"""The web app's safety layer: loopback-only Host, CSRF tokens, security headers, body limits.

The app holds who signs a domestic-abuse protocol, so it answers only a browser on this
machine: a request whose Host is not the loopback address and port (DNS rebinding) is refused
before any page runs, every form carries a per-process CSRF token, and no page may run inline
script. Bodies are limited in size before they are read.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK = "127.0.0.1"
MAX_FORM_BYTES = 1 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
# The document preview is the HTML writer's page, whose stylesheet is a <style> element.
CSP_DOCUMENT = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class Refused(Exception):
    """A request the safety layer refuses: status code and a message for the person."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def allowed_hosts(port: int) -> set[str]:
    """Return the Host header values a browser on this machine sends to the app on ``port``."""
    return {f"{LOOPBACK}:{port}", f"localhost:{port}"}


class LoopbackOnly:
    """ASGI middleware: refuses (421) any Host but the loopback address and port, and any
    body larger than the limit (413); adds the security headers to every response."""

    def __init__(self, app: ASGIApp, port: int):
        self.app = app
        self.port = port
        self.hosts = allowed_hosts(port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host", "") not in self.hosts:
            response = PlainTextResponse(
                f"Refused: this app answers only http://{LOOPBACK}:{self.port}/ on this computer.", status_code=421)
            await response(scope, receive, send)
            return
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES + 64 * 1024:
            response = PlainTextResponse(
                f"Refused: a request may carry at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", status_code=413)
            await response(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"SAMEORIGIN"), (b"cache-control", b"no-store")]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", CSP.encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Csrf:
    """The per-process CSRF token every form carries and every POST must return."""

    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_urlsafe(32)

    def check(self, given: str | None) -> None:
        """Return when ``given`` is the token; refuses (``Refused`` 403) anything else."""
        if not given or not hmac.compare_digest(str(given), self.token):
            raise Refused(403, "This form has expired or did not come from this app (its security token "
                               "does not match). Go back, reload the page and try again.")


def same_origin(request: Request, port: int) -> None:
    """Refuse (403) a POST whose Origin header, when a browser sends one, is another site."""
    origin = request.headers.get("origin")
    if origin and origin not in {f"http://{host}" for host in allowed_hosts(port)}:
        raise Refused(403, "This form was sent from another web site; it was refused.")


async def read_form(request: Request, csrf: Csrf, port: int, max_files: int = 0) -> FormData:
    """Return the POSTed form after the origin and CSRF checks; refuses (``Refused``) others.

    Non-file fields are limited to ``MAX_FORM_BYTES`` each, and at most ``max_files`` files.
    """
    same_origin(request, port)
    try:
        form = await request.form(max_files=max_files, max_fields=5000, max_part_size=MAX_FORM_BYTES)
    except Exception as exc:  # a malformed or oversized body; the framework's own wording is technical
        raise Refused(400, f"The form could not be read ({type(exc).__name__}); go back and try again.") from None
    csrf.check(form.get("csrf"))
    return form
