"""More hostile files: a house-style reference.docx or an SVG logo carrying words (G03), a
marac.yaml that is a symbolic link (to itself, or to another Marac's), and a build whose output
folder is a Marac's own folder. Each is refused with a message naming the file and the fix, and
nothing is written; the DOCX writer itself never copies a reference's words."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.render.docx import render
from generator.settings.loader import load_settings
from hostile_helpers import REPO, answered, copy_example, run, tree

HOSTILE = "Home Office Immigration Enforcement attends"
SIGN = ["--doc", "mop", "--agency", "Westshire Police", "--name", "Ann Lee", "--role", "Chief Inspector",
        "--date", "2026-11-21"]


def _reference_with_words() -> bytes:
    """The shipped reference.docx with HOSTILE in its body, its header, its footer and a
    first-page header."""
    word = docx.Document(str(REPO / "templates" / "reference.docx"))
    word.add_paragraph(f"{HOSTILE} every meeting (body)")
    section = word.sections[0]
    section.header.paragraphs[0].text = f"{HOSTILE} (header)"
    section.footer.paragraphs[0].text = f"{HOSTILE} (footer)"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = f"{HOSTILE} (first page)"
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _replace_part(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry.filename, change(content) if entry.filename == name else content)
    return out.getvalue()


def _words_of(data: bytes) -> str:
    """Every paragraph of a DOCX's body, headers and footers (all kinds), read with python-docx."""
    word = docx.Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    for section in word.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                texts += [p.text for p in part.paragraphs]
    return "\n".join(texts)


# Defect 1: a reference.docx gives styles only.
@pytest.mark.parametrize("numbering_word", [False, True])
def test_a_reference_docx_holding_text_is_refused_and_nothing_is_built(tmp_path, numbering_word):
    folder = copy_example(tmp_path / "westmere")
    if numbering_word:  # the shipped reference, with words in its list numbering only
        data = _replace_part(REPO.joinpath("templates", "reference.docx").read_bytes(), "word/numbering.xml",
                             lambda xml: xml.replace(b'w:val="%1."', b'w:val="Home Office %1."', 1))
    else:
        data = _reference_with_words()
    (folder / "reference.docx").write_bytes(data)
    phrases = ["reference.docx", "keep only styles in reference.docx"]
    phrases += ["in its list numbering: 'Home Office %1.'"] if numbering_word else [
        "in its body: 'Home Office Immigration Enforcement attends every meeting", "in a header:", "in a footer:"]
    answered(run("check", folder), 1, *phrases)
    out = tmp_path / "out"
    answered(run("build", folder, "-o", out, "--doc", "annex", "--format", "docx"), 1, *phrases)
    assert not any(out.rglob("*.docx"))


def test_the_docx_writer_never_copies_the_words_of_a_reference(tmp_path):
    # Past the loader (a reference given to the writer directly): the body, headers and footers
    # of the output are marac's alone, and no part of the file holds the reference's words.
    folder = copy_example(tmp_path / "westmere")
    document = assemble(load_settings(folder / "marac.yaml"), load_library(), "annex")
    plain = render(document)
    hostile = dataclasses.replace(document, meta=dataclasses.replace(document.meta,
                                                                     house_style=_reference_with_words()))
    data = render(hostile)
    words = _words_of(data)
    assert "Immigration Enforcement attends" not in words
    assert words == _words_of(plain)  # the same text as over the shipped reference
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [n for n in package.namelist() if b"Immigration Enforcement attends" in package.read(n)]
        assert b"<Application>marac</Application>" in package.read("docProps/app.xml")
    header = docx.Document(io.BytesIO(data)).sections[0].header.paragraphs[0].text
    assert header.startswith("Westmere Marac\t")


