"""Typographic quotes for text typed on a keyboard.

Its own module, with nothing but ``re``: the schedules, the title page and the drafts register
use it, and none of them should import Jinja2 (``library.placeholders``) to get it.
"""

from __future__ import annotations

import re

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
