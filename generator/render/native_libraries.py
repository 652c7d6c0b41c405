"""WeasyPrint imported with its native libraries found in the dynamic linker's cache.

WeasyPrint opens GObject, Pango, HarfBuzz, fontconfig and PangoFT2 by trying several names for
each (one spelling per platform). For every name that is not a loadable file, cffi asks
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``, then gcc, then ld, and then
objdump on what they found (WeasyPrint issue #1125). Importing WeasyPrint started 87 processes
and cost about 0.2 s here, on the way to every first PDF of a build.

So while WeasyPrint is imported, ``find_library`` answers from one reading of ``ldconfig -p``,
as ctypes' own first step does. A name the cache does not list is looked for as
``lib<name>.so`` in the folders gcc and ld would search (those in ``LD_LIBRARY_PATH`` and
``LIBRARY_PATH``, the system's library folders and every folder the cache names): only if
such a file exists is ctypes' own lookup asked, so a library installed outside the cache is
still found, while a name that exists nowhere (WeasyPrint's Windows and macOS spellings, the
HarfBuzz vector library Debian 12 does not have) costs nothing. Where ``ldconfig -p`` cannot be
read (not Linux, no ldconfig), nothing is replaced. ``find_library`` is ctypes' own again as
soon as WeasyPrint is imported.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

# How ctypes.util reads ``ldconfig -p``: each line names a library and the ABI it was built for.
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}
_SYSTEM_FOLDERS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib")
_LISTED_PATH = re.compile(r"=>\s*(\S+)\s*$", re.MULTILINE)


def import_weasyprint():
    """Return the ``weasyprint`` module, imported (once per process) with ``find_library``
    answered from the linker's cache (see the module's docstring). Refuses nothing of its own:
    an import error is WeasyPrint's."""
    if "weasyprint" not in sys.modules:
        with libraries_from_linker_cache():
            importlib.import_module("weasyprint")
    return sys.modules["weasyprint"]


@contextlib.contextmanager
def libraries_from_linker_cache() -> Iterator[None]:
    """Within the block, ``ctypes.util.find_library`` is ``cached_lookup`` over one reading of
    ``ldconfig -p``; afterwards it is ctypes' own again. Where the listing cannot be read,
    ctypes' own is kept throughout. Yields nothing."""
    listing = _linker_listing()
    if not listing:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = cached_lookup(listing, original)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def cached_lookup(listing: str, fallback: Callable[[str], str | None],
                  environ: dict[str, str] | None = None) -> Callable[[str], str | None]:
    """Return a ``find_library`` replacement over ``listing`` (the output of ``ldconfig -p``).

    It returns the file name the listing gives for ``lib<name>.`` and this process's ABI, as
    ctypes does. For a name not listed it returns ``fallback(name)`` only when some folder gcc or
    ld would search holds ``lib<name>.so`` (``environ`` gives ``LD_LIBRARY_PATH`` and
    ``LIBRARY_PATH``, default ``os.environ``), and None otherwise, without running anything.
    """
    environ = os.environ if environ is None else environ
    abi = _ABI.get(f"{os.uname().machine}-{'64' if sys.maxsize > 2**32 else '32'}", "libc6")
    folders = [*_path_list(environ.get("LD_LIBRARY_PATH", "")), *_path_list(environ.get("LIBRARY_PATH", "")),
               *_SYSTEM_FOLDERS, *dict.fromkeys(str(Path(path).parent) for path in _LISTED_PATH.findall(listing))]

    def find_library(name: str) -> str | None:
        listed = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
        if listed:
            return listed.group(1)
        if any(os.path.exists(os.path.join(folder, f"lib{name}.so")) for folder in folders):
            return fallback(name)
        return None

    return find_library


def _path_list(value: str) -> list[str]:
    return [folder for folder in value.split(os.pathsep) if folder]


def _linker_listing() -> str:
    if not sys.platform.startswith("linux"):
        return ""
    try:
        # The environment ctypes.util gives ldconfig, so that its lines are in English.
        done = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, errors="replace",
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""
