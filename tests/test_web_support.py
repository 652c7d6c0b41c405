"""Helpers for the web tests: a test client for a copy of the examples, and reading a page's form.

``form_values`` reads a page's form as a browser would submit it (text, hidden, checked
boxes, selected options, textareas), so a route test posts exactly what the page offers.
"""

from __future__ import annotations

import datetime as dt
import shutil
from html.parser import HTMLParser
from pathlib import Path

from starlette.testclient import TestClient

from generator.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 1)
BASE = "http://127.0.0.1:8400"


def copy_examples(tmp_path: Path) -> Path:
    """Return a folder holding a copy of local_configs/ (the tests change it)."""
    root = tmp_path / "configs"
    shutil.copytree(REPO / "local_configs", root)
    return root


def client(root: Path, today: dt.date = TODAY) -> TestClient:
    """Return a test client of the app serving ``root``, sending the loopback Host header."""
    return TestClient(create_app(root, 8400, today=today), base_url=BASE, follow_redirects=False)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "file"):
                return
            fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select":
            self._select = [a.get("name"), None, None]
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._select[2] is None:
                self._select[2] = a.get("value")
            if "selected" in a:
                self._select[1] = a.get("value")
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.forms[-1]["fields"].append([name, chosen if chosen is not None else first])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append([self._textarea[0], self._textarea[1]])
            self._textarea = None
        elif tag == "option":
            self._option = None


def form_values(html: str, action: str) -> list[list[str]]:
    """Return the fields the form posting to ``action`` submits, as [name, value] pairs."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] == action:
            return form["fields"]
    raise AssertionError(f"no form posts to {action}")


def setting(fields: list[list[str]], name: str, value: str) -> list[list[str]]:
    """Return ``fields`` with the field ``name`` set to ``value`` (added when absent)."""
    for pair in fields:
        if pair[0] == name:
            pair[1] = value
            return fields
    fields.append([name, value])
    return fields


def test_form_values_reads_what_a_browser_submits():
    html = ('<form action="/x"><input name="a" value="1"><input type="checkbox" name="b" value="on">'
            '<input type="checkbox" name="c" value="y" checked><select name="d"><option value="p">P</option>'
            '<option value="q" selected>Q</option></select><textarea name="e">t &amp; u</textarea>'
            '<button name="action" value="save">Save</button></form>')
    assert form_values(html, "/x") == [["a", "1"], ["c", "y"], ["d", "q"], ["e", "t & u"]]
