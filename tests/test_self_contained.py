"""A user's clone has only the repository: nothing in it may read the steering folder beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTSIDE = "../" + "sh" + "ared"  # spelt in parts so this file does not match itself


def test_nothing_in_the_repository_reads_outside_it():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = REPO / name
        if path.suffix in {".py", ".sh", ".toml", ".cfg", ".ini"} or path.name in {"Makefile", "run"}:
            if OUTSIDE in path.read_text(encoding="utf-8", errors="replace"):
                offenders.append(name)
    assert offenders == []


def test_the_requirement_catalogue_ships_with_the_library():
    from generator.library.requirements import load_requirements
    from generator.resources import data_dir

    assert (data_dir("clauses") / "requirements.yaml").is_file()
    assert len(load_requirements().requirements) == 24
