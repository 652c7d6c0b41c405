"""``marac reviews --ics``: the calendar file, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import json

from icalendar import Calendar

from generator.cli import main
from generator.register.calendar_export import event_uid

TODAY = "2026-11-26"



def english(examples):
    """The two English examples, whose review dates these tests spell out (Afon Glas, the Welsh
    example, has its own dates)."""
    return [str(examples / "westmere"), str(examples / "northbridge")]

def write_ics(runner, tmp_path, *args, name="reviews.ics"):
    target = tmp_path / name
    result = runner.invoke(main, ["reviews", *map(str, args), "--ics", str(target)])
    return result, target


def events_of(path):
    calendar = Calendar.from_ical(path.read_bytes())
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_one_all_day_event_per_document(runner, examples, tmp_path):
    result, target = write_ics(runner, tmp_path, *english(examples), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "wrote 8 review dates" in result.stderr
    calendar, events = events_of(target)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["method"]) == "PUBLISH" and "Marac" in str(calendar["prodid"])
    assert len(events) == 8
    expected_due = {("westmere", "mop"): dt.date(2026, 12, 5), ("westmere", "isa"): dt.date(2025, 1, 10),
                    ("westmere", "pathways"): dt.date(2026, 6, 1),
                    ("westmere", "annex"): dt.date(2026, 12, 5),
                    ("northbridge", "annex"): dt.date(2027, 11, 20),
                    ("northbridge", "mop"): dt.date(2027, 3, 1),
                    ("northbridge", "isa"): dt.date(2027, 11, 20),
                    ("northbridge", "pathways"): dt.date(2027, 5, 14)}
    for (slug, document), due in expected_due.items():
        event = events[event_uid(slug, document, due)]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is dt.date and start == due, "all-day: a date, not a date-time"
        assert end == due + dt.timedelta(days=1)
        assert event.decoded("dtstamp").tzinfo is not None


def test_summary_description_and_alarms(runner, examples, tmp_path):
    _, target = write_ics(runner, tmp_path, examples / "westmere", "--today", TODAY)
    _, events = events_of(target)
    isa = events[event_uid("westmere", "isa", dt.date(2025, 1, 10))]
    assert str(isa["summary"]) == "Review due: Westmere Marac, Information Sharing Agreement v1.0"
    description = str(isa["description"])
    for words in ("Westmere Marac", "Information Sharing Agreement", "version 1.0",
                  "10 January 2023", "10 January 2025", "Westmere Marac Steering Group", "G21",
                  "signature"):
        assert words in description
    alarms = isa.walk("VALARM")
    assert sorted(a.decoded("trigger") for a in alarms) == [dt.timedelta(days=-90),
                                                             dt.timedelta(days=-30)]
    assert all(str(a["action"]) == "DISPLAY" and str(a["description"]) for a in alarms)
    pathways = events[event_uid("westmere", "pathways", dt.date(2026, 6, 1))]
    assert "G16" in str(pathways["description"]) and "immigration status" in str(pathways["description"])


def test_uids_are_stable_and_the_file_reproducible(runner, examples, tmp_path):
    _, first = write_ics(runner, tmp_path, *english(examples), "--today", TODAY, name="a.ics")
    _, second = write_ics(runner, tmp_path, *english(examples), "--today", "2027-01-15", name="b.ics")
    assert first.read_bytes() == second.read_bytes(), "the day you run it changes nothing"
    uids = list(events_of(first)[1])
    assert len(set(uids)) == len(uids)
    assert all(uid.endswith("@marac-protocols") for uid in uids)


def test_a_new_review_gives_a_new_uid(runner, marac_copy, tmp_path):
    folder = marac_copy()
    _, before = write_ics(runner, tmp_path, folder, "--today", TODAY, name="before.ics")
    text = (folder / "marac.yaml").read_text(encoding="utf-8")
    (folder / "marac.yaml").write_text(text.replace("last_reviewed: 2023-01-10", "last_reviewed: 2026-11-20"),
                                       encoding="utf-8")
    _, after = write_ics(runner, tmp_path, folder, "--today", TODAY, name="after.ics")
    old, new = set(events_of(before)[1]), set(events_of(after)[1])
    assert len(old & new) == 3  # MOP, annex and pathways unchanged
    assert event_uid("westmere", "isa", dt.date(2028, 11, 20)) in new - old


def test_file_is_valid_for_outlook_and_google(runner, examples, tmp_path):
    _, target = write_ics(runner, tmp_path, *english(examples), "--today", TODAY)
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "long lines are folded (RFC 5545)"
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.count(b"BEGIN:VALARM") == 16
    assert [p.name for p in tmp_path.iterdir()] == ["reviews.ics"], "no temporary file left"


def test_ics_with_json_keeps_stdout_clean(runner, examples, tmp_path):
    result, target = write_ics(runner, tmp_path, *english(examples), "--today", TODAY, "--format", "json")
    assert len(json.loads(result.stdout)) == 8
    assert target.exists()


def test_never_reviewed_pathways_have_no_event(runner, marac_copy, tmp_path):
    folder = marac_copy()
    text = (folder / "marac.yaml").read_text(encoding="utf-8")
    (folder / "marac.yaml").write_text(text.replace("  last_reviewed: 2025-06-01\n", ""), encoding="utf-8")
    result, target = write_ics(runner, tmp_path, folder, "--today", TODAY)
    assert result.exit_code == 0
    assert len(events_of(target)[1]) == 3  # mop, isa and annex


def test_unwritable_ics_path_exits_1(runner, examples, tmp_path):
    result, target = write_ics(runner, tmp_path, *english(examples), "--today", TODAY, name="missing/reviews.ics")
    assert result.exit_code == 1
    assert "cannot write the calendar" in result.stderr
    assert "Traceback" not in result.output


def test_nothing_to_write_when_every_marac_is_broken(runner, tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "marac.yaml").write_text("marac: [\n", encoding="utf-8")
    result, target = write_ics(runner, tmp_path, folder, "--today", TODAY)
    assert result.exit_code == 1
    assert "not written" in result.stderr and not target.exists()
