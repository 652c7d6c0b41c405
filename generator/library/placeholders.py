"""Fill clause placeholders from settings in a sandboxed Jinja2 environment.

Setting values are data: each is inserted once, with every Markdown character escaped,
and never evaluated again, so a partner called ``{{ 7*7 }}`` or ``**x**`` or ``<script>``
appears literally in every output.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..dates import long_date
from .typography import typographic_quotes
from ..settings.schema import Settings

DASH_THRESHOLD = 14  # SafeLives: 14 or more "yes" answers on the Dash risk checklist
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&|~\"'=:])")
_WHITESPACE = re.compile(r"\s+")
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


@functools.cache
def make_environment() -> SandboxedEnvironment:
    """Return the sandboxed, strict environment clause texts are rendered in (one per process,
    so each clause's compiled template is reused by every document)."""
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
        return _compiled(env, text).render(context)
    except TemplateError as exc:
        raise PlaceholderError(f"{type(exc).__name__}: {exc}") from None


def evaluate_condition(env: SandboxedEnvironment, expression: str, context: dict[str, Any]) -> bool:
    """Return the truth of a clause's ``when`` expression. Refuses (PlaceholderError) bad ones."""
    try:
        return bool(_compiled_expression(env, expression)(**context))
    except TemplateError as exc:
        raise PlaceholderError(f"{type(exc).__name__}: {exc}") from None


@functools.lru_cache(maxsize=4096)
def _compiled(env: SandboxedEnvironment, text: str):
    """Return ``text`` compiled in ``env``: once per process, and from Jinja2's bytecode cache on
    disk when a previous process compiled the same text (compiling costs ~3 ms a clause, most of
    a cold `marac status`). A text that fails to compile raises, and nothing is kept of it."""
    cache = _bytecode_cache()
    if cache is None:
        return env.from_string(text)
    from jinja2.bccache import Bucket

    bucket = Bucket(env, hashlib.sha256((_CODE_VERSION() + text).encode("utf-8")).hexdigest(), "")
    try:
        cache.load_bytecode(bucket)
    except Exception:  # noqa: BLE001 - the cache is an optimisation; any problem means compile
        bucket.reset()
    if bucket.code is None:
        bucket.code = env.compile(text)
        try:
            cache.dump_bytecode(bucket)
        except Exception:  # noqa: BLE001
            pass
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)


@functools.cache
def _CODE_VERSION() -> str:  # noqa: N802
    # The compiled code depends on the environment's options (set in this file) and on Jinja2.
    import jinja2

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest() + jinja2.__version__


@functools.cache
def _bytecode_cache():
    """Return a Jinja2 bytecode cache in the settings cache's folder, or None when caching is off
    or the folder cannot be made (private to the user: the cache holds code that is run)."""
    from jinja2 import FileSystemBytecodeCache

    from ..settings.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    folder = folder / "clause-templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o022:
            return None  # someone else could write code into it
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


@functools.lru_cache(maxsize=4096)
def _compiled_expression(env: SandboxedEnvironment, expression: str):
    return env.compile_expression(expression, undefined_to_none=False)
