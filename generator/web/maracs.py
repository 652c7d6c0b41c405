"""The Maracs a web app serves: looked up by folder name in the listing, never by a path from a request."""

from __future__ import annotations

import re
from pathlib import Path

from ..settings.loader import CONFIG_NAME

KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class UnknownMarac(LookupError):
    """A request named a Marac that is not in the served folder."""


def listing(root: Path) -> dict[str, Path]:
    """Return ``{folder name: marac.yaml path}`` for every Marac folder directly under ``root``.

    Only folder names that are slugs are served, so a name from a request can be matched
    against this listing and never joined onto a path.
    """
    found = {}
    for config in sorted(Path(root).glob(f"*/{CONFIG_NAME}")):
        name = config.parent.name
        if KEY_PATTERN.match(name) and config.is_file() and not config.parent.is_symlink():
            found[name] = config
    return found


def find(root: Path, key: str) -> Path:
    """Return the marac.yaml of the Marac listed under ``key``; refuses (``UnknownMarac``) any other."""
    configs = listing(root)
    if key not in configs:
        raise UnknownMarac(key)
    return configs[key]
