"""Benchmark: a cold `marac build` of the large example against the LibreOffice route.

The LibreOffice route is what docassemble does: write DOCX with python-docx, then
`soffice --headless --convert-to pdf` on those same files. Both routes run cold, as new
processes, side by side in one run; each is measured for wall time and peak memory
(max RSS of the process tree). Prints the figures and the ratio; target <= 0.75.

Run: `make bench` or `.venv/bin/python bench/build.py [--repeat N] [--marac DIR]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_INSTALLED = Path(sys.executable).with_name("marac")
MARAC = str(_INSTALLED) if _INSTALLED.exists() else None
TARGET_RATIO = 0.75

# Runs a command as a child and reports its wall time and the peak RSS of its process tree.
_MEASURE = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(json.dumps({"seconds": time.perf_counter() - started, "code": code,
                  "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(*commands: list[str]) -> dict:
    """Return total seconds and the largest peak memory over commands run one after another."""
    seconds, peak = 0.0, 0.0
    for command in commands:
        out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        if result["code"] != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        seconds += result["seconds"]
        peak = max(peak, result["peak_mib"])
    return {"seconds": seconds, "peak_mib": peak}


def ensure_libreoffice() -> str:
    """Return the soffice path, installing Debian's LibreOffice writer when it is missing."""
    found = shutil.which("soffice")
    if found:
        return found
    print("Installing libreoffice-writer-nogui (once) ...", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-writer-nogui"],
                   check=True, stdout=subprocess.DEVNULL)
    return shutil.which("soffice") or "soffice"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marac", default=str(REPO / "local_configs" / "northbridge"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    marac = [MARAC] if MARAC else [sys.executable, "-m", "generator.cli"]
    soffice = ensure_libreoffice()

    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as scratch:
        profile = Path(scratch) / "lo-profile"
        # Warm LibreOffice's first-start profile creation once, so it is not billed to a run.
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--terminate_after_init"],
                       capture_output=True)
        for run in range(args.repeat):
            out_ours = Path(scratch) / f"ours{run}"
            out_lo = Path(scratch) / f"lo{run}"
            ours.append(measure([*marac, "build", args.marac, "-o", str(out_ours), "--format", "docx,pdf"]))
            docx_step = [*marac, "build", args.marac, "-o", str(out_lo), "--format", "docx", "--jobs", "1"]
            convert = lambda: [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                               "--outdir", str(out_lo / "pdf"), *map(str, sorted(out_lo.glob("*/*.docx")))]
            first = measure(docx_step)
            second = measure(convert())
            theirs.append({"seconds": first["seconds"] + second["seconds"],
                           "peak_mib": max(first["peak_mib"], second["peak_mib"])})
            made = len(list(out_lo.glob("pdf/*.pdf")))
            if made != 3:
                raise SystemExit(f"LibreOffice made {made} PDFs, expected 3")

    ours_s = statistics.median(r["seconds"] for r in ours)
    theirs_s = statistics.median(r["seconds"] for r in theirs)
    ratio = ours_s / theirs_s
    print(f"Large example: {Path(args.marac).name}, 3 documents, median of {args.repeat} cold runs")
    print(f"  marac build (DOCX + PDF, WeasyPrint)    {ours_s:6.2f} s   peak {max(r['peak_mib'] for r in ours):6.0f} MiB")
    print(f"  python-docx + LibreOffice --convert-to  {theirs_s:6.2f} s   peak {max(r['peak_mib'] for r in theirs):6.0f} MiB")
    print(f"  ratio ours/LibreOffice                  {ratio:6.2f}     target <= {TARGET_RATIO}"
          f"  {'met' if ratio <= TARGET_RATIO else 'NOT MET'}")


if __name__ == "__main__":
    main()
