"""The only URL fetcher WeasyPrint gets: files inside the shipped templates/ folder, nothing else.

The HTML writer escapes every piece of model text, so no ``<img src="http://...">`` can come
from a clause or a local config; this fetcher is the second lock on the same door. A refused URL
stops the render (``fail_on_errors``) instead of leaving a silent hole in the PDF.

The one exception is the Marac's logo, which the HTML writer inlines as a ``data:`` URL (a PNG
or an SVG, checked when the settings were loaded): nothing is fetched for it, and an SVG logo
that asked for anything else would be refused here as well.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .native_libraries import import_weasyprint

import_weasyprint()  # before any WeasyPrint module is imported (native_libraries says why)
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402


DATA_IMAGES = ("data:image/png;base64,", "data:image/svg+xml;base64,")


class FetchRefused(ValueError):
    """A URL that is not a file inside the templates folder."""


class LocalOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs under one folder; refuse every other URL."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
        self._root = Path(root).resolve()

    def local_path(self, url: str) -> Path:
        """Return the file that ``url`` names.

        Refuses (``FetchRefused``) any scheme but ``file:``, a host part, a path that leaves the
        root folder (``..``, symlinks), and anything that is not an existing regular file.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"refused to fetch {url!r}: only files shipped in templates/ are used")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise FetchRefused(f"refused to fetch {url!r}: not a file inside {self._root}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the bytes of a file inside the root folder, or of a base64 PNG or SVG ``data:``
        URL (the logo); refuses everything else (see ``local_path``)."""
        for prefix in DATA_IMAGES:
            if url.startswith(prefix):
                try:
                    data = base64.b64decode(url[len(prefix):], validate=True)
                except (binascii.Error, ValueError):
                    raise FetchRefused("refused a data: URL that is not base64") from None
                return URLFetcherResponse(url, data, {"Content-Type": prefix[5:].split(";")[0]})
        path = self.local_path(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime_type})
