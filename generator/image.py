"""A picture carried into a document (the Marac's logo): its bytes, media type and alt text.

Kept apart from ``document.model`` so that reading settings (which reads the logo) does not
build the whole document model: ``marac check`` never assembles a document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Image:
    """An image carried in the document (the Marac's logo): bytes, media type and alt text."""

    data: bytes
    media_type: str  # "image/png" or "image/svg+xml"
    alt: str
