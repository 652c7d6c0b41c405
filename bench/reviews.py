"""Benchmark: `marac reviews` over a folder of 300 Maracs (target: well under half a second).

Generates the Maracs in a temporary folder (copies of the shipped examples with their own
names, slugs and review dates), then times `marac reviews FOLDER --format json`:
- cold, as a new process (interpreter start and imports included), with the settings parse
  cache warm (primed by one run that is not counted) and with no cache (MARAC_CACHE_DIR=off);
- in-process, through click, the first run (lazy imports) and the rest, cached and no cache.
Every figure is the median and the range (min-max) over the runs.
Checks that the command never imports WeasyPrint. Prints the figures; exits 1 if WeasyPrint
was imported or the output is wrong (not if a time is over target: that is a figure to read).

Run: `.venv/bin/python bench/reviews.py [--count 300] [--example both|northbridge|westmere]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import time_cold  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "local_configs"
TODAY = "2026-11-26"
TARGET_SECONDS = 0.5


def reviews_cold(folder: Path, repeat: int, cache: str) -> list[tuple[float, float]]:
    """Return (wall, CPU) seconds of ``repeat`` runs of `marac reviews` as new processes, with
    MARAC_CACHE_DIR set to ``cache`` ("off" for no cache)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": cache}
    return time_cold(["reviews", str(folder), "--format", "json", "--today", TODAY], repeat,
                     cwd=REPO, env=env)


def make_maracs(folder: Path, count: int, examples: list[str]) -> None:
    """Write ``count`` Marac folders into ``folder``, cycling through ``examples``."""
    texts = {name: (EXAMPLES / name / "marac.yaml").read_text(encoding="utf-8") for name in examples}
    start = dt.date(2024, 12, 1)
    for index in range(count):
        text = texts[examples[index % len(examples)]]
        reviewed = start + dt.timedelta(days=(index * 7) % 700)
        text = re.sub(r"(?m)^  name: .*$", f"  name: Bench Marac {index:03d}", text, count=1)
        text = re.sub(r"(?m)^  slug: .*$", f"  slug: bench-{index:03d}", text, count=1)
        text = re.sub(r"adopted: \d{4}-\d\d-\d\d", "adopted: 2020-01-01", text)
        text = re.sub(r"last_reviewed: \d{4}-\d\d-\d\d", f"last_reviewed: {reviewed}", text)
        target = folder / f"bench-{index:03d}"
        target.mkdir()
        (target / "marac.yaml").write_text(text, encoding="utf-8")


def time_in_process(folder: Path, repeat: int, count: int) -> list[tuple[float, float]]:
    """Return (wall, CPU) seconds of ``repeat`` in-process runs; checks the rows each time."""
    from click.testing import CliRunner

    from generator.cli import main

    runner, times = CliRunner(), []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = runner.invoke(main, ["reviews", str(folder), "--format", "json", "--today", TODAY])
        times.append((time.perf_counter() - started, time.process_time() - cpu))
        rows = json.loads(result.stdout) if result.exit_code == 0 else []
        # Every Marac listed (MOP, ISA, annex and pathways each), none as an error.
        if (result.exit_code != 0 or len({row["marac"] for row in rows}) != count
                or any(row["status"] == "error" for row in rows)):
            raise SystemExit(f"unexpected output (exit {result.exit_code}):\n{result.output[:2000]}")
    return times


def time_expansion(folder: Path) -> float:
    """Return the CPU seconds `config.resolve_config_paths` takes to list the Marac folders."""
    from generator.settings.loader import resolve_config_paths

    cpu = time.process_time()
    resolve_config_paths([str(folder)])
    return time.process_time() - cpu


def _show(label: str, times: list[tuple[float, float]]) -> str:
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    return (f"{label:<30} wall median {statistics.median(walls):.3f} s ({min(walls):.3f}-{max(walls):.3f}); "
            f"CPU median {statistics.median(cpus):.3f} s ({min(cpus):.3f}-{max(cpus):.3f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="how many Maracs (300)")
    parser.add_argument("--example", choices=["both", "northbridge", "westmere"], default="both",
                        help="which example to copy: the large one, the small one, or both in turn")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind (5)")
    args = parser.parse_args()
    examples = ["northbridge", "westmere"] if args.example == "both" else [args.example]
    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory(prefix="marac-bench-") as temporary:
        folder = Path(temporary) / "maracs"
        folder.mkdir()
        cache = str(Path(temporary) / "cache")
        make_maracs(folder, args.count, examples)
        size = sum(p.stat().st_size for p in folder.glob("*/marac.yaml"))
        print(f"{args.count} Maracs ({', '.join(examples)}), {size / 1024:.0f} KiB of settings; "
              f"target {TARGET_SECONDS} s; {args.repeat} runs of each; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine: expect noise)")
        reviews_cold(folder, 1, cache)  # fills the parse cache; not counted
        cold = reviews_cold(folder, args.repeat, cache)
        cold_off = reviews_cold(folder, args.repeat, "off")
        os.environ["MARAC_CACHE_DIR"] = cache
        warm = time_in_process(folder, args.repeat + 1, args.count)
        os.environ["MARAC_CACHE_DIR"] = "off"
        warm_off = time_in_process(folder, args.repeat, args.count)
        expansion = time_expansion(folder)
    print(_show("cold (new process), cached:", cold))
    print(_show("cold (new process), no cache:", cold_off))
    print(_show("in-process, first:", warm[:1]))
    print(_show("in-process, others, cached:", warm[1:]))
    print(_show("in-process, no cache:", warm_off))
    print(f"of which listing the folders (config.resolve_config_paths): {expansion:.3f} s CPU")
    best = statistics.median(t[1] for t in warm[1:])
    print(f"per Marac: {best / args.count * 1000:.2f} ms CPU in-process (median, cached)")
    over = [label for label, value in (("cold", statistics.median(t[1] for t in cold)), ("in-process", best))
            if value >= TARGET_SECONDS]
    print("CPU medians within target" if not over else f"CPU medians over target: {', '.join(over)}")
    if "weasyprint" in sys.modules:
        print("FAIL: weasyprint was imported by `marac reviews`")
        return 1
    print("weasyprint not imported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
