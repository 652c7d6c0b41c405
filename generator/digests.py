"""SHA-256 digests of files, folders and of the tool's own code: what the build cache and the
current-text memo key their entries on. Imports nothing of the project, so every stage may use it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import __version__

_PACKAGE = Path(__file__).resolve().parent


def file_sha256(path: Path) -> str:
    """Return the SHA-256 (hex) of a file's bytes. Refuses (OSError) an unreadable file."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """Return the SHA-256 (hex) of a file's bytes, or "missing" when it cannot be read."""
    try:
        return file_sha256(path)
    except OSError:
        return "missing"


@functools.lru_cache(maxsize=64)
def _folder_digest_shipped(folder: Path) -> str:
    return _folder_digest_now(folder)


def folder_digest(folder: Path) -> str:
    """Return a SHA-256 over every file's relative path and bytes under ``folder`` ("none" if absent).

    The shipped folders are read once per process; a Marac's own folders every time (a long-lived
    process must see an edition issued meanwhile).
    """
    folder = Path(folder)
    shipped = folder.resolve().is_relative_to(_PACKAGE.parent) and folder.name in ("clauses", "templates")
    return _folder_digest_shipped(folder) if shipped else _folder_digest_now(folder)


def _folder_digest_now(folder: Path) -> str:
    if not folder.is_dir():
        return "none"
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(file_digest(path).encode("ascii"))
    return digest.hexdigest()


@functools.cache
def tool_digest() -> str:
    """Return a SHA-256 over the tool's version and every one of its Python sources (a checkout
    changes between versions). Read once per process."""
    digest = hashlib.sha256(__version__.encode("ascii"))
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
