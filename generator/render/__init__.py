"""The writer registry: format name -> module whose ``render(document) -> bytes`` writes it.

Writers are imported only when a format is asked for, so commands that only check or
report never import WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model only for the annotation: `marac --help` stays light
    from ..document.model import Document

# name: (module, file extension). The CLI's --format choices come from here.
FORMATS: dict[str, tuple[str, str]] = {
    "docx": ("generator.render.docx", ".docx"),
    "pdf": ("generator.render.pdf", ".pdf"),
    "html": ("generator.render.html", ".html"),
}
DEFAULT_FORMATS = ("docx", "pdf")


def writer(name: str) -> Callable[[Document], bytes]:
    """Return the ``render`` function of format ``name``. Refuses (KeyError) unknown formats."""
    module_name, _ = FORMATS[name]
    return importlib.import_module(module_name).render


def extension(name: str) -> str:
    """Return the file extension (with the dot) of format ``name``."""
    return FORMATS[name][1]
