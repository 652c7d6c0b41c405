"""Benchmark: one Marac's full set, cold, `marac build` against python-docx + LibreOffice.

The LibreOffice route is what docassemble does: write DOCX with python-docx (here marac's own
DOCX writer, `marac build --format docx`), then `soffice --headless --convert-to pdf` on those
files, with LibreOffice's tagged-PDF export on (UseTaggedPDF), since marac's PDFs are tagged.
Both routes make the same six files (3 DOCX + 3 PDF), cold (new processes, an empty output
folder, an empty marac cache folder), on the same CPUs, with the same --jobs for marac's part.
Runs alternate (ours, theirs; then theirs, ours; ...) so drift in the machine's load falls on
both. Prints median and range of wall and CPU time and the peak PSS summed over each route's
processes (see measure.py), and the ratio of the medians (target: at most 1.0). Times come from
runs nothing polls; memory from as many runs again, polled, after them (polling slowed marac's
four processes by 10% and LibreOffice's one not at all: measure.py).

It also prints a floor, measured in the same rotation (``pdf_floor.py``): importing what
rendering needs, then WeasyPrint alone laying out and writing the three PDFs in a warm process
(no gate, no DOCX, no files), the three times shared out over the CPUs as well as whole
documents can be (WeasyPrint lays a document out page after page, in one process). A PDF
measured alone runs at least as fast as beside another, so no schedule of ``marac build`` can
beat the floor; a floor above LibreOffice's whole route means the target cannot be met with
WeasyPrint on this machine.

Run: `.venv/bin/python bench/build.py [--repeat 5] [--marac DIR]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
_INSTALLED = Path(sys.executable).with_name("marac")
TARGET_RATIO = 1.0
# LibreOffice's JSON filter options (7.4 and later): writer_pdf_Export with tagged PDF on.
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def ensure_libreoffice() -> str:
    """Return the soffice path, installing Debian's LibreOffice writer when it is missing."""
    found = shutil.which("soffice") or ("/usr/bin/soffice" if Path("/usr/bin/soffice").exists() else None)
    if found:
        return found
    print("Installing libreoffice-writer-nogui (once) ...", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-writer-nogui"],
                   check=True, stdout=subprocess.DEVNULL)
    return shutil.which("soffice") or "soffice"


