"""Issue 11, property: `marac check` on hundreds of randomly damaged copies of the examples.

Hypothesis mutates the example marac.yaml files as a careless or hostile editor might: lines
deleted, doubled, swapped, re-indented, cut short, YAML's special characters, tags, anchors,
control characters and odd Unicode typed in anywhere. Whatever comes out, `check` answers with
exit 0 or 1 and a message, never a traceback, and each run stays well inside the deadline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches in ./.hypothesis; generated files never go into the repository.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="marac-hypothesis-"))

from generator.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "local_configs"
TEXTS = {name: (EXAMPLES / name / "marac.yaml").read_text(encoding="utf-8") for name in ("westmere", "northbridge")}

# What a person, a bad copy-and-paste or an attacker might type into a YAML file.
SPECIAL = [":", ": ", "- ", "!", "!!", "&a", "*a", "<<: ", "=", "{", "}", "[", "]", "|", ">", "#", "%",
           "@", "`", "?", "'", '"', "\t", "\n", "\r", "\x00", "\x1b", "\u202e", "\u2028", "\ufeff",
           "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!python/object:os.system ",
           "!foo ", "~", "null", "yes", "no", "0x1F", "1e999", ".nan", "2023-02-30", "9999-12-31",
           "tómás@example.org", "a" * 300, "    ", "---\n", "...\n", "[" * 120, "{a: " * 60, "- - - - - "]
FRAGMENT = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12))


def _mutation():
    index = st.integers(min_value=0, max_value=10_000)
    return st.one_of(
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("double"), index),
        st.tuples(st.just("swap"), index, index),
        st.tuples(st.just("indent"), index, st.integers(min_value=-4, max_value=4)),
        st.tuples(st.just("insert"), index, FRAGMENT),
        st.tuples(st.just("value"), index, FRAGMENT),
        st.tuples(st.just("truncate"), index),
    )


def mutate(text: str, mutations) -> str:
    """Return ``text`` with each mutation applied in turn (indexes wrap round the lines or characters)."""
    lines = text.split("\n")
    for mutation in mutations:
        kind, at = mutation[0], mutation[1] % max(len(lines), 1)
        if kind == "delete" and lines:
            del lines[at]
        elif kind == "double" and lines:
            lines.insert(at, lines[at])
        elif kind == "swap" and lines:
            other = mutation[2] % len(lines)
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent" and lines:
            shift = mutation[2]
            lines[at] = " " * shift + lines[at] if shift > 0 else lines[at][-shift:]
        elif kind == "insert" and lines:
            line = lines[at]
            column = mutation[1] % (len(line) + 1)
            lines[at] = line[:column] + mutation[2] + line[column:]
        elif kind == "value" and lines:
            key, colon, _ = lines[at].partition(": ")
            lines[at] = f"{key}{colon or ': '}{mutation[2]}"
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[: mutation[1] % (len(joined) + 1)].split("\n")
    return "\n".join(lines)


# One folder for every example (the file is rewritten each time), so tmp_path is shared on purpose.
@settings(max_examples=250, deadline=5000, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(example=st.sampled_from(sorted(TEXTS)), mutations=st.lists(_mutation(), min_size=1, max_size=4))
def test_check_never_crashes_on_damaged_settings(tmp_path, example, mutations):
    folder = tmp_path / "westmere"
    folder.mkdir(exist_ok=True)
    text = mutate(TEXTS[example], mutations)
    (folder / "marac.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(folder), "--today", "2026-11-26"])
    assert result.exit_code in (0, 1), (result.exit_code, result.output, text)
    assert result.exception is None or isinstance(result.exception, SystemExit), (repr(result.exception), text)
    assert "Traceback" not in result.output
    assert result.output.strip(), "check said nothing"
