"""Issue 11 rows 2, 4, 5 and 13: runs over many Maracs where one is bad, a copied Marac that keeps
its slug, an area too long for Word's document properties, and an SMTP server that never answers."""

from __future__ import annotations

import socket
import threading

import docx
import pytest

from hostile_helpers import answered, copy_example, run
from test_remind import second_marac

TODAY = "2026-11-26"


@pytest.fixture
def three_maracs(tmp_path):
    """westmere and northbridge, and 'broken' whose marac.yaml has a YAML tag on line 18."""
    root = tmp_path / "configs"
    copy_example(root / "westmere")
    copy_example(root / "northbridge", "northbridge")
    broken = copy_example(root / "broken")
    text = (broken / "marac.yaml").read_text(encoding="utf-8")
    (broken / "marac.yaml").write_text(text.replace("  name: Westmere Marac", "  name: !foo Westmere Marac"),
                                       encoding="utf-8")
    return root


# Row 2
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_reviews_over_a_folder_with_one_bad_marac_lists_the_others(three_maracs, fmt):
    result = run("reviews", three_maracs, "--today", TODAY, "--format", fmt)
    answered(result, 1, "broken/marac.yaml:18: uses the YAML tag '!foo'")
    for name in ("Westmere Marac", "Northbridge Marac"):  # MOP, ISA, annex and pathways rows each
        assert result.stdout.count(name) == 4, (name, result.stdout)


def test_build_over_a_folder_with_one_bad_marac_names_it_and_the_others_and_writes_nothing(three_maracs, tmp_path):
    out = tmp_path / "out"
    result = run("build", three_maracs, "-o", out, "--format", "docx")
    answered(result, 1, "Nothing was built: 1 of 3 Maracs failed the check",
             "Northbridge Marac, Westmere Marac passed the check", "broken/marac.yaml:18:")
    assert not out.exists()


def test_check_over_a_folder_with_one_bad_marac_reports_every_marac(three_maracs):
    result = run("check", three_maracs)
    answered(result, 1, "broken/marac.yaml: errors (1 error,", "Westmere Marac: ok", "Northbridge Marac: ok")


# Row 5
def test_a_copied_marac_that_keeps_its_slug_is_refused_by_check_and_build(tmp_path):
    root = tmp_path / "configs"
    copy_example(root / "westmere")
    copy_example(root / "yourtown")  # README's own `cp -r westmere yourtown`, not yet edited
    result = run("check", root)
    answered(result, 1, "yourtown/marac.yaml:19: marac.slug: 'westmere' is also the slug of",
             "one would overwrite the other", "(e.g. its folder's name, 'yourtown')")
    assert result.stdout.count(": errors (1 error,") == 2
    out = tmp_path / "out"
    answered(run("build", root, "-o", out, "--format", "docx", "--doc", "annex"), 1, "Nothing was built")
    assert not out.exists()


def test_check_warns_when_a_slug_is_not_its_folders_name(tmp_path):
    folder = copy_example(tmp_path / "configs" / "yourtown")
    result = run("check", folder)
    answered(result, 0, "marac.yaml:19: warning: marac.slug: is 'westmere' but the folder is 'yourtown'",
             "ok (0 errors, 1 warning)")


# Row 4
def test_an_area_too_long_for_a_docx_property_is_built_with_the_property_shortened(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    area = "The District of Westmere " + "and its Outlying Parishes " * 8 + "(229 characters long)"
    area = area[:229]
    text = (folder / "marac.yaml").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("  area:"))
    (folder / "marac.yaml").write_text(text.replace(line, f"  area: {area}"), encoding="utf-8")
    answered(run("check", folder), 0)
    out = tmp_path / "out"
    answered(run("build", folder, "-o", out, "--format", "docx", "--doc", "mop"), 0)
    document = docx.Document(str(out / "westmere" / "westmere-operating-protocol.docx"))
    properties = document.core_properties
    for value in (properties.title, properties.subject, properties.keywords, properties.comments):
        assert len(value) <= 255
    assert properties.subject.endswith("\u2026") and properties.subject.startswith("Marac Operating Protocol")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = "\n".join([p.text for p in document.paragraphs] + cells)
    assert area in body  # only the file's property is shortened, never the document's text


# Row 13
class SilentServer:
    """A TCP server that accepts connections and never says a word; counts the connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()


def test_a_silent_smtp_server_is_tried_once_per_run_within_the_timeout(tmp_path):
    westmere = copy_example(tmp_path / "configs" / "westmere")
    second_marac(westmere)
    second_marac(westmere, name="Northmere Marac", slug="northmere", address="marac@northmere.example")
    server = SilentServer()
    try:
        result = run("remind", westmere.parent, "--smtp", f"127.0.0.1:{server.port}", "--timeout", "1",
                     "--today", TODAY)
    finally:
        server.close()
    answered(result, 1, "3 of 3 reminders not sent", "timed out")
    assert result.stderr.count("so it was not tried again") == 2
    assert len(server.accepted) == 1


def test_remind_has_a_timeout_option_with_a_sane_default():
    result = run("remind", "--help")
    answered(result, 0, "--timeout SECONDS", "[default: 20")
    answered(run("remind", "x", "--timeout", "0", "--dry-run"), 2, "--timeout")
