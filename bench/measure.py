"""Run a command and measure it: wall time, CPU time and peak memory of its whole process tree.

- wall: from start to exit, ``time.perf_counter``;
- CPU: user + system time of the process and every descendant it waited for (``os.wait4``'s
  rusage), so worker processes and LibreOffice's soffice.bin count;
- the machine meanwhile: seconds of CPU stolen by the host from this virtual machine, and seconds
  CPUs sat idle waiting for the disk, over the whole machine (``/proc/stat``), so a slow run can
  be told apart from a slow program;
- memory: PSS (proportional set size: shared pages divided among the processes sharing them),
  summed over every live process of the tree, read from /proc/PID/smaps_rollup while polling;
  the peak of that sum. PSS, not RSS: forked workers share most of their pages with the parent,
  and RSS would count those pages once per process.

Polling memory slows what it measures: the kernel walks each process's page tables for
smaps_rollup, and marac's build has four processes to LibreOffice's one. One Marac's build read
0.5 s (10%) slower polled than not, side by side on 4 December 2026, and LibreOffice's convert
no slower. So a comparison of speed times runs with ``memory=False`` and measures memory in runs
of its own (``bench/build.py``).

Every command runs on the same CPU set (``CORES``), so two routes compared get the same cores.
Linux only (reads /proc).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORES = sorted(os.sched_getaffinity(0))
# A normal Python install writes each module's bytecode once and reuses it. Some shells (this
# sandbox's among them) set PYTHONDONTWRITEBYTECODE, which makes every run compile marac's own
# modules from source again (about 30 ms a command): measure what a coordinator's machine does.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
POLL_SECONDS = 0.05
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    """One measured run."""

    wall: float
    cpu: float
    pss_mib: float
    code: int
    stdout: str
    stderr: str
    # The PSS (MiB) of each process at the moment of the peak: the command first, then its
    # descendants in the order found (for a build: the parent, then its workers).
    pss_parts_mib: tuple[float, ...] = ()
    steal: float = 0.0  # CPU-seconds the host took from this machine during the run
    iowait: float = 0.0  # CPU-seconds idle waiting on the disk during the run

    def machine_load(self) -> str:
        """Return 'steal 0.4 s, iowait 1.2 s' for the run (the whole machine's, not the command's)."""
        return f"steal {self.steal:.1f} s, iowait {self.iowait:.1f} s"

    def parts(self) -> str:
        """Return the peak's processes as 'parent 52 + 130 + 118 MiB' (empty if one process)."""
        if len(self.pss_parts_mib) < 2:
            return ""
        first, *rest = self.pss_parts_mib
        return f"parent {first:.0f} + " + " + ".join(f"{part:.0f}" for part in rest) + " MiB"


def _cpu_ticks() -> tuple[int, int]:
    """Return the machine's (iowait, steal) clock ticks so far, from the 'cpu' line of /proc/stat."""
    try:
        with open("/proc/stat", "rb") as stream:
            fields = stream.readline().split()
        return int(fields[5]), int(fields[8])
    except (OSError, IndexError, ValueError):
        return 0, 0


def drop_page_cache() -> bool:
    """Write dirty pages to disk and empty the page cache, so the next run reads every file from
    the disk as it would the day after (needs root); return whether the cache was dropped."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as control:
            control.write("3\n")
        return True
    except OSError:
        return False


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_pss_kib(root: int) -> int:
    """Return the PSS (KiB) summed over ``root`` and all its live descendants."""
    return sum(tree_pss_parts_kib(root))


def tree_pss_parts_kib(root: int) -> list[int]:
    """Return the PSS (KiB) of ``root`` and of each live descendant, ``root`` first."""
    children = _children_map()
    parts, queue = [], [root]
    while queue:
        pid = queue.pop(0)
        queue.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        parts.append(int(line.split()[1]))
                        break
        except OSError:
            continue
    return parts


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
        memory: bool = True) -> Run:
    """Run ``command`` on ``CORES`` and return its measurements. Output is captured to files.

    With ``memory=False`` nothing polls the processes while they run (their times are not slowed
    by it) and the run's peak PSS reads 0."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        ticks = _cpu_ticks()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd,
                                   preexec_fn=lambda: os.sched_setaffinity(0, CORES))
        # Memory is sampled by a thread while this one blocks in wait4, so the wall time is the
        # moment the process exits, not the next poll (a 50 ms poll made a 60 ms command read 105 ms).
        peak: list[list[int]] = [[]]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                parts = tree_pss_parts_kib(process.pid)
                if sum(parts) > sum(peak[0]):
                    peak[0] = parts
                done.wait(POLL_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        if memory:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        iowait, steal = (after - before for after, before in zip(_cpu_ticks(), ticks, strict=True))
        done.set()
        if memory:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, sum(peak[0]) / 1024, process.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   tuple(part / 1024 for part in peak[0]), steal / _TICKS, iowait / _TICKS)


def checked(command: list[str], **kwargs) -> Run:
    """``run``, refusing (SystemExit) a command that fails."""
    result = run(command, **kwargs)
    if result.code != 0:
        raise SystemExit(f"failed ({result.code}): {' '.join(command)}\n{result.stderr[-3000:]}")
    return result


def summary(runs: list[Run], memory: list[Run] | None = None) -> str:
    """Return 'wall median (min-max), CPU median (min-max), peak PSS median (max)': the times of
    ``runs``, the memory of ``memory`` (runs of their own, polled) when given, else of ``runs``."""
    walls, cpus, pss = [r.wall for r in runs], [r.cpu for r in runs], [r.pss_mib for r in (memory or runs)]
    return (f"wall {statistics.median(walls):6.2f} s ({min(walls):.2f}-{max(walls):.2f})   "
            f"CPU {statistics.median(cpus):6.2f} s ({min(cpus):.2f}-{max(cpus):.2f})   "
            f"peak PSS {statistics.median(pss):5.0f} MiB (max {max(pss):.0f})")


def machine() -> str:
    """Return a one-line description of the machine: CPUs, load, kernel."""
    load = os.getloadavg()
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), runs pinned to CPUs {CORES}; load average "
            f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.uname().sysname} {os.uname().release}; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def wall_cpu_line(label: str, times: list[tuple[float, float]]) -> str:
    """Return one line with the median and best wall time and CPU time of (wall, cpu) pairs."""
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    return (f"{label:<22} wall median {statistics.median(walls):.3f} s, best {min(walls):.3f} s; "
            f"CPU median {statistics.median(cpus):.3f} s, best {min(cpus):.3f} s")


def marac_command() -> list[str]:
    """Return how to run marac from this venv: its installed script, else ``python -m generator.cli``."""
    import sys

    installed = Path(sys.executable).with_name("marac")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "generator.cli"]


def time_cold(arguments: list[str], repeat: int, cwd: Path, env: dict[str, str] | None = None,
              check_output: Callable[[str], None] | None = None) -> list[tuple[float, float]]:
    """Return (wall, CPU) seconds of ``repeat`` runs of ``marac ARGUMENTS`` as new processes, each
    on ``CORES``. Refuses (SystemExit) a run that fails; ``check_output`` is given each stdout."""
    times = []
    for _ in range(repeat):
        result = checked([*marac_command(), *arguments], env=env, cwd=cwd)
        times.append((result.wall, result.cpu))
        if check_output is not None:
            check_output(result.stdout)
    return times
