"""Shared by the tests/test_hostile_*.py files: run the CLI as a hostile user would, and check
that it answered with a message (exit 1 or 2), never a traceback, and changed nothing it should not.

``issued_westmere`` is a session-wide Westmere with its MOP issued; its archived "PDF" is a
stand-in (these tests are about files, not about what the PDF looks like), so no PDF is rendered.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "local_configs"
STAND_IN_PDF = b"%PDF-1.7\n% a stand-in for the issued PDF\n%%EOF\n"


def run(*args, env=None, **kwargs):
    """Return the CliRunner result of ``marac ARGS`` (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, **kwargs)


def answered(result, code: int = 1, *phrases: str) -> None:
    """Assert the command exited with ``code`` through a message, no traceback, naming ``phrases``."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, (phrase, result.output)


def digest(path: Path) -> str:
    """Return the SHA-256 of a file, to show it was left exactly as it was."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Return every file under ``folder`` with its SHA-256: a snapshot to compare after a command."""
    return {p.relative_to(folder).as_posix(): digest(p) for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def copy_example(target: Path, name: str = "westmere") -> Path:
    """Copy an example Marac (without its register) to ``target``; return the folder."""
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    return target


@pytest.fixture(scope="session")
def issued_westmere(tmp_path_factory) -> Path:
    """Westmere with its MOP 1.2 issued on 2026-11-20 (a stand-in PDF archived); copy before changing."""
    folder = copy_example(tmp_path_factory.mktemp("issued") / "westmere")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.cli.register._issued_pdf", lambda document: STAND_IN_PDF)
        result = run("issue", folder, "--doc", "mop", "--version", "1.2", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def westmere(issued_westmere, tmp_path) -> Path:
    """This test's own copy of the issued Westmere."""
    return Path(shutil.copytree(issued_westmere, tmp_path / "westmere"))


def sign_args(folder: Path, agency: str = "Westshire Police", name: str = "Ann Lee") -> list:
    """Return the arguments of ``marac sign`` for one partner of Westmere's MOP."""
    return ["sign", folder, "--doc", "mop", "--agency", agency, "--name", name, "--role", "Chief Inspector",
            "--date", "2026-11-21"]
