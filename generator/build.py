"""Build many Maracs: the plan (policy gate and build cache), assemble, render, atomic writes, parallel jobs.

The gate runs over every Marac first, every time; if any has errors, nothing at all is written.
Then each output whose inputs and file are unchanged since the last build is skipped
(``build_cache``; ``force`` rebuilds all). Both make the build's plan (``build_plan``), which a
parallel build works out in a child process of its own. A build that stops part-way says which
files it wrote and which it did not. Worker processes end when the process that started them dies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from .atomic import write_atomic
from .build_cache import Manifest, content_key, shared_inputs
from .build_plan import BuiltFile, Plan, Unit, make_plan, one_file_each, settings_of, target_path
from .build_schedule import Schedule
from .document.assemble import assemble
from .document.model import Document
from .errors import MaracError, RenderError
from .library.clauses import DOC_KINDS, load_library
from .output_guard import check_target
from .register.drafts import draft_notice, register_view
from .register.editions import load_editions
from .register.store import display_path
from .render import writer

__all__ = ["BuiltFile", "build_many", "output_path", "render_document"]


# A worker's memory grows over the documents it lays out (WeasyPrint and Pango leave freed memory
# the system cannot have back): over a 300-Marac build each worker's peak went from about 125 to
# 195 MiB. So after this many documents the workers are replaced by new ones forked from the
# parent. The switch waits for the pool's last document (one worker idles for about half a
# document) and a new worker's first document costs about 0.2 s more; over 300 Maracs the build
# was no slower (1,263 s without replacing workers, 1,252 s with).
DOCUMENTS_PER_POOL = 60


def output_path(output: Path, document: Document, fmt: str) -> Path:
    """Return ``OUTPUT/<slug>/<slug>-<file-stem>.<ext>`` for a document and format."""
    meta = document.meta
    return target_path(output, meta.slug, meta.file_stem, fmt)


def render_document(document: Document, formats: tuple[str, ...], output: Path,
                    force: bool = False, draft: str | None = None) -> list[BuiltFile]:
    """Render one document in every format and write each file atomically; return them.

    Refuses (``RenderError``) when a writer fails; files already written stay whole. Refuses
    (``OverwriteRefused``) a target marac did not write, unless ``force`` (``output_guard``).
    """
    built = []
    for fmt in formats:
        target = output_path(output, document, fmt)
        check_target(target, force)
        try:
            data = writer(fmt)(document)
            write_atomic(target, data)
        except OSError as exc:
            raise RenderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        built.append(BuiltFile(document.meta.marac, document.meta.kind, fmt, target, document.meta.fingerprint,
                               hashlib.sha256(data).hexdigest(), draft=draft))
    return built


def _build_unit(unit: Unit) -> tuple[list[BuiltFile], str | None]:
    """Return the files of ``unit`` written and, if it stopped, why (a message, never an exception,
    so a worker's failure crosses the process boundary whole)."""
    global _IN_UNIT
    _IN_UNIT = True
    built: list[BuiltFile] = []
    try:
        loaded = settings_of(unit)
        editions = load_editions(loaded.folder)
        document = register_view(loaded, assemble(loaded, load_library(), unit.kind), editions=editions)
        notice = (draft_notice(document, editions, display_path(loaded.folder))
                  if document.meta.draft else None)
        for fmt, previous in zip(unit.formats, unit.previous):
            content = content_key(document, fmt)
            if previous is not None and previous.content == content:
                # The inputs changed but not this document: the file on disk is what it would be.
                built.append(BuiltFile(document.meta.marac, unit.kind, fmt, output_path(unit.output, document, fmt),
                                       document.meta.fingerprint, previous.sha256, skipped=True, content=content,
                                       draft=notice))
                continue
            built += [dataclasses.replace(item, content=content)
                      for item in render_document(document, (fmt,), unit.output, unit.force, notice)]
        return built, None
    except MaracError as exc:
        return built, exc.format_message()
    except _Stopped:
        os._exit(128 + signal.SIGTERM)  # write_atomic has removed its temporary file
    except Exception as exc:  # noqa: BLE001 - a writer's own error must not print a traceback
        return built, f"{unit.marac} ({unit.kind}): could not be rendered: {type(exc).__name__}: {exc}"
    finally:
        _IN_UNIT = False
        if _IN_WORKER:
            _release_memory()


def build_many(arguments, output: Path, formats: tuple[str, ...], kinds: tuple[str, ...] = DOC_KINDS,
               jobs: int | None = None, today: dt.date | None = None,
               progress: Callable[[int, int, list[BuiltFile]], None] | None = None,
               force: bool = False) -> list[BuiltFile]:
    """Build every document of every Marac named by ``arguments``; return every output file,
    those skipped as unchanged marked ``skipped`` (see ``build_cache`` for when a file is).

    Refuses (``PolicyError`` with every finding) when any Marac fails the policy gate, and
    then writes nothing. ``jobs`` > 1 renders documents in that many processes; ``force``
    rebuilds files the cache would skip. Refuses (``RenderError``) when a document cannot be
    rendered or written, naming the files written before it stopped and those not written.
    """
    today = today or dt.date.today()
    output = Path(output)
    manifest = Manifest(output) if force else Manifest.load(output)
    if (jobs or 1) > 1 and _FORK_AVAILABLE:
        load_library()  # once, here: the child making the plan and then every worker share it
        plan = _plan_apart(arguments, manifest, formats, kinds, today, force)
    else:
        plan = make_plan(arguments, manifest, formats, kinds, today, force)
    built: list[BuiltFile] = []
    problem = None
    try:
        for unit, files, error in _run(list(plan.units), jobs, progress):
            for item in files:
                manifest.record(item.path, unit.keys[unit.formats.index(item.format)], item.content,
                                item.sha256, item.fingerprint)
            built.extend(files)
            problem = problem or error
    finally:
        # The manifest is only a cache: the next build rebuilds what it cannot vouch for.
        with contextlib.suppress(OSError):
            manifest.save()
    if problem:
        raise RenderError(_stopped_message(problem, built, list(plan.expected), list(plan.skipped)))
    return list(plan.skipped) + built


# Forked workers share the parent's imports and clause library instead of loading their own;
# where there is no fork (Windows) they are spawned, and the plan is made in this process.
_FORK_AVAILABLE = "fork" in multiprocessing.get_all_start_methods()


def _prepare_to_fork(formats: tuple[str, ...]) -> None:
    """Load in this process what every worker needs (the writers with WeasyPrint, the clause
    library, the digests every key shares), so the workers forked from it share one copy."""
    for fmt in formats:
        writer(fmt)
    load_library()
    shared_inputs(formats)


def _plan_apart(arguments, manifest: Manifest, formats: tuple[str, ...], kinds: tuple[str, ...],
                today: dt.date, force: bool) -> Plan:
    """Return ``make_plan``'s plan, worked out in a child process forked for it (``build_plan`` says
    why). Refuses as ``make_plan`` does, and (``RenderError``) when the child is killed."""
    with _pool(1, multiprocessing.get_context("fork")) as pool:
        future = pool.submit(make_plan, arguments, manifest, formats, kinds, today, force)
        if not manifest.entries:
            # Every file will be rendered (a first build, or --force): the workers' imports load
            # meanwhile, and one Marac's documents start about 0.27 s sooner. A rebuild loads them
            # only once its plan has something to render, so one with nothing changed never
            # imports WeasyPrint.
            _prepare_to_fork(formats)
        try:
            return future.result()
        except MaracError:
            raise
        except RuntimeError as exc:  # BrokenProcessPool: killed from outside (out of memory, a signal)
            raise RenderError(f"Nothing was built: the process checking the Maracs stopped unexpectedly "
                              f"({type(exc).__name__}: {exc}). Run marac build again.") from None


def _run(units: list[Unit], jobs: int | None, progress):
    """Yield (unit, files written, error or None) per unit, in one process or in ``jobs`` workers.

    After the first error no new unit is started; units already running finish and are yielded.
    """
    if (jobs or 1) > 1:
        units = one_file_each(units)
    jobs = max(1, min(jobs or 1, len(units)))
    if jobs == 1:
        for index, unit in enumerate(units, start=1):
            files, error = _build_unit(unit)
            if progress and files:
                progress(index, len(units), files)
            yield unit, files, error
            if error:
                return
        return
    if _FORK_AVAILABLE:
        _prepare_to_fork(tuple(dict.fromkeys(f for unit in units for f in unit.formats)))
    _release_memory()  # what this process freed goes back to the system, not into every worker's copy
    context = multiprocessing.get_context("fork" if _FORK_AVAILABLE else "spawn")
    # Forked workers share the parent's pages until they write to them; a garbage collection in
    # a worker writes to every object it visits. Frozen objects are never visited, so the parent's
    # imports (WeasyPrint, python-docx, the settings) stay shared instead of being copied per worker.
    gc.freeze()
    pool = _pool(jobs, context)
    try:
        schedule = Schedule(units, kind_of=lambda unit: unit.kind if "pdf" in unit.formats else None)
        done_count, started_in_pool = 0, 0
        running: dict = {}  # future -> unit; units start as workers come free (build_schedule)
        stop = False
        while running or (schedule and not stop):
            if started_in_pool == DOCUMENTS_PER_POOL and not running:
                # Every document of this pool is done: new workers, forked from this process,
                # start from its memory instead of from what WeasyPrint has left in the old ones.
                # Only now, not while the old pool still runs one: three workers at once was a
                # 60-Marac build's peak.
                pool.shutdown(wait=True)
                pool, started_in_pool = _pool(jobs, context), 0
            while schedule and not stop and len(running) < jobs and started_in_pool < DOCUMENTS_PER_POOL:
                unit = schedule.take(heavy_running=sum(schedule.is_heavy(u) for u in running.values()))
                try:
                    running[pool.submit(_build_unit, unit)] = unit
                    started_in_pool += 1
                except RuntimeError as exc:  # BrokenProcessPool: a worker was killed from outside
                    stop = True
                    yield unit, [], f"a build process stopped unexpectedly ({type(exc).__name__}: {exc})"
            if not running:
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                unit = running.pop(future)
                files, error = _result(future)
                done_count += 1
                if progress and files:
                    progress(done_count, len(units), files)
                # After an error no new unit starts; those running finish and are yielded.
                stop = stop or bool(error)
                yield unit, files, error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()  # a long-lived process (the web app) must still collect what it had then


def _pool(jobs: int, context) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started,
                               initargs=(os.getpid(),))


