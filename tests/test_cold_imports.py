"""What the everyday commands import: a cold `marac check` or `status` is mostly imports, so the
costly ones they do not need stay out (see generator.pydantic_plugins and the README's figures)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.settings.schema import Settings

REPO_EXAMPLE = "local_configs/northbridge"


def _modules_after(arguments: list[str], *names: str) -> list[bool]:
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(%r, standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "finally:\n    print(*[name in sys.modules for name in %r])\n" % (arguments, names)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [word == "True" for word in done.stdout.splitlines()[-1].split()]


@pytest.mark.parametrize("command", [["check", REPO_EXAMPLE], ["status", REPO_EXAMPLE], ["reviews", "local_configs"]])
def test_everyday_commands_do_not_look_for_pydantic_plugins(command):
    metadata, pydantic = _modules_after(command, "importlib.metadata", "pydantic")
    assert pydantic  # the settings were validated
    assert not metadata, "pydantic searched the installed packages for plugins (generator.pydantic_plugins)"


def test_help_imports_neither_pydantic_nor_the_writers():
    assert _modules_after(["--help"], "pydantic", "weasyprint", "docx") == [False, False, False]


def test_pydantic_finds_no_plugins_and_still_validates():
    from pydantic.plugin import _schema_validator
    from pydantic_core import SchemaValidator

    import pydantic.plugin._loader as loader

    assert tuple(loader.get_plugins()) == ()
    # Validators are pydantic's own, not a plugin's wrapper that would see every value.
    assert type(Settings.__pydantic_validator__) is SchemaValidator
    assert _schema_validator.PluggableSchemaValidator is not type(Settings.__pydantic_validator__)


def test_a_rebuild_with_nothing_changed_does_not_import_weasyprint(built_examples, tmp_path):
    import shutil

    output = tmp_path / "out"
    shutil.copytree(built_examples, output)
    arguments = ["build", "local_configs", "-o", str(output), "--jobs", "2"]
    assert _modules_after(arguments, "weasyprint", "generator.build") == [False, True]
    (next(output.rglob("*-immigration-status-annex.pdf"))).unlink()  # one file to render again
    assert _modules_after(arguments, "weasyprint") == [True]
