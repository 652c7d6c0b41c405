"""Benchmark: the everyday commands, cold: `marac --help`, `check` and `status` on one Marac.

Each runs as a new process (interpreter start and imports included), on the same CPUs, with
marac's disk caches (settings parse cache, compiled clause templates) warm (primed by one run that
is not counted) and with no cache (MARAC_CACHE_DIR=off). Prints median and range of wall and CPU
time over the runs, against the targets (help < 0.1 s, check and status < 0.2 s).

Run: `.venv/bin/python bench/commands.py [--repeat 7] [--marac DIR]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
_INSTALLED = Path(sys.executable).with_name("marac")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marac", default=str(REPO / "local_configs" / "northbridge"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    marac = [str(_INSTALLED)] if _INSTALLED.exists() else [sys.executable, "-m", "generator.cli"]
    commands = {"--help": (["--help"], 0.1), "check": (["check", args.marac], 0.2),
                "status": (["status", args.marac], 0.2)}
    print(f"Machine: {measure.machine()}; {args.repeat} runs of each, alternating")
    with tempfile.TemporaryDirectory(prefix="marac-bench-commands-") as cache:
        results: dict[tuple[str, str], list[measure.Run]] = {}
        for mode, directory in (("cached", cache), ("no cache", "off")):
            env = {**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": directory}
            for name, (arguments, _) in commands.items():
                measure.checked([*marac, *arguments], env=env, cwd=REPO)  # primes the caches; not counted
            for _ in range(args.repeat):
                for name, (arguments, _) in commands.items():
                    results.setdefault((name, mode), []).append(
                        measure.checked([*marac, *arguments], env=env, cwd=REPO))
    for (name, mode), runs in results.items():
        target = commands[name][1]
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        walls = [r.wall for r in runs]
        print(f"  marac {name:<7} {mode:<9} wall {wall:.3f} s ({min(walls):.3f}-{max(walls):.3f})  "
              f"CPU {cpu:.3f} s   target < {target} s: {'met' if wall < target else 'NOT MET'} (wall median)")


if __name__ == "__main__":
    main()
