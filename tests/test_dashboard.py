"""``marac dashboard``: one self-contained HTML file naming every Marac and flagging overdue reviews."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(main, ["dashboard", *args])


def test_dashboard_names_every_marac_and_flags_overdue(tmp_path):
    out = tmp_path / "board.html"
    result = run(str(REPO / "local_configs"), "-o", str(out), "--today", "2030-01-01")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for config in sorted((REPO / "local_configs").glob("*/marac.yaml")):
        assert yaml.safe_load(config.read_text())["marac"]["name"] in html
    statuses = re.findall(r'class="status status-(\w+)">([^<]+)<', html)
    assert statuses and all(status == "overdue" and words == "Overdue" for status, words in statuses)
    assert "overdue review" in result.output


def test_dashboard_file_is_self_contained(tmp_path):
    out = tmp_path / "board.html"
    assert run(str(REPO / "local_configs"), "-o", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r'(src|href)="(https?:|//|/)', html)
    assert "<style>" in html and ".status-overdue" in html


def test_dashboard_shows_a_broken_marac_as_an_error_row(tmp_path):
    folder = tmp_path / "configs" / "broken"
    folder.mkdir(parents=True)
    (folder / "marac.yaml").write_text("marac: [unclosed\n")
    out = tmp_path / "board.html"
    result = run(str(tmp_path / "configs"), "-o", str(out))
    assert result.exit_code == 0
    assert "Cannot be read" in out.read_text(encoding="utf-8")


def test_dashboard_refuses_a_folder_without_maracs(tmp_path):
    result = run(str(tmp_path), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and "holds no marac.yaml" in result.output
    assert not (tmp_path / "x.html").exists()


def test_serve_refuses_any_other_host(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "multi-user serving is not available yet" in result.output


def test_serve_binds_loopback_and_prints_the_address(tmp_path, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--port", "8411"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8411/" in result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8411


def test_serve_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "is not a folder" in result.output


def test_the_annex_set_in_marac_yaml_appears_on_the_dashboard_as_a_signed_document(tmp_path):
    import datetime as dt
    import shutil

    from generator.web import dashboard

    for key in ("westmere", "afonglas"):
        shutil.copytree(REPO / "local_configs" / key, tmp_path / key)
    annex = yaml.safe_load((tmp_path / "westmere" / "marac.yaml").read_text())["documents"]["annex"]
    assert "annex" not in yaml.safe_load((tmp_path / "afonglas" / "marac.yaml").read_text())["documents"]
    board = dashboard.build_dashboard({key: tmp_path / key / "marac.yaml" for key in ("westmere", "afonglas")},
                                      dt.date(2026, 11, 1))
    [row] = [row for row in board.rows if row.document == "annex"]
    due = annex["last_reviewed"].replace(year=annex["last_reviewed"].year + annex["review_interval_months"] // 12)
    assert (row.key, row.title, row.status, row.due, row.signed_document) == (
        "westmere", "Immigration Status Annex", "due", due, True)
    partners = len(yaml.safe_load((tmp_path / "westmere" / "marac.yaml").read_text())["partners"])
    assert (row.signed, row.total, row.version) == (0, partners, None)  # never issued, so nobody signed yet
    assert sorted(row.document for row in board.rows if row.key == "afonglas") == ["isa", "mop", "pathways"]
