"""`marac check`: messages, G-ids and exit codes (0 clean, 1 errors, 2 usage), never a traceback."""

from __future__ import annotations

import subprocess
import sys

from generator.cli import main

from marac_edits import add_first_partner  # tests/ is on sys.path (no package)


def test_examples_pass(runner, examples):
    result = runner.invoke(main, ["check", str(examples), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "Northbridge Marac: ok" in result.output and "Westmere Marac: ok" in result.output


def test_forbidden_partner_exits_1_with_g03(runner, marac_copy):
    folder = marac_copy("westmere")
    add_first_partner(folder, "Border Force", signatory="{name: X Y, role: Officer}")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "[G03]" in result.stderr and "partners[1] (Border Force).name" in result.stderr
    assert "Traceback" not in result.output
    assert "Westmere Marac: errors (1 error," in result.stdout


def test_broken_yaml_exits_1_with_location(runner, marac_copy):
    folder = marac_copy("westmere")
    (folder / "marac.yaml").write_text("marac:\n  name: [oops\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(folder / "marac.yaml")])
    assert result.exit_code == 1
    assert "marac.yaml:" in result.stderr and "YAML syntax error" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_one_broken_marac_does_not_hide_the_others(runner, marac_copy):
    good = marac_copy("westmere")
    bad = marac_copy("northbridge")
    (bad / "marac.yaml").write_text("partners: []\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(good.parent)])
    assert result.exit_code == 1
    assert "Westmere Marac: ok" in result.stdout
    assert "northbridge" in result.output and "errors" in result.stdout


def test_warnings_exit_0(runner, marac_copy):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nimmigration:")
    end = text.index("\n", text.index("monitoring:", start))
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "[G20]" in result.output


def test_missing_path_exits_1(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_usage_error_exits_2(runner):
    assert runner.invoke(main, ["check"]).exit_code == 2
    assert runner.invoke(main, ["check", "x", "--today", "2026-02-30"]).exit_code == 2


def test_check_does_not_import_weasyprint(examples):
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['check', %r], standalone_mode=False)\n"
        "finally:\n    print('weasyprint' in sys.modules, 'docx' in sys.modules)\n" % str(examples)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_python_m_generator_cli_runs():
    """The module entry point imports every command module without a cycle."""
    done = subprocess.run([sys.executable, "-m", "generator.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for command in ("build", "check", "issue", "sign", "status", "reviews", "remind"):
        assert command in done.stdout
