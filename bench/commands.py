"""Benchmark: the everyday commands, cold: `marac --help`, `check` and `status` on one Marac.

`status` is measured twice: on the shipped example (nothing issued, so no text to compare) and on
a copy of it whose MOP and ISA have been issued (the current text must be compared with each
issued edition: assembled, or remembered from the same inputs when the cache is on).

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


def issued_copy(marac: Path, target: Path, cache: str) -> Path:
    """Return a copy of the Marac folder ``marac`` at ``target`` with its MOP and ISA issued."""
    import re
    import shutil

    shutil.copytree(marac, target)
    text = (target / "marac.yaml").read_text(encoding="utf-8")
    for kind, key in (("mop", "operating_protocol"), ("isa", "information_sharing_agreement")):
        version = re.search(rf"(?ms)^  {key}:\n    version: \"?([^\"\n]+)\"?", text).group(1)
        measure.checked([*measure.marac_command(), "issue", str(target), "--doc", kind, "--version", version],
                        env={**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": cache}, cwd=REPO)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marac", default=str(REPO / "local_configs" / "northbridge"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    marac = measure.marac_command()
    print(f"Machine: {measure.machine()}; {args.repeat} runs of each, alternating")
    with tempfile.TemporaryDirectory(prefix="marac-bench-commands-") as scratch:
        cache = str(Path(scratch) / "cache")
        issued = issued_copy(Path(args.marac), Path(scratch) / "issued", cache)
        commands = {"--help": (["--help"], 0.1), "check": (["check", args.marac], 0.2),
                    "status": (["status", args.marac], 0.2), "status (issued)": (["status", str(issued)], 0.2)}
        results: dict[tuple[str, str], list[measure.Run]] = {}
        for mode, directory in (("cached", cache), ("no cache", "off")):
            env = {**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": directory}
            for name, (arguments, _) in commands.items():
                measure.checked([*marac, *arguments], env=env, cwd=REPO)  # primes the caches; not counted
            for _ in range(args.repeat):
                for name, (arguments, _) in commands.items():
                    # Nothing polls memory here: it is not reported, and polling slows the run (measure.py).
                    results.setdefault((name, mode), []).append(
                        measure.checked([*marac, *arguments], env=env, cwd=REPO, memory=False))
    for (name, mode), runs in results.items():
        target = commands[name][1]
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        walls = [r.wall for r in runs]
        print(f"  marac {name:<15} {mode:<9} wall {wall:.3f} s ({min(walls):.3f}-{max(walls):.3f})  "
              f"CPU {cpu:.3f} s   target < {target} s: {'met' if wall < target else 'NOT MET'} (wall median)")


if __name__ == "__main__":
    main()
