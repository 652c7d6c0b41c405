"""`marac build`: file names, refusal on policy errors, atomic writes, reproducible bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.cli import main

from marac_edits import add_first_partner  # tests/ is on sys.path (no package)

REPO = Path(__file__).resolve().parents[1]

STEMS = ("operating-protocol", "information-sharing-agreement", "immigration-status-annex")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_default_build_writes_six_files_per_marac(built_examples):
    for slug in ("northbridge", "westmere"):
        names = sorted(p.name for p in (built_examples / slug).iterdir())
        assert names == sorted(f"{slug}-{stem}.{ext}" for stem in STEMS for ext in ("docx", "pdf"))
        assert all((built_examples / slug / n).stat().st_size > 5000 for n in names)
    leftovers = [p for p in built_examples.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_build_is_byte_reproducible(built_examples):
    """The files the CLI wrote (in worker processes, earlier in the session) are byte for byte
    what a fresh render in this process gives: no clock, no randomness, no process state."""
    from generator.document.assemble import assemble
    from generator.library.clauses import load_library
    from generator.policy.gate import load_one_clean
    from generator.register.drafts import register_view
    from generator.render import writer

    loaded = load_one_clean(str(REPO / "local_configs" / "westmere"))
    for kind, stem in zip(("mop", "isa", "annex"), STEMS):
        document = register_view(loaded, assemble(loaded, load_library(), kind), record=False)  # as build does
        for fmt in ("docx", "pdf") if kind == "annex" else ("docx",):
            rendered = hashlib.sha256(writer(fmt)(document)).hexdigest()
            assert rendered == digest(built_examples / "westmere" / f"westmere-{stem}.{fmt}"), (kind, fmt)


def test_build_prints_what_it_wrote_and_progress(runner, examples, tmp_path):
    result = runner.invoke(main, ["build", str(examples / "westmere"), "-o", str(tmp_path),
                                  "--format", "docx", "--doc", "mop,isa"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("wrote ") == 2 and "edition " in result.stdout
    assert "[2/2] Westmere Marac" in result.stderr
    assert sorted(p.name for p in (tmp_path / "westmere").iterdir()) == [
        "westmere-information-sharing-agreement.docx", "westmere-operating-protocol.docx"]


def test_build_refuses_policy_errors_and_writes_nothing(runner, marac_copy, tmp_path):
    good = marac_copy("westmere")
    bad = marac_copy("northbridge")
    add_first_partner(bad, "UKVI")
    output = tmp_path / "out"
    result = runner.invoke(main, ["build", str(good.parent), "-o", str(output)])
    assert result.exit_code == 1
    assert "Nothing was built" in result.stderr and "[G03]" in result.stderr
    assert "Traceback" not in result.output
    assert not output.exists()


@pytest.mark.parametrize("args", [["--format", "odt"], ["--doc", "mou"], ["--jobs", "0"], []])
def test_build_usage_errors_exit_2(runner, examples, args):
    result = runner.invoke(main, ["build", *([str(examples / "westmere")] if args else []), *args])
    assert result.exit_code == 2


def test_failed_write_leaves_no_partial_file(runner, examples, tmp_path, monkeypatch):
    import generator.build as build

    calls = {"n": 0}
    real = build.writer

    def failing_writer(fmt):
        render = real(fmt)

        def wrapped(document):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device")
            return render(document)

        return wrapped

    monkeypatch.setattr(build, "writer", failing_writer)
    result = runner.invoke(main, ["build", str(examples / "westmere"), "-o", str(tmp_path), "--format", "docx",
                                  "--jobs", "1"])
    assert result.exit_code == 1 and "No space left" in result.output
    files = [p.name for p in tmp_path.rglob("*") if p.is_file() and p.name != "build-manifest.json"]
    assert files == ["westmere-operating-protocol.docx"]
