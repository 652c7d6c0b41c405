"""`marac build` under faults (issue 11): a build that stops part-way says what it wrote and what
not (row 4); killing the build with -9 leaves no worker running (row 12)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]


def _fail_on_call(monkeypatch, number: int, error: Exception):
    import generator.build as build

    calls = {"n": 0}
    real = build.writer

    def failing_writer(fmt):
        render = real(fmt)

        def wrapped(document):
            calls["n"] += 1
            if calls["n"] == number:
                raise error
            return render(document)

        return wrapped

    monkeypatch.setattr(build, "writer", failing_writer)


def _section(output: str, heading: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    found = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        found.append(Path(line.strip()).name)
    return found


def test_a_build_that_stops_says_what_was_written_and_what_not(runner, marac_copy, tmp_path, monkeypatch):
    # A writer's own error (here the DOCX core-property limit python-docx enforces) on the third file.
    _fail_on_call(monkeypatch, 3, ValueError("exceeded 255 char limit for property, got 300"))
    marac_copy("westmere")
    configs = marac_copy("northbridge").parent
    output = tmp_path / "out"
    result = runner.invoke(main, ["build", str(configs), "-o", str(output), "--format", "docx", "--jobs", "1"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "could not be rendered: ValueError: exceeded 255 char limit" in result.stderr
    written = _section(result.stderr, "Written (2):")
    missing = _section(result.stderr, "Not written (4)")
    on_disk = sorted(p.name for p in output.rglob("*.docx"))
    assert sorted(written) == on_disk and len(on_disk) == 2
    assert not set(written) & set(missing)
    assert len(set(written) | set(missing)) == 6
    assert not [p for p in output.rglob("*") if p.name.endswith(".tmp")]
    # The next build writes only what is missing.
    monkeypatch.undo()
    again = runner.invoke(main, ["build", str(configs), "-o", str(output), "--format", "docx", "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert "4 files written, 2 skipped" in again.stdout


def test_a_build_with_workers_that_stops_says_what_was_written(runner, marac_copy, tmp_path, monkeypatch):
    _fail_on_call(monkeypatch, 2, OSError(28, "No space left on device"))
    marac_copy("westmere")
    configs = marac_copy("northbridge").parent
    output = tmp_path / "out"
    result = runner.invoke(main, ["build", str(configs), "-o", str(output), "--format", "docx", "--jobs", "2"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.stderr
    written_heading = next(line for line in result.stderr.splitlines() if line.startswith("Written"))
    written = [] if written_heading == "Written: none." else _section(result.stderr, written_heading)
    assert sorted(written) == sorted(p.name for p in output.rglob("*.docx"))
    assert "Not written (" in result.stderr
    import gc

    assert gc.get_freeze_count() == 0  # frozen for the workers' fork, collected again after a stop


def test_workers_share_the_parents_frozen_objects_and_the_parent_collects_again_after(runner, marac_copy,
                                                                                       tmp_path):
    import gc

    marac_copy("westmere")
    configs = marac_copy("northbridge").parent
    result = runner.invoke(main, ["build", str(configs), "-o", str(tmp_path / "out"), "--format", "docx",
                                  "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").rglob("*.docx"))) == 6
    assert gc.get_freeze_count() == 0 and gc.isenabled()


_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    import generator.build as build
    build.writer = lambda fmt: (lambda document: time.sleep(120) or b"")
    build.build_many([sys.argv[1]], sys.argv[2], ("docx",), jobs=2)
""")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_the_build_ends_its_workers(examples, tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", _SLOW_BUILD, str(examples / "westmere"), str(tmp_path / "out")],
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = [pid for pid in _children(parent.pid) if _alive(pid)]
        assert len(workers) >= 2, "the build did not start its two workers"
        time.sleep(1.0)  # let them begin their (sleeping) renders
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived the killed build"
    finally:
        parent.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