def is_tagged(path: Path) -> bool:
    """Return True when the PDF has a structure tree and says it is tagged (/MarkInfo /Marked)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return "/StructTreeRoot" in pdf.Root and bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marac", default=str(REPO / "local_configs" / "northbridge"))
    parser.add_argument("--repeat", type=int, default=5, help="runs of each route (at least 5)")
    args = parser.parse_args()
    marac = [str(_INSTALLED)] if _INSTALLED.exists() else [sys.executable, "-m", "generator.cli"]
    soffice = ensure_libreoffice()
    jobs = str(len(measure.CORES))
    ours, theirs, floors = [], [], []
    ours_memory, theirs_memory = [], []
    with tempfile.TemporaryDirectory(prefix="marac-bench-build-") as scratch:
        scratch = Path(scratch)
        profile = scratch / "lo-profile"
        # LibreOffice creates its user profile on first start; do that once, outside the runs.
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--terminate_after_init"],
                       capture_output=True)

        def env(run: int) -> dict[str, str]:
            return {**os.environ, "PYTHONPATH": str(REPO), "MARAC_CACHE_DIR": str(scratch / f"cache{run}")}

        def run_ours(run: int, memory: bool = False) -> None:
            out = scratch / f"ours{run}{'m' if memory else ''}"
            (ours_memory if memory else ours).append(measure.checked(
                [*marac, "build", args.marac, "-o", str(out), "--format", "docx,pdf", "--jobs", jobs],
                env=env(run + (300 if memory else 0)), cwd=REPO, memory=memory))
            pdfs = sorted(out.glob("*/*.pdf"))
            if len(pdfs) != 3 or not all(map(is_tagged, pdfs)):
                raise SystemExit(f"marac made {len(pdfs)} PDFs or untagged ones")

        def run_theirs(run: int, memory: bool = False) -> None:
            out = scratch / f"lo{run}{'m' if memory else ''}"
            docx = measure.checked([*marac, "build", args.marac, "-o", str(out), "--format", "docx",
                                    "--jobs", jobs], env=env(100 + run + (300 if memory else 0)), cwd=REPO,
                                   memory=memory)
            files = sorted(map(str, out.glob("*/*.docx")))
            pdf = measure.checked([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                                   "--convert-to", TAGGED_PDF, "--outdir", str(out / "pdf"), *files], memory=memory)
            (theirs_memory if memory else theirs).append(
                measure.Run(docx.wall + pdf.wall, docx.cpu + pdf.cpu, max(docx.pss_mib, pdf.pss_mib), 0, "", ""))
            pdfs = sorted(out.glob("pdf/*.pdf"))
            if len(pdfs) != 3 or not all(map(is_tagged, pdfs)):
                raise SystemExit(f"LibreOffice made {len(pdfs)} PDFs or untagged ones")

        def run_floor(run: int) -> None:
            measured = measure.checked([sys.executable, str(REPO / "bench" / "pdf_floor.py"), args.marac],
                                       env=env(200 + run), cwd=REPO, memory=False)
            parts = json.loads(measured.stdout)
            floors.append(parts["imports"] + best_split(list(parts["pdf"].values()), len(measure.CORES)))

        routes = (run_ours, run_theirs, run_floor)
        for run in range(args.repeat):
            for route in routes[run % 3:] + routes[:run % 3]:
                route(run)
        for run in range(args.repeat):
            for route in (run_ours, run_theirs)[run % 2:] + (run_ours, run_theirs)[:run % 2]:
                route(run, memory=True)

    print(f"One Marac's full set: {Path(args.marac).name}, 3 documents x (DOCX + tagged PDF), cold, "
          f"{args.repeat} alternating runs each")
    print(f"Machine: {measure.machine()}")
    print(f"  marac build --jobs {jobs} (DOCX + PDF, WeasyPrint)        {measure.summary(ours, ours_memory)}")
    print(f"  python-docx + soffice --convert-to pdf (tagged)  {measure.summary(theirs, theirs_memory)}")
    print("  (times from runs nothing polled; memory from as many runs of each, polled, after them;")
    print("   LibreOffice's memory is the larger of its two steps, which run one after the other)")
    for label, key in (("wall", "wall"), ("CPU", "cpu")):
        ratio = statistics.median(getattr(r, key) for r in ours) / statistics.median(getattr(r, key) for r in theirs)
        verdict = "met" if ratio <= TARGET_RATIO else "NOT MET"
        print(f"  ratio ours/LibreOffice, median {label:4}  {ratio:5.2f}   target <= {TARGET_RATIO}  {verdict}")
    lo_wall = statistics.median(r.wall for r in theirs)
    floor = statistics.median(floors)
    print(f"  floor: imports, then WeasyPrint alone, the 3 PDFs split over {len(measure.CORES)} CPUs by whole documents  "
          f"{floor:.2f} s ({min(floors):.2f}-{max(floors):.2f}), {floor / lo_wall:.2f} of LibreOffice's wall: "
          + ("no schedule of marac build can reach the target" if floor > lo_wall * TARGET_RATIO
             else "the target is not ruled out by WeasyPrint's own time"))


def best_split(seconds: list[float], workers: int) -> float:
    """Return the least time ``workers`` processes need for jobs of ``seconds`` (each job whole on
    one process): the smallest, over every assignment, of the busiest process's total."""
    best = sum(seconds)
    for assignment in itertools.product(range(workers), repeat=len(seconds)):
        loads = [0.0] * workers
        for job, worker in zip(seconds, assignment):
            loads[worker] += job
        best = min(best, max(loads))
    return best


if __name__ == "__main__":
    main()
