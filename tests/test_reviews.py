"""``marac reviews``: due dates from settings, statuses, table, JSON, CSV and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cli import main
from generator.register.review_formats import COLUMNS, render_table, terminal_is_fancy
from generator.register.reviews import collect_reviews

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"
EXPECTED_EXAMPLES = [  # (marac, document, version, last_reviewed, due, days_left, status)
    ("Westmere Marac", "isa", "1.0", "2023-01-10", "2025-01-10", -685, "overdue"),
    ("Westmere Marac", "pathways", None, "2025-06-01", "2026-06-01", -178, "overdue"),
    ("Westmere Marac", "mop", "1.2", "2024-12-05", "2026-12-05", 9, "due"),
    ("Westmere Marac", "annex", "1.0", "2024-12-05", "2026-12-05", 9, "due"),
    ("Northbridge Marac", "mop", "3.0", "2025-03-01", "2027-03-01", 95, "ok"),
    ("Northbridge Marac", "pathways", None, "2026-05-14", "2027-05-14", 169, "ok"),
    ("Northbridge Marac", "isa", "2.1", "2025-11-20", "2027-11-20", 359, "ok"),
    ("Northbridge Marac", "annex", "1.0", "2025-11-20", "2027-11-20", 359, "ok"),
]



def english(examples):
    """The two English examples, whose review dates these tests spell out (Afon Glas, the Welsh
    example, has its own dates)."""
    return [str(examples / "westmere"), str(examples / "northbridge")]

def edit(folder, old: str, new: str) -> None:
    """Replace one exact piece of a copied marac.yaml."""
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_json(runner, *args):
    result = runner.invoke(main, ["reviews", *map(str, args), "--format", "json"])
    return result, json.loads(result.stdout)


def by_document(rows):
    return {row["document"]: row for row in rows}


# --- JSON: the stable interface -----------------------------------------------------------

def test_json_rows_for_the_examples(runner, examples):
    result, rows = run_json(runner, *english(examples), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert all(list(row) == list(COLUMNS) for row in rows)
    got = [(r["marac"], r["document"], r["version"], r["last_reviewed"], r["due"], r["days_left"],
            r["status"]) for r in rows]
    assert got == EXPECTED_EXAMPLES
    assert {r["config"] for r in rows} == {
        f"{examples.as_posix()}/westmere/marac.yaml", f"{examples.as_posix()}/northbridge/marac.yaml"}
    assert all(r["error"] is None for r in rows)


def test_leap_day_review_falls_due_on_28_february(runner, marac_copy):
    folder = marac_copy()
    edit(folder, "last_reviewed: 2023-01-10", "last_reviewed: 2024-02-29")
    _, rows = run_json(runner, folder, "--today", "2026-02-28")
    isa = by_document(rows)["isa"]
    assert (isa["last_reviewed"], isa["due"], isa["days_left"], isa["status"]) == (
        "2024-02-29", "2026-02-28", 0, "due")
    _, rows = run_json(runner, folder, "--today", "2026-03-01")
    assert (by_document(rows)["isa"]["status"], by_document(rows)["isa"]["days_left"]) == ("overdue", -1)


def test_31_august_plus_six_months_is_end_of_february(runner, marac_copy):
    folder = marac_copy()
    edit(folder, "  last_reviewed: 2025-06-01\n  review_interval_months: 12",
         "  last_reviewed: 2026-08-31\n  review_interval_months: 6")
    _, rows = run_json(runner, folder, "--today", TODAY)
    pathways = by_document(rows)["pathways"]
    assert (pathways["due"], pathways["days_left"], pathways["status"]) == ("2027-02-28", 94, "ok")


@pytest.mark.parametrize(("today", "within", "status", "days_left"), [
    ("2026-11-30", 90, "ok", 91),
    ("2026-12-01", 90, "due", 90),       # exactly 90 days before
    ("2027-03-01", 90, "due", 0),        # the due day itself
    ("2027-03-02", 90, "overdue", -1),   # the day after
    (TODAY, 95, "due", 95),              # --within widens the window
    (TODAY, 94, "ok", 95),
])
def test_window_edges_on_the_command_line(runner, examples, today, within, status, days_left):
    result, rows = run_json(runner, examples / "northbridge", "--today", today, "--within", within)
    mop = by_document(rows)["mop"]
    assert (mop["due"], mop["status"], mop["days_left"]) == ("2027-03-01", status, days_left)
    assert len(rows) == 4, "--within changes statuses, never which rows are listed"


def test_pathways_never_reviewed_are_overdue(runner, marac_copy):
    folder = marac_copy()
    edit(folder, "  last_reviewed: 2025-06-01\n", "")
    result, rows = run_json(runner, folder, "--today", TODAY)
    assert result.exit_code == 0
    assert rows[0]["document"] == "pathways", "undated rows come before dated ones"
    assert {k: rows[0][k] for k in ("version", "last_reviewed", "due", "days_left", "status")} == {
        "version": None, "last_reviewed": None, "due": None, "days_left": None, "status": "overdue"}
    table = runner.invoke(main, ["reviews", str(folder), "--today", TODAY]).stdout
    line = next(ln for ln in table.splitlines() if "Specialist pathways" in ln)
    assert line.startswith("OVERDUE") and "never reviewed" in line


# --- table --------------------------------------------------------------------------------

def test_table_is_plain_text_when_not_a_terminal(runner, examples):
    result = runner.invoke(main, ["reviews", *english(examples), "--today", TODAY])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Reviews on 26 November 2026 (due: within 90 days of the due date)"
    assert lines[2].split() == ["STATUS", "MARAC", "DOCUMENT", "VERSION", "LAST", "REVIEWED",
                                "DUE", "WHEN"]
    assert lines[3].split("  ")[0] == "OVERDUE"
    assert "Westmere Marac" in lines[3] and "Information Sharing Agreement" in lines[3]
    assert "10 January 2025" in lines[3] and lines[3].endswith("685 days ago")
    assert lines[5].startswith("DUE ") and lines[5].endswith("in 9 days")
    assert lines[-1] == "2 overdue, 2 due, 4 ok"
    assert "\x1b[" not in result.stdout
    assert result.stdout.isascii(), "no symbols outside a terminal"


def test_fancy_table_has_colour_and_symbols(examples):
    report = collect_reviews(english(examples), __import__("datetime").date(2026, 11, 26))
    text = render_table(report, fancy=True)
    assert "\x1b[" in text and "\u2716 OVERDUE" in text and "\u2714 OK" in text
    plain = render_table(report, fancy=False)
    assert "\x1b[" not in plain


class _Stream(io.StringIO):
    def __init__(self, tty: bool, encoding: str):
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self):
        return self._tty

    @property
    def encoding(self):
        return self._encoding


def test_symbols_only_on_a_terminal_that_can_show_them(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert terminal_is_fancy(_Stream(True, "utf-8"))
    assert not terminal_is_fancy(_Stream(True, "ascii"))
    assert not terminal_is_fancy(_Stream(True, "cp1252"))
    assert not terminal_is_fancy(_Stream(False, "utf-8"))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not terminal_is_fancy(_Stream(True, "utf-8"))


# --- CSV ----------------------------------------------------------------------------------

def test_csv_opens_cleanly_in_excel(runner, examples):
    result = runner.invoke(main, ["reviews", *english(examples), "--today", TODAY, "--format", "csv"])
    assert result.exit_code == 0
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads accents"
    assert data.count(b"\r\n") == 9 and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    _, json_rows = run_json(runner, *english(examples), "--today", TODAY)
    for record, line in zip(json_rows, rows[1:]):
        expected = ["" if record[c] is None else str(record[c]) for c in COLUMNS]
        assert line == expected


def test_csv_keeps_accents_and_defuses_formulas(runner, marac_copy):
    folder = marac_copy()
    edit(folder, "name: Westmere Marac", "name: Ynys Môn Marac")
    result = runner.invoke(main, ["reviews", str(folder), "--today", TODAY, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "Ynys Môn Marac" and rows[1][6] == "-685"
    edit(folder, "name: Ynys Môn Marac", 'name: "=HYPERLINK(1)"')
    result = runner.invoke(main, ["reviews", str(folder), "--today", TODAY, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'=HYPERLINK(1)"


# --- exit codes ---------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "code"), [
    ([], 0),
    (["--fail-on", "overdue"], 1),                    # Westmere's ISA is overdue
    (["--fail-on", "due"], 1),
])
def test_fail_on_with_the_examples(runner, examples, args, code):
    result = runner.invoke(main, ["reviews", *english(examples), "--today", TODAY, *args])
    assert result.exit_code == code


@pytest.mark.parametrize(("today", "within", "fail_on", "code"), [
    (TODAY, 90, "due", 0),            # Northbridge: all ok
    (TODAY, 95, "due", 1),            # its MOP is due within 95 days
    (TODAY, 95, "overdue", 0),        # ... but not overdue
    ("2027-03-01", 90, "overdue", 0),  # the due day is not overdue
    ("2027-03-02", 90, "overdue", 1),
])
def test_fail_on_thresholds(runner, examples, today, within, fail_on, code):
    result = runner.invoke(main, ["reviews", str(examples / "northbridge"), "--today", today,
                                  "--within", str(within), "--fail-on", fail_on])
    assert result.exit_code == code, result.output


@pytest.mark.parametrize("args", [
    ["--today", "2026-02-30"], ["--today", "26/11/2026"], ["--within", "-1"],
    ["--format", "xml"], ["--fail-on", "ok"],
])
def test_usage_errors_exit_2(runner, examples, args):
    result = runner.invoke(main, ["reviews", *english(examples), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_config_exits_1(runner, tmp_path):
    result = runner.invoke(main, ["reviews", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


# --- broken settings: an error row, the others still listed ---------------------------------

BROKEN = {
    "unknown key": ("  slug: westmere\n", "  slug: westmere\n  colour: blue\n", "unknown setting 'colour'"),
    "syntax": ("marac:\n", "marac:\n  - [\n", "YAML syntax error"),
    "duplicate key": ("  slug: westmere\n", "  slug: westmere\n  slug: other\n", "appears twice"),
    "alias": ("  coordinator:  ", "  coordinator: *who ", "alias"),
    "future review": ("last_reviewed: 2024-12-05", "last_reviewed: 2026-12-24", "in the future"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_marac_is_an_error_row(runner, examples, marac_copy, tmp_path, case):
    old, new, message = BROKEN[case]
    broken = marac_copy()
    edit(broken, old, new)
    result, rows = run_json(runner, examples / "northbridge", broken, "--today", TODAY)
    assert result.exit_code == 1, "unreadable settings exit 1 even without --fail-on"
    error = rows[0]
    assert error["status"] == "error" and error["marac"] is None and error["document"] is None
    assert error["config"] == (broken / "marac.yaml").as_posix()
    assert message in error["error"]
    assert [r["marac"] for r in rows[1:]] == ["Northbridge Marac"] * 4
    assert message in result.stderr


def test_broken_marac_in_the_table(runner, examples, marac_copy):
    broken = marac_copy()
    edit(broken, "  slug: westmere\n", "  slug: westmere\n  colour: blue\n")
    result = runner.invoke(main, ["reviews", str(examples / "northbridge"), str(broken),
                                  "--today", TODAY])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[3].startswith("ERROR") and "settings could not be read" in lines[3]
    assert "unknown setting 'colour'" in lines[4]
    assert lines[-1] == "0 overdue, 0 due, 4 ok, 1 unreadable"
    for fail_on in ("due", "overdue"):
        again = runner.invoke(main, ["reviews", str(broken), "--today", TODAY, "--fail-on", fail_on])
        assert again.exit_code == 1


# --- speed: no WeasyPrint --------------------------------------------------------------------

def test_reviews_does_not_import_weasyprint(examples):
    code = textwrap.dedent(f"""
        import sys
        from click.testing import CliRunner
        from generator.cli import main
        result = CliRunner().invoke(main, ["reviews", {str(examples)!r}, "--today", "{TODAY}"])
        assert result.exit_code == 0, result.output
        heavy = [m for m in ("weasyprint", "docx", "icalendar") if m in sys.modules]
        print(",".join(heavy))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
