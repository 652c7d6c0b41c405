"""Benchmark: how fast and how lean `marac signatures import` refuses a signed copy padded with junk.

Issue 11 row 8: a signed PDF padded with 99 MiB of junk must be refused in well under 5 s and
300 MB. Issues Westmere's ISA once (one PDF render), signs it with a throwaway certificate
(tests/partner_signing.py), pads it two ways (junk after %%EOF, junk inside before a new %%EOF),
and times a cold `marac signatures import` of each as a child process: wall time and peak RSS.

Run: `.venv/bin/python bench/hostile_import.py`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]
MARAC = [sys.executable, "-m", "generator.cli"]
JUNK = 99 * 1024 * 1024
TARGET_SECONDS, TARGET_MB = 5.0, 300


def main() -> int:
    import partner_signing as partner

    work = Path(tempfile.mkdtemp(prefix="marac-bench-import-"))
    try:
        folder = work / "westmere"
        shutil.copytree(REPO / "local_configs" / "westmere", folder,
                        ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
        subprocess.run(MARAC + ["issue", str(folder), "--doc", "isa", "--version", "1.0"], check=True,
                       capture_output=True, cwd=REPO)
        issued = (folder / "editions" / "isa-1.0.pdf").read_bytes()
        ca = partner.make_ca()
        signer = partner.pdf_signer(partner.issue_cert(ca, "Andrew Polglase", "Westshire Police"), ca)
        signed = partner.sign_field(issued, "sig-westshire-police", signer)
        worst = (0.0, 0.0)
        for name, tail in (("after-eof", b"\0" * JUNK), ("inside", b"\n%" + b"x" * JUNK + b"\n%%EOF\n")):
            path = work / f"{name}.pdf"
            path.write_bytes(signed + tail)
            seconds, megabytes, output = _measure(MARAC + ["signatures", "import", str(folder), str(path)])
            print(f"{name:10} {path.stat().st_size / 1048576:6.1f} MiB: refused in {seconds:.2f} s, "
                  f"peak {megabytes:.0f} MB: {output.strip().splitlines()[0][:100]}")
            worst = (max(worst[0], seconds), max(worst[1], megabytes))
        ok = worst[0] < TARGET_SECONDS and worst[1] < TARGET_MB
        print(f"worst: {worst[0]:.2f} s (target < {TARGET_SECONDS} s), {worst[1]:.0f} MB (target < {TARGET_MB} MB): "
              f"{'ok' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Runs marac in-process and prints its own peak memory (VmHWM belongs to this process image alone;
# getrusage's ru_maxrss would also count the memory of the bench process it was forked from).
_CHILD = r"""
import sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="marac")
except SystemExit:
    pass
finally:
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0].split()[1]
    print(f"VmHWM {hwm}", file=sys.stderr)
"""


def _measure(command: list[str]) -> tuple[float, float, str]:
    """Run ``marac ARGS`` as a child; return its wall time, its peak RSS in MB and its messages."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *command[len(MARAC):]], capture_output=True, text=True,
                          cwd=REPO)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak_kb = int(lines[-1].split()[1])
    return seconds, peak_kb / 1024, "\n".join(lines[:-1])


if __name__ == "__main__":
    sys.exit(main())