def test_a_reference_with_styles_only_still_builds_and_is_rebuilt_when_it_changes(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    reference = REPO.joinpath("templates", "reference.docx").read_bytes()
    (folder / "reference.docx").write_bytes(reference)
    out = tmp_path / "out"
    args = ("build", folder, "-o", out, "--doc", "annex", "--format", "docx")
    answered(run(*args), 0, "1 files written")
    restyled = _replace_part(reference, "word/styles.xml", lambda xml: xml.replace(b"w:sz ", b"w:sz  ", 1))
    (folder / "reference.docx").write_bytes(restyled)
    answered(run(*args), 0, "1 files written")  # the cache keys on the reference's bytes


# Defect 2: an SVG logo whose words name Immigration Enforcement.
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"{attr}>{inner}<rect width="10" height="10"/></svg>'


@pytest.mark.parametrize("attr,inner", [
    ("", "<title>Home Office Immigration Enforcement</title>"),
    ("", "<desc>Border Force</desc>"),
    ("", '<text x="0" y="20">Home Office Immigration Enforcement</text>'),
    ("", '<text x="0" y="20">Home <tspan>Office</tspan></text>'),
    (' aria-label="UK Visas and Immigration"', ""),
])
def test_an_svg_logo_naming_immigration_enforcement_is_refused(tmp_path, attr, inner):
    folder = copy_example(tmp_path / "westmere")
    (folder / "logo.svg").write_text(SVG.format(attr=attr, inner=inner), encoding="utf-8")
    answered(run("check", folder), 1, "logo.svg", "[G03]", "Use your Marac's own logo")
    out = tmp_path / "out"
    answered(run("build", folder, "-o", out, "--doc", "annex", "--format", "docx"), 1, "logo.svg")
    assert not any(out.rglob("*.docx"))


def test_an_svg_logo_with_its_own_words_still_builds(tmp_path):
    folder = copy_example(tmp_path / "westmere")
    inner = "<title>Westmere Marac</title><text>Immigration advice clinic</text>"
    (folder / "logo.svg").write_text(SVG.format(attr="", inner=inner), encoding="utf-8")
    answered(run("check", folder), 0)


# Defect 3: a marac.yaml that is a link to itself.
@pytest.mark.parametrize("command", [("check",), ("status",), ("sign", *SIGN), ("build", "-o", "OUT")])
def test_a_marac_yaml_linked_to_itself_is_refused_by_name(tmp_path, command):
    folder = tmp_path / "sl"
    folder.mkdir()
    (folder / "marac.yaml").symlink_to("marac.yaml")
    command = [str(tmp_path / "out") if part == "OUT" else part for part in command]
    answered(run(command[0], folder, *command[1:]), 1, "marac.yaml: is a symbolic link that leads back to itself")
    assert sorted(p.name for p in folder.iterdir()) == ["marac.yaml"]


# Defect 4: a marac.yaml that is a link to another Marac's.
@pytest.fixture
def linked(tmp_path) -> tuple[Path, Path]:
    real = copy_example(tmp_path / "maracs" / "real")
    copy = tmp_path / "maracs" / "copy"
    copy.mkdir()
    (copy / "marac.yaml").symlink_to("../real/marac.yaml")
    return real, copy


@pytest.mark.parametrize("command", [("check",), ("status",), ("sign", *SIGN),
                                     ("issue", "--doc", "mop", "--version", "1.2")])
def test_a_marac_yaml_linked_to_another_marac_is_refused_and_nothing_is_written(linked, command):
    real, copy = linked
    before = tree(real.parent)
    answered(run(command[0], copy, *command[1:]), 1, "copy/marac.yaml: is a symbolic link (to ../real/marac.yaml)",
             "Use the folder the link points to", "cp --remove-destination")
    assert tree(real.parent) == before and sorted(p.name for p in copy.iterdir()) == ["marac.yaml"]


def test_check_over_the_folder_names_the_linked_marac_instead_of_dropping_it(linked):
    real, copy = linked
    result = run("check", real.parent)
    answered(result, 1, "copy/marac.yaml: is a symbolic link", "Westmere Marac: ok")


# Defect 5: the output folder is, is inside, or holds the Marac folder being built.
@pytest.mark.parametrize("output", ["w1", "w1/out", "w1/editions", "."])
def test_build_refuses_an_output_folder_in_or_around_the_marac_folder(tmp_path, monkeypatch, output):
    folder = copy_example(tmp_path / "w1")
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    answered(run("build", "w1", "-o", output, "--doc", "annex", "--format", "docx"), 1,
             "so nothing was written", "Give an output folder outside every Marac folder")
    assert tree(tmp_path) == before and not (folder / "out").exists()


def test_build_refuses_an_output_folder_that_links_into_the_marac_folder(tmp_path):
    folder = copy_example(tmp_path / "w1")
    (tmp_path / "out").symlink_to(folder)
    before = tree(folder)
    answered(run("build", folder, "-o", tmp_path / "out", "--doc", "annex", "--format", "docx"), 1,
             "is the Marac folder")
    assert tree(folder) == before


def test_build_into_a_folder_beside_the_marac_still_works(tmp_path):
    folder = copy_example(tmp_path / "w1")
    answered(run("build", folder, "-o", tmp_path / "out", "--doc", "annex", "--format", "docx"), 0)
    assert (tmp_path / "out" / "build-manifest.json").is_file()
