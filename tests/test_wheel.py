"""The wheel carries clauses/ and templates/: an installed `marac` works outside the repo."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                   check=True, capture_output=True)
    return next(out.glob("marac_protocols-*.whl"))


def test_wheel_contains_clauses_and_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/clauses/library.yaml" in names
    assert sum(n.startswith("generator/clauses/") and n.endswith(".yaml") for n in names) >= 3
    assert any(n.startswith("generator/templates/") for n in names)
    assert not any(n.startswith(("tests/", "local_configs/", "output/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_checks_an_example_outside_the_repo(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + [str(wheel)], check=True, capture_output=True)
    workdir = tmp_path / "elsewhere"
    shutil.copytree(REPO / "local_configs" / "westmere", workdir / "westmere")
    result = subprocess.run([str(venv / "bin" / "marac"), "check", "westmere"], cwd=workdir,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Westmere Marac: ok" in result.stdout
    listing = subprocess.run([str(venv / "bin" / "marac"), "clauses", "--doc", "annex"], cwd=workdir,
                             capture_output=True, text=True, check=True).stdout
    assert "Clause library" in listing and "G03" in listing