def _result(future) -> tuple[list[BuiltFile], str | None]:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a worker killed from outside (out of memory, a signal)
        return [], f"a build process stopped unexpectedly ({type(exc).__name__}: {exc})"


def _stopped_message(problem: str, built: list[BuiltFile], expected: list[Path],
                     skipped: list[BuiltFile]) -> str:
    done = {item.path for item in built}
    written = [item for item in built if not item.skipped]
    skipped = skipped + [item for item in built if item.skipped]
    missing = [path for path in expected if path not in done]
    lines = [problem, "", "The build stopped. Files written are whole and up to date."]
    lines.append(f"Written ({len(written)}):" if written else "Written: none.")
    lines += [f"  {item.path}" for item in written]
    lines.append(f"Not written ({len(missing)}), an older copy may be there:" if missing else "Not written: none.")
    lines += [f"  {path}" for path in missing]
    if skipped:
        lines.append(f"Unchanged, left as they were: {len(skipped)}.")
    lines.append("Fix the problem above and run marac build again; it writes only what is missing or out of date.")
    return "\n".join(lines)


# --- worker processes end with the parent -------------------------------------------------------
# Without this, kill -9 of `marac build --jobs 2` left the workers rendering for many minutes:
# each holds a copy of the task queue's write end, so none ever sees the queue close.

_PR_SET_PDEATHSIG = 1
_IN_UNIT = False
_IN_WORKER = False  # set in each worker process: the parent's memory is not trimmed


class _Stopped(BaseException):
    """Raised in a worker on SIGTERM while it writes, so ``write_atomic`` removes its temporary file."""


def _on_sigterm(signum, frame) -> None:
    if _IN_UNIT:
        raise _Stopped()
    os._exit(128 + signum)


def _release_memory() -> None:
    """Give the memory a rendered document used back to the system before the next one.

    WeasyPrint's layout of a long protocol leaves tens of MiB of freed Python and C objects in the
    worker's heap; without this each worker stays at its largest document's size for the rest of a
    national build, and two workers' peaks add up (glibc only; elsewhere only the collection runs)."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _worker_started(parent: int) -> None:
    """Arrange for this worker to get SIGTERM when ``parent`` dies (Linux: the kernel's death
    signal; elsewhere a thread that watches the parent), and to stop cleanly on it."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGTERM, _on_sigterm)
    if sys.platform.startswith("linux") and _set_death_signal(signal.SIGTERM):
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(128 + signal.SIGTERM)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="marac-parent-watch").start()


def _set_death_signal(signum: int) -> bool:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
