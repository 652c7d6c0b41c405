"""The build's plan (``build_plan``): a parallel build gates in a child process and hands its
workers settings files, not settings; a worker loads them again and refuses any that changed
after the gate passed them."""

from __future__ import annotations

import datetime as dt
import gc
import pickle

import pytest

import generator.build as build
import generator.build_plan as build_plan
from generator.build_cache import Manifest
from generator.errors import ConfigError, PolicyError, Problem, RenderError
from generator.settings.loader import LoadedSettings

from marac_edits import add_first_partner  # tests/ is on sys.path (no package)


def _live_settings() -> int:
    gc.collect()
    return sum(isinstance(item, LoadedSettings) for item in gc.get_objects())


def test_a_refusal_crosses_from_the_child_with_every_problem():
    problem = Problem("a/marac.yaml", 3, "partners[0].name", "is Immigration Enforcement", gid="G03")
    for error in (PolicyError([problem], heading="Nothing was built"), ConfigError([problem])):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert copy.problems == [problem] and copy.format_message() == error.format_message()


def test_a_parallel_build_refuses_a_failed_gate_with_its_findings(marac_copy, tmp_path):
    folder = marac_copy("westmere")
    add_first_partner(folder, "UKVI")
    with pytest.raises(PolicyError) as refused:
        build.build_many([str(folder)], tmp_path / "out", ("docx",), jobs=2)
    assert any(problem.gid == "G03" and "UKVI" in problem.message for problem in refused.value.problems)
    assert refused.value.format_message().startswith("Nothing was built: 1 of 1 Maracs failed the check.")
    assert not (tmp_path / "out").exists()


def test_the_plan_gates_for_errors_only_and_refuses_what_check_refuses(marac_copy, tmp_path, monkeypatch):
    """A build shows no warnings, so its gate does not look for them; the errors it refuses on are
    exactly those `marac check` reports."""
    from generator.policy.gate import gate_many

    folder = marac_copy("northbridge")
    full = gate_many([str(folder)])
    assert full[0].warnings and not full[0].errors  # the example has an NRPF team: a G03 warning
    asked = []
    monkeypatch.setattr(build_plan, "gate_many",
                        lambda *args, **kwargs: asked.append(kwargs) or gate_many(*args, **kwargs))
    plan = build_plan.make_plan([str(folder)], Manifest.load(tmp_path / "out"), ("docx",), ("mop",),
                                dt.date.today())
    assert asked == [{"warnings": False}] and len(plan.units) == 1
    add_first_partner(folder, "UKVI")
    errors_only, everything = gate_many([str(folder)], warnings=False), gate_many([str(folder)])
    assert errors_only[0].errors == everything[0].errors != [] and not errors_only[0].warnings


def test_the_parent_of_a_parallel_build_holds_no_settings_after_planning(marac_copy, tmp_path):
    marac_copy("westmere")
    folder = marac_copy("northbridge").parent
    before = _live_settings()
    plan = build._plan_apart([str(folder)], Manifest(tmp_path / "out"), ("docx", "pdf"), ("mop", "isa", "annex"),
                             build.dt.date.today(), False)
    assert _live_settings() == before
    assert len(plan.units) == 6 and not plan.skipped
    assert {unit.settings.name for unit in plan.units} == {"marac.yaml"}
    assert all(unit.formats == ("docx", "pdf") and len(unit.keys) == 2 for unit in plan.units)


@pytest.mark.parametrize("edit, expected", [
    (lambda text: text.replace("  area: ", "  area: Edited ", 1),
     "changed while the build was running, after the check had passed it (its settings, a file they name, "
     "its logo or its editions), so its Marac Operating Protocol was not built"),
    (lambda text: text + "\nnot_a_setting: 1\n", "not_a_setting"),
])
def test_settings_edited_after_the_gate_are_not_built(marac_copy, tmp_path, monkeypatch, edit, expected):
    folder = marac_copy("westmere")
    settings = folder / "marac.yaml"
    real = build.make_plan

    def plan_then_edit(*args, **kwargs):
        plan = real(*args, **kwargs)
        settings.write_text(edit(settings.read_text(encoding="utf-8")), encoding="utf-8")
        return plan

    monkeypatch.setattr(build, "make_plan", plan_then_edit)
    with pytest.raises(RenderError) as stopped:
        build.build_many([str(folder)], tmp_path / "out", ("docx",), jobs=1)
    message = stopped.value.format_message()
    assert expected in message and "Written: none." in message
    assert not list((tmp_path / "out").rglob("*.docx"))


def test_a_parallel_build_hands_out_one_file_at_a_time_pdfs_first(marac_copy, tmp_path):
    folder = marac_copy("westmere")
    plan = build.make_plan([str(folder)], Manifest(tmp_path / "out"), ("docx", "pdf"), ("mop", "isa", "annex"),
                           build.dt.date.today())
    split = build.one_file_each(plan.units)
    assert [(unit.kind, unit.formats) for unit in split] == [
        ("mop", ("pdf",)), ("isa", ("pdf",)), ("annex", ("pdf",)),
        ("mop", ("docx",)), ("isa", ("docx",)), ("annex", ("docx",))]
    # each file keeps the input key and manifest entry the plan gave it
    given = {(unit.kind, fmt): (key, previous) for unit in plan.units
             for fmt, key, previous in zip(unit.formats, unit.keys, unit.previous)}
    assert {(unit.kind, unit.formats[0]): (unit.keys[0], unit.previous[0]) for unit in split} == given


def test_files_made_one_to_a_worker_are_those_one_process_makes(marac_copy, tmp_path, monkeypatch):
    folder = marac_copy("westmere")
    kinds = ("isa", "annex")  # the two shortest documents: two PDFs are enough to put both workers to work
    single = build.build_many([str(folder)], tmp_path / "single", ("docx", "pdf"), kinds, jobs=1)
    handed = []

    def one_file_each(units):
        handed.append(build_plan.one_file_each(units))
        return handed[-1]

    monkeypatch.setattr(build, "one_file_each", one_file_each)
    parallel = build.build_many([str(folder)], tmp_path / "parallel", ("docx", "pdf"), kinds, jobs=2)
    assert [unit.formats for unit in handed[0]] == [("pdf",), ("pdf",), ("docx",), ("docx",)]
    assert len(parallel) == len(single) == 4 and not any(item.skipped for item in parallel)
    for item in single:
        twin = tmp_path / "parallel" / item.path.relative_to(tmp_path / "single")
        assert twin.read_bytes() == item.path.read_bytes()
    # the manifest vouches for every file, whichever worker wrote it: nothing is rebuilt
    again = build.build_many([str(folder)], tmp_path / "parallel", ("docx", "pdf"), kinds, jobs=2)
    assert len(again) == 4 and all(item.skipped for item in again)
