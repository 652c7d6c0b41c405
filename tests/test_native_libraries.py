"""WeasyPrint's native libraries are found in the linker's cache, with no compiler run
(generator/render/native_libraries.py)."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.render import native_libraries
from generator.render.native_libraries import cached_lookup, libraries_from_linker_cache

REPO = Path(__file__).resolve().parents[1]

LISTING = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibpango-1.0.so.0 (libc6) => /usr/lib/i386-linux-gnu/libpango-1.0.so.0
\tlibfoo32.so.1 (libc6) => /usr/lib/i386-linux-gnu/libfoo32.so.1
"""

# What a fresh process loads and runs while importing the PDF writer, and with a plain import.
_PROBE = """
import json, sys
runs = []
sys.addaudithook(lambda event, args: runs.append(str(args[0])) if event == "subprocess.Popen" else None)
if sys.argv[1] == "marac":
    import generator.render.pdf
else:
    import weasyprint
import ctypes.util
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})
print(json.dumps({"runs": runs, "libraries": libraries, "restored": ctypes.util.find_library.__module__}))
"""


def _never(name: str) -> str | None:
    raise AssertionError(f"ctypes' own lookup was asked for {name!r}")


def _probe(how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, how], capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the linker's cache is Linux's")
def test_the_pdf_writer_imports_weasyprint_running_ldconfig_once_and_loading_the_same_libraries():
    ours, plain = _probe("marac"), _probe("plain")
    assert ours["runs"] == ["/sbin/ldconfig"]
    assert any("gcc" in run for run in plain["runs"])  # what it replaces: ctypes compiling to look
    weasyprints = [path for path in plain["libraries"] if "site-packages" not in path]
    assert any("libpango-1.0" in path for path in weasyprints)
    assert set(weasyprints) <= set(ours["libraries"])
    assert ours["restored"] == "ctypes.util"


def test_a_listed_library_is_the_file_the_cache_gives_for_this_abi(monkeypatch):
    monkeypatch.setattr(native_libraries.os, "uname", lambda: type("U", (), {"machine": "x86_64"})())
    find = cached_lookup(LISTING, _never, environ={})
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("foo32") is None  # listed only for 32-bit: not loadable by this process


def test_a_name_that_exists_nowhere_is_none_without_asking_ctypes():
    find = cached_lookup(LISTING, _never, environ={})
    assert find("libpango-1.0-0") is None  # WeasyPrint's Windows spelling
    assert find("harfbuzz-vector") is None


def test_a_library_outside_the_cache_is_left_to_ctypes_own_lookup(tmp_path):
    (tmp_path / "libprivate.so").write_bytes(b"")
    asked = []
    find = cached_lookup(LISTING, lambda name: asked.append(name) or "libprivate.so.3",
                         environ={"LD_LIBRARY_PATH": f"/nowhere:{tmp_path}"})
    assert find("private") == "libprivate.so.3"
    assert asked == ["private"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the linker's cache is Linux's")
def test_the_answers_are_ctypes_own_for_weasyprints_names():
    names = ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0",
             "libgobject-2.0-0", "harfbuzz-vector", "libfontconfig-1"]
    with libraries_from_linker_cache():
        ours = [ctypes.util.find_library(name) for name in names]
    assert ours == [ctypes.util.find_library(name) for name in names]
    assert ours[1] is not None


def test_where_the_cache_cannot_be_read_ctypes_own_lookup_is_kept(monkeypatch):
    monkeypatch.setattr(native_libraries, "_linker_listing", lambda: "")
    original = ctypes.util.find_library
    with libraries_from_linker_cache():
        assert ctypes.util.find_library is original
    assert ctypes.util.find_library is original


def test_the_lookup_is_put_back_when_the_import_fails(monkeypatch):
    monkeypatch.setattr(native_libraries, "_linker_listing", lambda: LISTING)
    original = ctypes.util.find_library
    with pytest.raises(ImportError), libraries_from_linker_cache():
        assert ctypes.util.find_library is not original
        raise ImportError("a library WeasyPrint needs is missing")
    assert ctypes.util.find_library is original
