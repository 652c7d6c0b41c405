"""What every page of the web app shares: the served folder, the templates, the CSRF token."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..dates import long_date
from ..errors import Problem
from ..library.clauses import Library, load_library
from ..policy.gate import GateResult, gate_one
from ..settings.loader import CONFIG_NAME
from . import maracs
from .safety import Csrf, Refused

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def environment() -> Environment:
    """Return the Jinja2 environment of the app's templates (autoescaped, undefined names fail)."""
    from jinja2 import StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = long_date
    return env


@dataclass
class Site:
    """The served folder of Maracs and the things every page needs."""

    root: Path
    port: int
    csrf: Csrf = field(default_factory=Csrf)
    env: Environment = field(default_factory=environment)
    today: dt.date | None = None  # fixed only by tests; None means the real date
    opened: dict[str, bytes] = field(default_factory=dict)  # marac.yaml as forms were opened, by hash

    @property
    def library(self) -> Library:
        """Return the clause library (loaded once per process by ``load_library``)."""
        return load_library()

    def day(self) -> dt.date:
        """Return today's date (or the date the tests fixed)."""
        return self.today or dt.date.today()

    def config(self, key: str) -> Path:
        """Return the marac.yaml of the Marac listed as ``key``; refuses (404) any other."""
        try:
            return maracs.find(self.root, key)
        except maracs.UnknownMarac:
            raise Refused(404, f"There is no Marac called '{key}' in {self.root}.") from None

    def remember(self, digest: str, raw: bytes) -> None:
        """Keep the bytes a settings form was opened from, to say later what changed on disk."""
        self.opened[digest] = raw
        while len(self.opened) > 64:
            self.opened.pop(next(iter(self.opened)))

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        """Return ``template`` rendered with the common context (CSRF token, Marac list)."""
        context.setdefault("title", "Marac protocols")
        html = self.env.get_template(template).render(
            request=request, csrf=self.csrf.token, maracs=sorted(maracs.listing(self.root)), **context)
        return HTMLResponse(html, status_code=status)


def gate_text(raw: bytes, library: Library, today: dt.date) -> GateResult:
    """Return the policy gate's findings for marac.yaml text that is not saved yet.

    The text is checked as a file of its own in a temporary folder, by the gate ``marac
    check`` runs, so the form shows exactly the messages the command would.
    """
    with tempfile.TemporaryDirectory(prefix="marac-form-") as folder:
        path = Path(folder) / CONFIG_NAME
        path.write_bytes(raw)
        return gate_one(path, library, today)


def message_of(problem: Problem) -> str:
    """Return a finding as the form shows it: ``[G03] message`` (warnings say so)."""
    tag = f"[{problem.gid}] " if problem.gid else ""
    label = "Warning: " if problem.severity == "warning" else ""
    return f"{label}{tag}{problem.message}"
