"""Fill clause placeholders from settings in a sandboxed Jinja2 environment.

Setting values are data: each is inserted once, with every Markdown character escaped,
and never evaluated again, so a partner called ``{{ 7*7 }}`` or ``**x**`` or ``<script>``
appears literally in every output.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..dates import long_date
from ..settings.schema import Settings

DASH_THRESHOLD = 14  # SafeLives: 14 or more "yes" answers on the Dash risk checklist
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&|~\"'=:])")
_WHITESPACE = re.compile(r"\s+")
# The library writes typographic apostrophes and quotes; settings typed on a keyboard have
# straight ones. Values that look like an address are left alone: there a quote is data.
_CLOSING_QUOTE = re.compile(r"(?<=[\w.,!?)])'")
_OPENING_QUOTE = re.compile(r"'(?=\w)")


def typographic_quotes(text: str) -> str:
    """Return ``text`` with straight single quotes as typographic ones (’ and ‘).

    Refuses nothing; leaves an email address or a web address exactly as typed.
    """
    if "@" in text or "://" in text:
        return text
    return _OPENING_QUOTE.sub("‘", _CLOSING_QUOTE.sub("’", text))


def escape_markdown(value: Any) -> str:
    """Return ``value`` as text whose Markdown characters are backslash-escaped, on one line.

    Runs of whitespace become one space, but a leading or trailing space is kept: a clause
    may write ``{{ " (legal advice)" if ... }}`` and the space belongs to the sentence.
    """
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    text = typographic_quotes(_WHITESPACE.sub(" ", str(value)))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _join_and(items) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _with_the(name: Any, article: str = "the") -> str:
    """Return "the <name>", unless the name already begins with "The" ("The Northbridge Board")."""
    text = str(name)
    if text[:4].lower() == "the ":
        return article[0] + text[1:] if article == "The" else text
    return f"{article} {text}"


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def make_environment() -> SandboxedEnvironment:
    """Return the sandboxed, strict environment clause texts are rendered in."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=escape_markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["longdate"] = long_date
    env.filters["join_and"] = _join_and
    env.filters["the"] = _with_the
    env.filters["The"] = lambda name: _with_the(name, "The")
    return env


def template_context(settings: Settings, doc: dict[str, str]) -> dict[str, Any]:
    """Return the names clause texts may use (see the clause library's README)."""
    data = _plain(settings.model_dump(mode="python"))
    return {
        "marac": data["marac"],
        "governance": data["governance"],
        "documents": data["documents"],
        "partners": data["partners"],
        "distribution_list": data["distribution_list"],
        "pathways": data["specialist_pathways"],
        "immigration": data["immigration"],
        "records": data["records"],
        "doc": doc,
        "facts": {"dash_threshold": DASH_THRESHOLD},
    }


class PlaceholderError(Exception):
    """A clause text or condition could not be rendered; message names the problem."""


def render_text(env: SandboxedEnvironment, text: str, context: dict[str, Any]) -> str:
    """Return ``text`` with its placeholders filled. Refuses (PlaceholderError) bad templates."""
    try:
        return env.from_string(text).render(context)
    except TemplateError as exc:
        raise PlaceholderError(f"{type(exc).__name__}: {exc}") from None


def evaluate_condition(env: SandboxedEnvironment, expression: str, context: dict[str, Any]) -> bool:
    """Return the truth of a clause's ``when`` expression. Refuses (PlaceholderError) bad ones."""
    try:
        return bool(env.compile_expression(expression, undefined_to_none=False)(**context))
    except TemplateError as exc:
        raise PlaceholderError(f"{type(exc).__name__}: {exc}") from None
