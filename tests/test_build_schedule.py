"""The order a parallel build starts documents in: never two operating protocols at once while
anything else waits (build_schedule), and the build still writes every file."""

from __future__ import annotations

import pytest

from generator.build_schedule import Schedule


def _units(maracs: int) -> list[tuple[str, str]]:
    return [(f"m{index}", kind) for index in range(maracs) for kind in ("mop", "isa", "annex")]


def _simulate(units, workers: int, seconds: dict[str, float]) -> tuple[list[tuple[str, str]], int, float]:
    """Run the schedule against ``workers`` simulated workers; return the start order, the most
    heavy units that ever ran at once, and when the last one finished."""
    schedule = Schedule(units, kind_of=lambda unit: unit[1])
    running: list[tuple[float, tuple[str, str]]] = []  # (finishes at, unit)
    clock, order, most_heavy = 0.0, [], 0
    while schedule or running:
        while schedule and len(running) < workers:
            unit = schedule.take(heavy_running=sum(schedule.is_heavy(u) for _, u in running))
            order.append(unit)
            running.append((clock + seconds[unit[1]], unit))
            most_heavy = max(most_heavy, sum(schedule.is_heavy(u) for _, u in running))
        running.sort()
        clock, _ = running.pop(0)
    return order, most_heavy, clock


def test_two_workers_never_lay_out_two_protocols_at_once_in_a_full_build():
    seconds = {"mop": 5.0, "isa": 3.5, "annex": 2.5}  # as measured on Northbridge
    order, most_heavy, finished = _simulate(_units(20), 2, seconds)
    assert most_heavy == 1
    assert sorted(order) == sorted(_units(20))  # every document is started, once
    # and the build takes no longer than the work divided between the workers, give or take one document
    assert finished <= 20 * sum(seconds.values()) / 2 + seconds["mop"]


def test_the_first_protocol_starts_first_and_each_kind_keeps_its_order():
    schedule = Schedule(_units(3), kind_of=lambda unit: unit[1])
    assert schedule.take(heavy_running=0) == ("m0", "mop")
    assert schedule.take(heavy_running=1) == ("m0", "isa")
    assert schedule.take(heavy_running=1) == ("m0", "annex")
    assert schedule.take(heavy_running=0) == ("m1", "mop")
    assert len(schedule) == 5


def test_protocols_run_side_by_side_only_when_nothing_else_waits():
    schedule = Schedule([("a", "mop"), ("b", "mop"), ("b", "isa")], kind_of=lambda unit: unit[1])
    assert schedule.take(heavy_running=0) == ("a", "mop")
    assert schedule.take(heavy_running=1) == ("b", "isa")
    assert schedule.take(heavy_running=1) == ("b", "mop")  # only protocols left: do not idle a worker
    with pytest.raises(IndexError):
        schedule.take(heavy_running=0)


def test_a_protocols_only_build_still_uses_every_worker():
    units = [(f"m{index}", "mop") for index in range(6)]
    _, most_heavy, finished = _simulate(units, 2, {"mop": 5.0})
    assert most_heavy == 2
    assert finished == 15.0


def test_a_parallel_build_that_replaces_its_workers_writes_what_one_process_writes(marac_copy, tmp_path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from generator import build

    marac_copy("westmere")
    folder = marac_copy("northbridge").parent
    single = build.build_many([str(folder)], tmp_path / "single", ("docx",), jobs=1)
    pools, alive = [], []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(self)

        def submit(self, *args, **kwargs):
            # never two pools' documents at once: every earlier pool has been shut down
            alive.append(sum(not pool._shutdown_thread for pool in pools))
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(build, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(build, "DOCUMENTS_PER_POOL", 2)
    parallel = build.build_many([str(folder)], tmp_path / "parallel", ("docx",), jobs=2)
    plan, *workers = pools  # the gate runs in a child of its own (build_plan), then the documents
    assert plan._max_workers == 1 and len(workers) == 3  # six documents, two to a pool
    assert alive == [1] * 7
    assert len(parallel) == len(single) == 6 and not any(item.skipped for item in parallel)
    for item in single:
        twin = tmp_path / "parallel" / item.path.relative_to(tmp_path / "single")
        assert twin.read_bytes() == item.path.read_bytes()
