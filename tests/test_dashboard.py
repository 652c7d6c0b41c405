"""``marac dashboard``: one self-contained HTML file naming every Marac and flagging overdue reviews."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
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


# --- a Marac that fails the policy gate is one error row, as in `marac reviews` --------------

TODAY = "2026-12-01"


def edit_settings(folder: Path, change) -> None:
    data = yaml.safe_load((folder / "marac.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "marac.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def home_office_signatory(data) -> None:
    data["partners"][0]["signatory"]["email"] = "rebecca.thorne-adeyemi@homeoffice.gov.uk"


def four_year_review(data) -> None:
    data["documents"]["operating_protocol"]["review_interval_months"] = 48


def board_rows(html: str) -> list[tuple[str, str]]:
    """(status, Marac) of every row of the board, in the order shown."""
    return re.findall(r'<tr class="row-(\w+)">\s*<th scope="row">(?:<a [^>]*>)?([^<]+)<', html)


@pytest.mark.parametrize("change, finding", [(home_office_signatory, "[G03]"), (four_year_review, "[G21]")])
def test_exported_dashboard_shows_a_marac_failing_the_gate_as_one_error_row_first(marac_copy, change, finding):
    import html as html_module

    from generator.register.reviews import collect_reviews

    failing, healthy = marac_copy("northbridge"), marac_copy("westmere")
    edit_settings(failing, change)
    out = failing.parent.parent / "board.html"
    result = run(str(failing.parent), "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "1 error (a Marac that fails the policy gate or cannot be read; marac check" in result.output
    text = html_module.unescape(out.read_text(encoding="utf-8"))

    rows = board_rows(text)
    assert rows[0] == ("error", "Northbridge Marac")
    assert [status for status, marac in rows if marac == "Northbridge Marac"] == ["error"]  # never ok, due, overdue
    westmere = [status for status, marac in rows if marac == "Westmere Marac"]
    assert len(westmere) == 4 and "error" not in westmere  # mop, isa, annex, pathways as usual
    assert "Northbridge Marac fails the policy gate" in text
    assert f"(settings: {(failing / 'marac.yaml').as_posix()})" in text
    assert f"marac check {failing.as_posix()}" in text
    assert '<span class="status status-error">Fails the policy gate</span>' in text
    # the row is marked at its left edge, as an overdue one is, in the colour of its status
    assert ".row-error th { border-left: 6px solid var(--error); }" in text
    assert "Error 1" in text and "Cannot be read" not in text
    # The findings are the ones `marac reviews` reports for this Marac, word for word.
    [error] = collect_reviews([str(failing)], dt.date.fromisoformat(TODAY)).errors
    assert finding in error.error and error.error in text
    assert "<script" not in text.lower() and 'href="/' not in text  # still self-contained


def test_dashboard_counts_a_gate_failure_as_an_error_and_a_cached_board_does_not_hide_it(marac_copy):
    from generator.web import dashboard

    failing, healthy, warned = marac_copy("northbridge"), marac_copy("westmere"), marac_copy("afonglas")
    edit_settings(warned, lambda d: d["partners"].append({  # a G03 warning, not an error
        "name": "Afon Glas Housing Options", "type": "nrpf", "signatory": {"name": "C Person", "role": "Manager"}}))
    configs = {folder.name: folder / "marac.yaml" for folder in (failing, healthy, warned)}
    today = dt.date.fromisoformat(TODAY)
    before = dashboard.build_dashboard(configs, today)  # fills the per-file cache while it passes
    assert before.counts["error"] == 0 and {row.key for row in before.rows} == set(configs)

    edit_settings(failing, four_year_review)
    board = dashboard.build_dashboard(configs, today)
    [row] = [row for row in board.rows if row.key == "northbridge"]
    assert board.rows[0] is row
    assert (row.status, row.fails_gate, row.marac, row.status_words) == (
        "error", True, "Northbridge Marac", "Fails the policy gate")
    assert "[G21]" in row.error and row.check_command == f"marac check {failing.as_posix()}"
    assert board.counts["error"] == 1 and sum(board.counts.values()) == len(board.rows)
    assert board.only("error") == (row,) and row not in board.only("ok")
    for key in ("westmere", "afonglas"):  # a passing Marac, and one with warnings only, as usual
        rows = [r for r in board.rows if r.key == key]
        assert rows == [r for r in before.rows if r.key == key] and all(r.status != "error" for r in rows)


def test_dashboard_cache_is_keyed_on_the_day_the_settings_are_checked_on(marac_copy):
    from generator.web import dashboard

    folder = marac_copy("westmere")
    config = folder / "marac.yaml"
    data = yaml.safe_load(config.read_text())
    reviewed = max(value for section in [*data["documents"].values(), data["specialist_pathways"]]
                   for value in section.values() if isinstance(value, dt.date))  # the latest date it gives
    later = dashboard.build_dashboard({"westmere": config}, reviewed)
    assert all(row.status != "error" for row in later.rows)
    earlier = dashboard.build_dashboard({"westmere": config}, reviewed - dt.timedelta(days=1))
    [row] = earlier.rows  # the same file, checked on a day before its review date: refused
    assert row.status == "error" and "in the future" in row.error
    assert dashboard.build_dashboard({"westmere": config}, reviewed).rows == later.rows
