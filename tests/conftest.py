"""Shared fixtures. Generated files always go under pytest's tmp_path, never into the repo."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

# The settings parse cache goes to a throwaway folder, not the tester's ~/.cache.
os.environ.setdefault("MARAC_CACHE_DIR", tempfile.mkdtemp(prefix="marac-cache-"))

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture
def examples() -> Path:
    """The shipped example Maracs (read-only: copy before changing)."""
    return EXAMPLES


@pytest.fixture
def marac_copy(tmp_path):
    """Return a function that copies an example Marac into tmp_path and returns its folder."""

    def copy(name: str = "westmere") -> Path:
        target = tmp_path / "configs" / name
        shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
        return target

    return copy


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory) -> Path:
    """Build both examples' six files once per test session; return the output folder."""
    from generator.cli import main

    output = tmp_path_factory.mktemp("built")
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "-o", str(output), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="session")
def pki() -> dict:
    """Throwaway certificates for signing PDFs (see tests/signed_copies.py)."""
    from signed_copies import make_pki

    return make_pki()


@pytest.fixture(scope="session")
def issued(tmp_path_factory) -> tuple[Path, bytes]:
    """Westmere with its ISA issued three days ago, and the archived PDF partners are sent (rendered once)."""
    from signed_copies import issue_westmere

    return issue_westmere(tmp_path_factory.mktemp("issued"))


@pytest.fixture(scope="session")
def signed(issued, pki) -> dict[str, bytes]:
    """The issued ISA signed by the police, and that copy signed in turn by housing."""
    from signed_copies import sign_copies

    return sign_copies(issued, pki)
