"""Benchmark: `marac check` on one Marac, cold (a new process each run); target under 0.3 s.

Runs `marac check local_configs/northbridge` (the large example: 30-odd partners, every
recipient field the G03 check walks) as a new process several times and prints the median and
best wall-clock and CPU time. Also times the G03 part alone in-process, on a Marac with a
disguised name in every partner's name (the recogniser's slow path), and says whether the
confusables table was read from marac's cache.

Prints the figures; exits 1 only if `marac check` fails (a time over target is a figure to read,
not a failure: the machine may be busy).

Run: `.venv/bin/python bench/check.py [--repeat 7] [--example northbridge|westmere]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import time_cold, wall_cpu_line  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.3


def time_g03(config: Path, repeat: int) -> tuple[float, float, int]:
    """Return CPU seconds of the G03 findings for ``config`` (first run, then best of the rest)
    and how many recipient values they read. Every partner gets a disguised name."""
    sys.path.insert(0, str(REPO))
    from generator.policy import recognisers
    from generator.policy.g03 import g03_findings
    from generator.settings.loader import load_settings
    from generator.settings.recipient_types import recipient_values

    loaded = load_settings(config)
    partners = [p.model_copy(update={"name": f"H\u043eme \u041effice {i}"}) for i, p in enumerate(loaded.settings.partners)]
    loaded = type(loaded)(loaded.settings.model_copy(update={"partners": partners}), loaded.source,
                          loaded.display_name)
    values = sum(1 for _ in recipient_values(loaded.settings))
    runs = []
    for _ in range(repeat):
        recognisers.recognise_name.cache_clear()  # every run pays for every name
        started = time.process_time()
        findings = list(g03_findings(loaded))
        runs.append(time.process_time() - started)
    assert len([f for f in findings if f.severity == "error"]) >= len(partners)
    return runs[0], min(runs[1:] or runs), values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="cold runs (7)")
    parser.add_argument("--example", choices=["northbridge", "westmere"], default="northbridge")
    args = parser.parse_args()
    config = REPO / "local_configs" / args.example / "marac.yaml"
    cold = time_cold(["check", str(config)], args.repeat, cwd=REPO)
    print(f"marac check {config.relative_to(REPO)}, {args.repeat} cold runs; target {TARGET_SECONDS} s")
    print(wall_cpu_line("cold (new process):", cold))
    first, best, values = time_g03(config, 5)
    print(f"G03 alone, every partner disguised: {values} recipient values, first {first * 1000:.1f} ms CPU, "
          f"best {best * 1000:.1f} ms CPU")
    median_cpu = statistics.median(t[1] for t in cold)
    print("CPU within target" if median_cpu < TARGET_SECONDS else
          f"CPU over target: median {median_cpu:.3f} s (most of it is importing pydantic and the schema; "
          "python -X importtime shows where)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
