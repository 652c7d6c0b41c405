"""Benchmark: `marac audit` on a 40-page DOCX (target: under 2 s).

Generates the DOCX in a temporary folder: Northbridge's Operating Protocol, its Information
Sharing Agreement and the start of its annex, through the project's own DOCX writer (40 pages
as LibreOffice lays it out; check with --pages).
Times `marac audit FILE --format json`:
- cold, as a new process (interpreter start and imports included);
- in-process, through click, the first run and the best of the rest.
With --pages it also converts the DOCX to PDF with LibreOffice and prints its page count.
Prints the figures; exits 1 if the output is wrong (not if a time is over target: that is a
figure to read, on a machine whose load you know).

Run: `.venv/bin/python bench/audit.py [--repeat 5] [--pages]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import time_cold, wall_cpu_line  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0


def make_docx(folder: Path) -> Path:
    """Write the 40-page DOCX (the Northbridge example's MOP, ISA and start of the annex); return its path."""
    from generator.document.assemble import assemble
    from generator.library.clauses import load_library
    from generator.policy.gate import load_one_clean
    from generator.render import writer

    library = load_library()
    loaded = load_one_clean(str(REPO / "local_configs" / "northbridge"))
    mop, isa, annex = (assemble(loaded, library, kind) for kind in ("mop", "isa", "annex"))
    # MOP and ISA lay out on 38 pages in LibreOffice; a quarter of the annex makes 40.
    combined = dataclasses.replace(mop, blocks=mop.blocks + isa.blocks + annex.blocks[: len(annex.blocks) // 4])
    path = folder / "forty-pages.docx"
    path.write_bytes(writer("docx")(combined))
    return path


def page_count(path: Path) -> int | None:
    """Return the page count LibreOffice lays the DOCX out on, or None without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    import pikepdf

    with tempfile.TemporaryDirectory() as temporary:
        subprocess.run([soffice, f"-env:UserInstallation={Path(temporary, 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", temporary, str(path)], capture_output=True, timeout=300)
        pdf = Path(temporary) / f"{path.stem}.pdf"
        if not pdf.exists():
            return None
        with pikepdf.open(pdf) as document:
            return len(document.pages)


def _check(text: str) -> None:
    data = json.loads(text)
    missing = [r["id"] for r in data["requirements"] if r["status"] != "found"]
    if data["document"] != "mop" or missing or data["conflicts"]:
        raise SystemExit(f"unexpected audit: document {data['document']}, not found {missing}, "
                         f"conflicts {data['conflicts']}")


def time_in_process(path: Path, repeat: int) -> list[tuple[float, float]]:
    """Return (wall, CPU) seconds of ``repeat`` in-process runs; checks the report each time."""
    from click.testing import CliRunner

    from generator.cli import main

    runner, times = CliRunner(), []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = runner.invoke(main, ["audit", str(path), "--format", "json"])
        times.append((time.perf_counter() - started, time.process_time() - cpu))
        if result.exit_code != 0:
            raise SystemExit(f"marac audit failed (exit {result.exit_code}):\n{result.output[:2000]}")
        _check(result.stdout)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind (5)")
    parser.add_argument("--pages", action="store_true", help="also count the pages with LibreOffice")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="marac-bench-") as temporary:
        path = make_docx(Path(temporary))
        pages = page_count(path) if args.pages else None
        size = path.stat().st_size
        print(f"DOCX of {size / 1024:.0f} KiB" + (f", {pages} pages (LibreOffice)" if pages else "")
              + f"; target {TARGET_SECONDS} s")
        cold = time_cold(["audit", str(path), "--format", "json"], args.repeat, cwd=REPO,
                         check_output=_check)
        warm = time_in_process(path, args.repeat)
    print(wall_cpu_line("cold (new process):", cold))
    print(wall_cpu_line("in-process, first:", warm[:1]))
    print(wall_cpu_line("in-process, others:", warm[1:] or warm))
    best_cold = min(t[1] for t in cold)
    print("cold CPU within target" if best_cold < TARGET_SECONDS else "cold CPU over target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
