"""Assembly: clause choice, placeholders as data, numbering, tables, fingerprint."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from generator.document.assemble import assemble, signature_anchor
from generator.library.clauses import load_library
from generator.library.placeholders import typographic_quotes
from generator.settings.loader import load_settings
from generator.document.fingerprint import canonical_text, fingerprint
from generator.document.model import Heading, Paragraph, SignatureTable, Table

TODAY = dt.date(2026, 11, 26)
HOSTILE = ["{{ 7*7 }}", "<script>alert(1)</script>", "**not bold** [x](javascript:alert(1))", "{% raw %}"]


def load(folder):
    return load_settings(folder / "marac.yaml", TODAY)


def edit(folder, old, new):
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def all_text(document) -> str:
    return canonical_text(document)


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_hostile_setting_values_appear_literally(marac_copy, library):
    folder = marac_copy("westmere")
    text = (folder / "marac.yaml").read_text(encoding="utf-8")
    names = re.findall(r"^  - name: (.+)$", text, flags=re.M)[: len(HOSTILE)]
    for old, new in zip(names, HOSTILE):
        edit(folder, f"  - name: {old}\n", f"  - name: {json.dumps(new)}\n")
    document = assemble(load(folder), library, "isa")
    text = all_text(document)
    for value in HOSTILE:
        assert value in text, value
    assert "49" not in re.findall(r"\b49\b", text)
    rows = next(b for b in document.blocks if isinstance(b, SignatureTable)).rows
    assert [r.agency for r in rows[: len(HOSTILE)]] == HOSTILE
    for block in document.blocks:
        if isinstance(block, Paragraph):
            assert all(run.href is None or run.href.startswith(("http", "mailto")) for run in block.runs)


def test_paragraphs_are_numbered_by_section(library, examples):
    document = assemble(load(examples / "northbridge"), library, "mop")
    section = None
    expected = 0
    for block in document.blocks:
        if isinstance(block, Heading) and block.level == 1 and block.number:
            section, expected = block.number, 0
        elif isinstance(block, Paragraph) and block.number:
            expected += 1
            assert block.number == f"{section}.{expected}"
    numbers = [b.number for b in document.blocks if isinstance(b, Heading) and b.level == 1 and b.number]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
    assert len(numbers) == len(library.documents["mop"].sections)


def test_version_table_and_signature_table(library, examples):
    loaded = load(examples / "westmere")
    document = assemble(loaded, library, "mop")
    table = next(b for b in document.blocks if isinstance(b, Table) and b.style == "versions")
    assert table.rows == (("Operating Protocol", "1.2", "10 January 2023", "5 December 2024", "5 December 2026"),)
    signatures = next(b for b in document.blocks if isinstance(b, SignatureTable))
    # Names are printed with typographic apostrophes, like the rest of the text.
    assert [r.agency for r in signatures.rows] == [typographic_quotes(p.name) for p in loaded.settings.partners]
    assert signatures.rows[0].anchor == signature_anchor(loaded.settings.partners[0].name)
    assert signatures.rows[0].anchor.startswith("sig-")


def test_annex_has_its_own_title_line_and_no_note_to_the_coordinator(library, examples):
    document = assemble(load(examples / "westmere"), library, "annex")
    styled = [(b.style, "".join(r.text for r in b.runs)) for b in document.blocks
              if isinstance(b, Paragraph) and b.style]
    assert ("subtitle", "Immigration Status Annex") in styled
    # Where to insert the annex is a note to the coordinator (README), not part of the signed text.
    assert not any("Where to insert" in text for style, text in styled)
    headings = [b.runs[0].text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    assert "Victims with insecure immigration status" in headings


def test_when_condition_follows_settings(marac_copy, library, examples):
    conditional = [c for c in library.clauses if c.when and "specialist_attends" in c.when]
    assert conditional, "the library should have a clause that depends on specialist_attends"
    attends = all_text(assemble(load(examples / "northbridge"), library, "mop"))
    absent = all_text(assemble(load(examples / "westmere"), library, "mop"))
    for clause in conditional:
        shown_in = [name for name, text in (("attends", attends), ("absent", absent)) if f"## {clause.title}" in text]
        assert len(shown_in) == 1, (clause.id, shown_in)


def test_exclude_and_local_add(marac_copy, library):
    folder = marac_copy("westmere")
    optional = next(c for c in library.clauses if not c.mandatory and "mop" in c.applies_to and not c.when)
    path = folder / "marac.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        f"\nclauses:\n  exclude: [{optional.id}]\n  add:\n"
        "    - id: local.parking\n      title: Parking at the Market Hall\n      section: meetings\n"
        "      applies_to: [mop]\n      text: \"Visitors park in bay {{ 7*7 }}, **not** the yard.\"\n"),
        encoding="utf-8")
    text = all_text(assemble(load(folder), library, "mop"))
    assert f"## {optional.title}" not in text
    assert "## Parking at the Market Hall" in text
    assert "Visitors park in bay {{ 7*7 }}, **not** the yard." in text


def test_fingerprint_is_stable_and_tracks_text(marac_copy, library):
    folder = marac_copy("westmere")
    first = assemble(load(folder), library, "isa")
    again = assemble(load(folder), library, "isa")
    assert first.meta.fingerprint == again.meta.fingerprint == fingerprint(first)
    assert re.fullmatch(r"[0-9a-f]{64}", first.meta.fingerprint)
    edit(folder, "retention_years: 6", "retention_years: 7")
    assert assemble(load(folder), library, "isa").meta.fingerprint != first.meta.fingerprint


def test_every_placeholder_renders_for_both_examples(library, examples):
    for name in ("northbridge", "westmere"):
        for kind in ("mop", "isa", "annex"):
            text = all_text(assemble(load(examples / name), library, kind))
            assert "{{" not in text and "{%" not in text and "None" not in text, (name, kind)


def test_names_that_begin_with_the_are_not_doubled(marac_copy, library):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    group = re.search(r"^  group: (.+)$", text, flags=re.M).group(1)
    edit(folder, f"  group: {group}\n", "  group: The Westmere Board\n")
    for kind in ("mop", "isa", "annex"):
        document_text = all_text(assemble(load(folder), library, kind))
        assert "the The" not in document_text and "The The" not in document_text
        assert "The Westmere Board" in document_text
