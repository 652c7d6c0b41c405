"""Thirty `marac sign` processes at once: none fails, none is lost, the ledger stays valid YAML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from generator.register.ledger import load_ledger
from test_editions import days_ago, issue

PROCESSES = 30


def marac_command() -> list[str]:
    """Return the installed `marac` beside this Python, or `python -m generator.cli`."""
    script = Path(sys.executable).parent / "marac"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "generator.cli"]


def test_thirty_concurrent_signatures_are_all_kept(runner, marac_copy):
    folder = marac_copy("northbridge")
    assert issue(runner, folder, "mop", date=days_ago(5)).exit_code == 0
    partners = [p["name"] for p in yaml.safe_load((folder / "marac.yaml").read_text(encoding="utf-8"))["partners"]]
    assert len(partners) >= PROCESSES
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    processes = [
        subprocess.Popen(
            marac_command() + ["sign", str(folder), "--doc", "mop", "--agency", agency, "--name", f"Signatory {i}",
                               "--role", "Director", "--date", days_ago(i % 5)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for i, agency in enumerate(partners[:PROCESSES])
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _ in outcomes] == [0] * PROCESSES, [err for code, err in outcomes if code]
    data = yaml.safe_load((folder / "signatures.yaml").read_text(encoding="utf-8"))
    assert len(data["signatures"]) == PROCESSES
    assert sorted(s.agency for s in load_ledger(folder)) == sorted(partners[:PROCESSES])
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
