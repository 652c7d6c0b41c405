"""How hard the PDF writer compresses its streams: zlib's default level (6), not pydyf's 9.

pydyf, which writes WeasyPrint's PDF objects, deflates every page's content stream, font and
object stream at level 9 and has no option for it. On the three Northbridge PDFs (949 streams,
8.7 MB before compression) level 9 took 0.51 s of CPU and level 6 0.15 s, for streams 3.4%
larger (1.21 against 1.25 MB); above 6 zlib searches much longer for little gain. The level
changes the bytes, never what a reader sees: every level inflates to the same streams.

pydyf calls ``zlib.compressobj(level=9)`` through its module global ``zlib``; that global is
swapped for a stand-in whose ``compressobj`` uses ``LEVEL`` and which passes everything else to
zlib. Should a pydyf release stop calling it that way, streams would be compressed at level 9
again (slower, nothing worse); tests/test_render_pdf.py fails if that happens.
"""

from __future__ import annotations

import zlib

import pydyf

LEVEL = zlib.Z_DEFAULT_COMPRESSION  # 6 in every zlib release


class _DefaultLevelZlib:
    """zlib as pydyf sees it: ``compressobj`` at ``LEVEL``, everything else zlib's own."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = LEVEL, *args, **kwargs):
        return zlib.compressobj(LEVEL, *args, **kwargs)


def use_default_level() -> None:
    """Make pydyf compress every stream it writes in this process at zlib's default level.

    Returns nothing; calling it again changes nothing. Refuses nothing: it only replaces the
    module global pydyf compresses through.
    """
    if not isinstance(pydyf.zlib, _DefaultLevelZlib):
        pydyf.zlib = _DefaultLevelZlib()
