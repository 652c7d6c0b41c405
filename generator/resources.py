"""Where the shipped clause library and templates are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``clauses`` or ``templates``.

    In an installed wheel they sit inside the package; in a checkout, beside it.
    Refuses (``FileNotFoundError``) when neither exists, which means a broken install.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is missing from this installation of marac")
