"""Issue 11 rows 1, 3 and 15: YAML tags and merge keys, text that cannot go into an email header,
addresses SMTP cannot send to, and dates out of any sane range. Each is refused with a message
naming the file and line (or the option), never a traceback, and the register is left as it was."""

from __future__ import annotations

import pytest

from hostile_helpers import answered, copy_example, digest, issued_westmere, run, sign_args, westmere  # noqa: F401
from test_remind import Inbox, start_server

TAGGED = [
    ("  slug: westmere", "  slug: !foo westmere", "'!foo'"),
    ("    case_list_days_before: 7", "    case_list_days_before: !!int seven", "'!!int'"),
    ("    case_list_days_before: 7", "    case_list_days_before: !!float x", "'!!float'"),
    ("  slug: westmere", "  slug: !!bool maybe", "'!!bool'"),
    ("    adopted: 2023-01-10", "    adopted: !!timestamp 2023-02-30", "'!!timestamp'"),
    ("  slug: westmere", "  slug: !!python/object/apply:os.system [ls]", "'!!python/object/apply:os.system'"),
]


def replace_line(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1  # the line changed


@pytest.mark.parametrize("old,new,tag", TAGGED)
def test_check_refuses_a_yaml_tag_naming_file_and_line(tmp_path, old, new, tag):
    folder = copy_example(tmp_path / "westmere")
    line = replace_line(folder / "marac.yaml", old, new)
    result = run("check", folder)
    answered(result, 1, f"marac.yaml:{line}: uses the YAML tag {tag}", "tags are not part of a Marac's settings")


@pytest.mark.parametrize("snippet,phrase", [
    ("<<: {extra: 1}\n", "merge key ('<<:')"),
    ("=: x\n", "'=' means something special in YAML"),
])
def test_check_refuses_merge_keys_and_special_keys(tmp_path, snippet, phrase):
    folder = copy_example(tmp_path / "westmere")
    path = folder / "marac.yaml"
    path.write_text(snippet + path.read_text(encoding="utf-8"), encoding="utf-8")
    answered(run("check", folder), 1, "marac.yaml:1:", phrase)


def test_a_tag_in_the_ledger_stops_status_and_sign_and_leaves_the_ledger(westmere):
    ledger = westmere / "signatures.yaml"
    ledger.write_text("signatures:\n- document: !!python/name:os.system mop\n", encoding="utf-8")
    before = digest(ledger)
    answered(run("status", westmere), 1, "signatures.yaml:2: uses the YAML tag", "changed nothing")
    answered(run(*sign_args(westmere)), 1, "signatures.yaml:2: uses the YAML tag")
    assert digest(ledger) == before


def test_a_merge_key_in_the_editions_index_stops_status_and_sign(westmere):
    index = westmere / "editions" / "editions.yaml"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("- document: mop", "- <<: {document: mop}\n  document: mop", 1), encoding="utf-8")
    before = digest(index)
    answered(run("status", westmere), 1, "editions.yaml:", "merge key")
    answered(run(*sign_args(westmere)), 1, "editions.yaml:", "merge key")
    assert digest(index) == before and not (westmere / "signatures.yaml").exists()


@pytest.mark.parametrize("old,new", [
    ("  name: Westmere Marac", '  name: "Westmere\\nMarac"'),
    ("    name: Tom Pengelly", '    name: "Tom\\rPengelly"'),
    ("    name: Tom Pengelly", "    name: >\n      Tom\n\n      Pengelly"),
])
def test_a_newline_in_a_single_line_field_is_refused_at_check(tmp_path, old, new):
    folder = copy_example(tmp_path / "westmere")
    line = replace_line(folder / "marac.yaml", old, new)
    answered(run("check", folder), 1, f"marac.yaml:{line}:", "runs over more than one line")


def test_a_newline_in_the_governance_contact_name_is_refused(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    text = (folder / "marac.yaml").read_text(encoding="utf-8")
    start = text.index("  contact:", text.index("governance:"))
    name_at = text.index("name: ", start)
    end = text.index("\n", name_at)
    (folder / "marac.yaml").write_text(text[:name_at] + 'name: "Line one\\nBcc: x@evil.example"' + text[end:],
                                       encoding="utf-8")
    answered(run("check", folder), 1, "governance.contact.name: runs over more than one line")


@pytest.mark.parametrize("address,phrase", [
    ("tómás@westmere-dc.gov.example", "Internationalized characters before the @-sign"),
    ("marac@bücher.example", "xn--bcher-kva.example"),
    ("marac westmere@dc.gov.example", "not an email address"),
    ("marac@localhost", "not an email address"),
])
def test_an_address_smtp_cannot_send_to_is_refused_at_check(tmp_path, address, phrase):
    folder = copy_example(tmp_path / "westmere")
    replace_line(folder / "marac.yaml", "email: marac@westmere-dc.gov.example", f"email: {address}")
    answered(run("check", folder), 1, "marac.coordinator.email:", phrase)


def test_one_bad_marac_never_stops_the_others_reminders(tmp_path):
    good = copy_example(tmp_path / "configs" / "westmere")
    bad = copy_example(tmp_path / "configs" / "eastmere")
    text = (bad / "marac.yaml").read_text(encoding="utf-8")
    text = text.replace("slug: westmere", "slug: eastmere").replace(
        "  name: Westmere Marac", '  name: "Eastmere\\nMarac"', 1)
    (bad / "marac.yaml").write_text(text, encoding="utf-8")
    inbox = Inbox()
    controller = start_server(inbox)
    try:
        result = run("remind", good.parent, "--smtp", f"127.0.0.1:{controller.port}", "--today", "2026-11-26")
    finally:
        controller.stop()
    answered(result, 1, "eastmere/marac.yaml:18: marac.name: runs over more than one line",
             "Westmere Marac: sent to Tom Pengelly", "1 of 2 reminders not sent")
    assert [str(m["To"]) for m in inbox.messages] == ["Tom Pengelly <marac@westmere-dc.gov.example>"]


def test_remind_from_refuses_an_address_smtp_cannot_send(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    answered(run("remind", folder, "--dry-run", "--from", "tómás@x.example"), 2, "--from")


@pytest.mark.parametrize("command", [["reviews"], ["check"], ["remind", "--dry-run"]])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_date_outside_any_sane_range_is_refused_at_the_option(tmp_path, command, day):
    folder = copy_example(tmp_path / "westmere")
    result = run(*command, folder, "--today", day)
    answered(result, 2, f"'{day}' is outside the dates marac works with (1990-01-01 to 2199-12-31)")


@pytest.mark.parametrize("body", [
    "marac: " + "[" * 900 + "]" * 900 + "\n",
    "marac:\n" + "".join(" " * depth + "a:\n" for depth in range(1, 990)),
])
def test_settings_nested_deeper_than_any_marac_needs_are_refused(tmp_path, body):
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "marac.yaml").write_text(body, encoding="utf-8")
    answered(run("check", folder), 1, "nests blocks or lists more than 40 levels deep")
