"""The Starlette application: routes, error pages, and the dashboard and new-Marac pages.

``create_app(root, port)`` serves the Maracs in ``root``. Every page calls the functions the
CLI calls; error pages say what went wrong in words and never show a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import ConfigError, MaracError
from ..policy.answers import g03_answer_problems
from ..register.calendar_export import review_calendar
from ..register.reviews import collect_reviews
from ..settings.scaffold import NewMarac, answer_problems, create_marac, marac_slug
from . import maracs, pages_documents, pages_register, pages_settings
from .dashboard import STATUSES, STATUS_WORDS, build_dashboard
from .safety import LoopbackOnly, Refused, read_form
from .site import STATIC, Site, message_of

log = logging.getLogger("marac.web")
NEW_FIELDS = ("name", "area", "nation", "coordinator_name", "coordinator_role", "coordinator_agency",
              "coordinator_email", "chair_name", "chair_role", "chair_agency", "governance_group",
              "strategic_partnership", "mop_adopted", "isa_adopted")
NEW_LABELS = {
    "name": "Name of the Marac", "area": "Area it covers", "nation": "Nation (which law applies)",
    "coordinator_name": "Coordinator's name", "coordinator_role": "Coordinator's role",
    "coordinator_agency": "Coordinator's agency", "coordinator_email": "Coordinator's email",
    "chair_name": "Chair's name", "chair_role": "Chair's role", "chair_agency": "Chair's agency",
    "governance_group": "Governance group", "strategic_partnership": "Strategic partnership",
    "mop_adopted": "Operating Protocol adopted on", "isa_adopted": "Information Sharing Agreement adopted on",
}


def dashboard(site: Site):
    """Return the front page: every Marac's documents and reviews, overdue first, filterable by status."""
    async def page(request: Request):
        board = build_dashboard(maracs.listing(site.root), site.day(), site.library)
        wanted = request.query_params.get("status")
        wanted = wanted if wanted in STATUSES else None
        return site.page(request, "dashboard.html", title="Dashboard", board=board, rows=board.only(wanted),
                         wanted=wanted, statuses=STATUSES, words=STATUS_WORDS, static=False)
    return page


def calendar(site: Site):
    """Return the .ics download of every review date (refuses, 404, when there is none)."""
    async def download(request: Request):
        configs = [str(path) for path in maracs.listing(site.root).values()]
        if not configs:
            raise Refused(404, "There are no Maracs here yet, so there are no review dates.")
        report = collect_reviews(configs, site.day())
        try:
            data = review_calendar(report.rows)
        except ValueError:
            raise Refused(404, "No Marac has a review date yet.") from None
        return Response(data, media_type="text/calendar",
                        headers={"content-disposition": 'attachment; filename="marac-reviews.ics"'})
    return download


def new_marac(site: Site):
    """Return the new-Marac page; its form creates the folder with ``create_marac`` (as marac init).

    Answers naming Immigration Enforcement are refused beside the answer (G03) before anything
    is written, as ``marac init`` refuses them.
    """
    async def page(request: Request):
        values = {name: "" for name in NEW_FIELDS}
        values["nation"] = "england"
        problems: dict[str, list[str]] = {}
        general: list[str] = []
        if request.method == "POST":
            form = await read_form(request, site.csrf, site.port)
            values = {name: str(form.get(name, "")).strip() for name in NEW_FIELDS}
            answers, problems = _answers(values)
            if answers is not None:
                refused = g03_answer_problems(answers)
                if refused:  # nothing is written; the schema's problems too, so all are fixed in one pass
                    general.append("Nothing was written: an answer names Immigration Enforcement, which may "
                                   "never receive Marac information (G03). Change the answers marked below.")
                    _place(refused + answer_problems(answers, marac_slug(answers.name)), problems, general)
                else:
                    try:
                        folder = create_marac(site.root, answers)
                    except ConfigError as exc:
                        _place(exc.problems, problems, general)
                    else:
                        return RedirectResponse(f"/m/{folder.name}/settings?new=1", status_code=303)
        status = 400 if problems or general else 200
        return site.page(request, "new.html", status=status, title="A new Marac", values=values,
                         problems=problems, general=general, fields=NEW_FIELDS, labels=NEW_LABELS)
    return page


def _place(found, problems: dict[str, list[str]], general: list[str]) -> None:
    """Put each problem with the answers beside its answer in ``problems``, the rest in ``general``."""
    for problem in found:
        if problem.field in NEW_FIELDS:
            problems.setdefault(problem.field, []).append(message_of(problem))
        elif problem.field == "folder":
            problems.setdefault("name", []).append(f"gives the folder name '{problem.file}', which "
                                                   f"{problem.message}")
        else:
            general.append(problem.render())


def _answers(values: dict[str, str]) -> tuple[NewMarac | None, dict[str, list[str]]]:
    """Return the answers as ``NewMarac`` (None when a date or the nation is unusable) and the problems."""
    problems: dict[str, list[str]] = {}
    dates = {}
    for name in ("mop_adopted", "isa_adopted"):
        try:
            dates[name] = dt.date.fromisoformat(values[name])
        except ValueError:
            problems[name] = [f"'{values[name]}' is not a date; give it as YYYY-MM-DD, e.g. 2026-03-01"]
    if values["nation"] not in ("england", "wales"):
        problems["nation"] = ["choose england or wales"]
    if problems:
        return None, problems
    return NewMarac(**{**values, **dates}), problems


async def refused(request: Request, exc: Refused):
    """Return the page for a request the app refuses, with its status and message."""
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=exc.status, title="Refused", message=exc.message)


async def marac_error(request: Request, exc: MaracError):
    """Return the page for input a command would refuse: its message, status 400."""
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=400, title="Refused", message=exc.message)


async def not_found(request: Request, exc: HTTPException):
    """Return the page for an unknown address or method."""
    site: Site = request.app.state.site
    message = "There is no such page." if exc.status_code == 404 else f"The request was refused ({exc.detail})."
    return site.page(request, "error.html", status=exc.status_code, title="Not found", message=message)


async def crashed(request: Request, exc: Exception):
    """Return the page for a fault in marac itself: no traceback, nothing of the error shown."""
    # The traceback goes to the terminal that runs marac serve, never to the page.
    log.exception("error while serving %s", request.url.path)
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=500, title="Something went wrong", message=(
        "Something went wrong inside marac and nothing was changed by this request. The details are "
        "in the window where marac serve is running; please send them to whoever looks after marac."))


def create_app(root: Path, port: int = 8400, today: dt.date | None = None) -> LoopbackOnly:
    """Return the ASGI app serving the Maracs in ``root`` on ``port`` (for the Host check).

    ``today`` fixes the date (tests); otherwise every page uses the real date.
    """
    site = Site(Path(root), port, today=today)
    routes = [
        Route("/", dashboard(site)),
        Route("/reviews.ics", calendar(site)),
        Route("/new", new_marac(site), methods=["GET", "POST"]),
        *pages_register.routes(site),
        *pages_settings.routes(site),
        *pages_documents.routes(site),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={
        Refused: refused, MaracError: marac_error, HTTPException: not_found, Exception: crashed})
    app.state.site = site
    return LoopbackOnly(app, port)
