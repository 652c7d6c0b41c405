"""The dashboard as one self-contained HTML file (``marac dashboard``): inline CSS, no scripts."""

from __future__ import annotations

import datetime as dt

from ..dates import DEFAULT_WINDOW_DAYS
from ..settings.loader import resolve_config_paths
from .dashboard import STATUS_WORDS, STATUSES, Dashboard, build_dashboard
from .site import STATIC, environment


def render_dashboard(arguments, today: dt.date | None = None) -> tuple[str, Dashboard]:
    """Return (the HTML file's text, the dashboard) for the Maracs named by CONFIG arguments.

    Refuses (``ConfigError``) arguments that name no Marac settings.
    """
    configs = {}
    for path in resolve_config_paths(list(arguments)):
        key = path.parent.name
        while key in configs:  # two folders of the same name under different roots
            key += "-"
        configs[key] = path
    board = build_dashboard(configs, today)
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    html = environment().get_template("dashboard_static.html").render(
        board=board, rows=board.rows, wanted=None, words=STATUS_WORDS, statuses=STATUSES, static=True,
        css=css, window=DEFAULT_WINDOW_DAYS)
    return html, board
