"""Settings validation: every problem reported as file:LINE: field: message, all at once."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from generator.settings.loader import load_settings, resolve_config_paths
from generator.errors import ConfigError

TODAY = dt.date(2026, 11, 26)


def example_text(examples: Path, name: str = "westmere") -> str:
    return (examples / name / "marac.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "marac.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, TODAY)
    return caught.value.message


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def test_both_examples_load(examples):
    for name in ("northbridge", "westmere"):
        loaded = load_settings(examples / name / "marac.yaml", TODAY)
        assert loaded.settings.marac.name.endswith("Marac")
    big = load_settings(examples / "northbridge" / "marac.yaml", TODAY).settings
    small = load_settings(examples / "westmere" / "marac.yaml", TODAY).settings
    assert len(big.partners) >= 30
    assert 6 <= len(small.partners) <= 10
    assert any(p.type.value == "by-and-for-service" for p in big.partners)
    assert any(s.legal_advice for s in big.specialist_pathways.services)


# (replace this, with that) on the small example -> (field, words expected in the message)
EDITS = [
    ("  name: Westmere Marac", "  nmae: Westmere Marac", "marac.nmae", "did you mean 'name'"),
    ("    adopted: 2023-01-10\n    last_reviewed: 2024-12-05",
     "    adopted: 2023-01-10\n    last_reviewed: 2025-02-30",
     "documents.operating_protocol.last_reviewed", "not a real calendar date"),
    ("    last_reviewed: 2024-12-05", "    last_reviewed: 2099-01-01",
     "documents.operating_protocol.last_reviewed", "in the future"),
    ("    last_reviewed: 2024-12-05", "    last_reviewed: 2020-01-01",
     "documents.operating_protocol.last_reviewed", "before adopted"),
    ("    frequency: monthly", "    frequency: \"monthly\\u0007\"", "marac.meeting.frequency", "control"),
    ("    version: \"1.2\"", "    version: one point two", "documents.operating_protocol.version",
     "not a version number"),
]


@pytest.mark.parametrize("old,new,field,words", EDITS, ids=[e[2] + ":" + e[3] for e in EDITS])
def test_invalid_settings_are_located(tmp_path, examples, old, new, field, words):
    text = example_text(examples)
    assert old in text, "the example changed; update this test"
    broken = text.replace(old, new, 1)
    message = problems_of(write(tmp_path, broken))
    expected_line = line_of(broken, new.splitlines()[-1].strip())
    pattern = rf"marac\.yaml:(\d+): {re.escape(field)}: .*{re.escape(words)}"
    match = re.search(pattern, message)
    assert match, message
    assert abs(int(match.group(1)) - expected_line) <= 1, message


def test_every_problem_is_reported_at_once(tmp_path, examples):
    text = example_text(examples).replace("  name: Westmere Marac", "  nmae: Westmere Marac")
    text = text.replace("retention_years: 6", "retention_years: lots")
    text = text.replace("    last_reviewed: 2024-12-05", "    last_reviewed: 2024-13-05")
    message = problems_of(write(tmp_path, text))
    assert "marac.nmae" in message
    assert "records.retention_years" in message and "whole number" in message
    assert "not a real calendar date" in message
    # The misspelt key is one mistake: "did you mean 'name'" says it, so "name is required" is not repeated.
    assert "did you mean 'name'" in message and "marac.name: is required" not in message


def test_duplicate_partner_names_refused(tmp_path, examples):
    text = example_text(examples)
    first = re.search(r"  - name: (.+)\n", text).group(1)
    second = re.findall(r"  - name: (.+)\n", text)[1]
    text = text.replace(f"  - name: {second}\n", f"  - name: {first.upper()}\n", 1)
    message = problems_of(write(tmp_path, text))
    assert "partners" in message and "listed twice" in message


def test_unknown_partner_type_suggests(tmp_path, examples):
    text = example_text(examples).replace("type: police", "type: polise", 1)
    message = problems_of(write(tmp_path, text))
    assert "partners[1] (Westshire Police).type" in message and "did you mean 'police'" in message


@pytest.mark.parametrize("content,words", [
    (b"", "empty"),
    (b"# only a comment\n", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    (b"\xff\xfe\xfa not utf8", "not UTF-8"),
    (b"- a\n- b\n", "top level must be a mapping"),
    (b"marac:\n  name: [unclosed\n", "YAML syntax error"),
    (b"marac: {name: x}\nmarac: {name: y}\n", "appears twice"),
])
def test_unreadable_files_refused_clearly(tmp_path, content, words):
    message = problems_of(write(tmp_path, content))
    assert words in message
    assert message.startswith(str(tmp_path / "marac.yaml")) or "marac.yaml" in message


def test_alias_bomb_refused_quickly(tmp_path):
    bomb = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = write(tmp_path, "\n".join(bomb) + "\n")
    started = time.perf_counter()
    message = problems_of(path)
    assert time.perf_counter() - started < 1.0
    assert "anchor and alias" in message and ":1:" in message


def test_resolve_config_paths_accepts_file_folder_and_parent(examples):
    assert resolve_config_paths([str(examples / "westmere" / "marac.yaml")]) == [examples / "westmere" / "marac.yaml"]
    assert resolve_config_paths([str(examples / "westmere")]) == [examples / "westmere" / "marac.yaml"]
    names = [p.parent.name for p in resolve_config_paths([str(examples)])]
    assert {"northbridge", "westmere"} <= set(names)


def test_resolve_config_paths_refuses_missing(tmp_path):
    with pytest.raises(ConfigError) as caught:
        resolve_config_paths([str(tmp_path / "nowhere")])
    assert "does not exist" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        resolve_config_paths([str(tmp_path)])
    assert "holds no marac.yaml" in caught.value.message


def test_settings_are_frozen(examples):
    settings = load_settings(examples / "westmere" / "marac.yaml", TODAY).settings
    with pytest.raises(Exception):
        settings.marac.name = "changed"
