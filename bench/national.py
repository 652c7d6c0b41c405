"""Benchmark: a national build, N varied Maracs (default 300, about the number in England and Wales).

Generates N Marac folders in a temporary folder (the two shipped examples in turn, each with its
own name, slug, area and review dates), then measures `marac build FOLDER --jobs CORES`
(DOCX + PDF, 6 files a Marac) as new processes:
1. cold: empty output folder and empty marac cache folder;
2. no change: the same build again (the build cache skips every file; the gate still runs);
   then again with the page cache dropped first (as root only), which reads every settings file,
   output and module from the disk, as a rebuild the next day would;
3. one change: one Marac's area edited, then the build again (that Marac's 6 files are rebuilt).
Prints wall and CPU time and the peak PSS summed over the build's processes for each, with N, and
the machine's stolen and disk-wait CPU time meanwhile (a shared machine's noise, shown not hidden).
A cold build of 300 takes 15 minutes or more on 2 cores: use --maracs for a smaller N, and
report what was measured with its N (do not extrapolate).

Run: `.venv/bin/python bench/national.py [--maracs 300] [--formats docx,pdf]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ("northbridge", "westmere")
_INSTALLED = Path(sys.executable).with_name("marac")
TARGETS = {"no change": 5.0, "no change, cold cache": 5.0, "one change": 15.0}
PSS_TARGET_MIB = 300  # peak memory of all of a batch's processes together


def make_maracs(folder: Path, count: int) -> list[Path]:
    """Write ``count`` varied Marac folders into ``folder``; return their marac.yaml files."""
    texts = [(REPO / "local_configs" / name / "marac.yaml").read_text(encoding="utf-8") for name in EXAMPLES]
    start = dt.date(2024, 12, 1)
    made = []
    for index in range(count):
        text = texts[index % len(texts)]
        reviewed = start + dt.timedelta(days=(index * 11) % 600)
        text = re.sub(r"(?m)^  name: .*$", f"  name: Marac {index:03d} of Shire {index // 10}", text, count=1)
        text = re.sub(r"(?m)^  slug: .*$", f"  slug: marac-{index:03d}", text, count=1)
        text = re.sub(r"(?m)^  area: .*$", f"  area: Area {index:03d} of Shire {index // 10}", text, count=1)
        text = re.sub(r"adopted: \d{4}-\d\d-\d\d", "adopted: 2020-01-01", text)
        text = re.sub(r"last_reviewed: \d{4}-\d\d-\d\d", f"last_reviewed: {reviewed}", text)
        target = folder / f"marac-{index:03d}"
        target.mkdir()
        (target / "marac.yaml").write_text(text, encoding="utf-8")
        made.append(target / "marac.yaml")
    return made


def counts(run: measure.Run) -> str:
    """Return the build's own summary line ('N files written, M skipped ...')."""
    lines = [line for line in run.stdout.splitlines() if "files written" in line]
    return lines[-1] if lines else "(no summary line)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maracs", type=int, default=300, help="how many Maracs (300)")
    parser.add_argument("--formats", default="docx,pdf")
    args = parser.parse_args()
    marac = [str(_INSTALLED)] if _INSTALLED.exists() else [sys.executable, "-m", "generator.cli"]
    jobs = str(len(measure.CORES))
    with tempfile.TemporaryDirectory(prefix="marac-bench-national-") as scratch:
        scratch = Path(scratch)
        (scratch / "maracs").mkdir()
        settings = make_maracs(scratch / "maracs", args.maracs)
        env = {**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": str(scratch / "cache")}
        command = [*marac, "build", str(scratch / "maracs"), "-o", str(scratch / "out"), "--format", args.formats,
                   "--jobs", jobs]
        print(f"{args.maracs} Maracs ({', '.join(EXAMPLES)} in turn), {args.formats}, --jobs {jobs}", flush=True)
        print(f"Machine: {measure.machine()}", flush=True)
        results = {}
        results["cold"] = measure.checked(command, env=env, cwd=REPO)
        print(f"  {'cold build':<30} {results['cold'].wall:8.2f} s wall  {results['cold'].cpu:8.2f} s CPU  "
              f"peak PSS {results['cold'].pss_mib:5.0f} MiB ({results['cold'].parts()})   {counts(results['cold'])}   "
              f"({results['cold'].machine_load()})", flush=True)
        results["no change"] = measure.checked(command, env=env, cwd=REPO)
        if measure.drop_page_cache():
            results["no change, cold cache"] = measure.checked(command, env=env, cwd=REPO)
        else:
            print("  (not root: the page cache could not be dropped; no cold-cache rebuild)", flush=True)
        first = settings[len(settings) // 2]
        text = first.read_text(encoding="utf-8")
        first.write_text(re.sub(r"(?m)^  area: (.*)$", r"  area: \1 (renamed)", text, count=1), encoding="utf-8")
        results["one change"] = measure.checked(command, env=env, cwd=REPO)
        for label in TARGETS:
            if label not in results:
                continue
            run = results[label]
            verdict = "met" if run.wall < TARGETS[label] else "NOT MET"
            print(f"  {label + ' rebuild':<30} {run.wall:8.2f} s wall  {run.cpu:8.2f} s CPU  "
                  f"peak PSS {run.pss_mib:5.0f} MiB ({run.parts() or 'one process'})   {counts(run)}   "
                  f"target < {TARGETS[label]:.0f} s: {verdict}   ({run.machine_load()})")
        peak = max(run.pss_mib for run in results.values())
        print(f"  peak PSS over the {len(results)} builds {peak:.0f} MiB   target < {PSS_TARGET_MIB} MiB: "
              f"{'met' if peak < PSS_TARGET_MIB else 'NOT MET'}")
        files = args.maracs * 3 * len(args.formats.split(","))
        print(f"  cold: {results['cold'].wall / files:.2f} s wall per file over {files} files")


if __name__ == "__main__":
    main()
