"""Drafts are marked: a text that is not the issued edition of its version builds with meta.draft True
and a notice on stderr; an issued edition builds with draft False and its issue date. `check` warns
when the text differs from the issued edition of the same version."""

from __future__ import annotations

import docx

from generator.cli import main
from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.register.drafts import register_view
from generator.settings.loader import load_settings
from test_editions import days_ago, edit_settings, issue


def view(folder, kind="isa"):
    loaded = load_settings(folder / "marac.yaml")
    return register_view(loaded, assemble(loaded, load_library(), kind), record=False)


def build(runner, folder, out, fmt="html,docx"):
    result = runner.invoke(main, ["build", str(folder), "--doc", "isa", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result


def docx_text(path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_text_never_issued_is_a_draft(runner, marac_copy, tmp_path):
    folder = marac_copy("westmere")
    assert view(folder).meta.draft is True and view(folder).meta.issued == ""
    result = build(runner, folder, tmp_path / "out")
    assert "draft" in result.stderr and "has not been issued" in result.stderr
    assert "DRAFT" in result.stdout
    text = docx_text(tmp_path / "out" / "westmere" / "westmere-information-sharing-agreement.docx")
    assert "Version history" in text and "not issued (draft)" in text


def test_an_issued_edition_builds_as_issued_and_a_change_makes_it_a_draft_again(runner, marac_copy, tmp_path):
    folder = marac_copy("westmere")
    date = days_ago(3)
    result = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", date,
                                  "--summary", "First edition for signature", "--approved-by", "Steering group"])
    assert result.exit_code == 0, result.output
    issued = view(folder)
    assert issued.meta.draft is False and issued.meta.issued == date
    result = build(runner, folder, tmp_path / "issued")
    # nothing on stderr but the progress lines ("[1/2] Westmere Marac: ...")
    assert all(line.startswith("[") for line in result.stderr.splitlines()) and "DRAFT" not in result.stdout
    html = (tmp_path / "issued" / "westmere" / "westmere-information-sharing-agreement.html").read_text("utf-8")
    assert "First edition for signature" in html and "not issued (draft)" not in html
    check = runner.invoke(main, ["check", str(folder)])
    assert check.exit_code == 0 and "differs from issued edition" not in check.output

    edit_settings(folder, lambda d: d["records"].update(secure_email="Kiteworks secure email"))
    changed = view(folder)
    assert changed.meta.draft is True and changed.meta.issued == ""
    result = build(runner, folder, tmp_path / "changed", fmt="html")
    assert "differs from issued edition 1.0" in result.stderr and "marac diff" in result.stderr
    check = runner.invoke(main, ["check", str(folder)])
    assert check.exit_code == 0
    assert "warning:" in check.output and "differs from issued edition 1.0" in check.output
    assert "(0 errors, 1 warning)" in check.output


def test_a_new_version_not_yet_issued_is_a_draft_but_no_check_warning(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "isa", date=days_ago(3)).exit_code == 0
    edit_settings(folder, lambda d: (d["documents"]["information_sharing_agreement"].update(version="1.1"),
                                     d["records"].update(secure_email="Kiteworks secure email")))
    assert view(folder).meta.draft is True
    check = runner.invoke(main, ["check", str(folder)])
    assert check.exit_code == 0 and "warning:" not in check.output and "(0 errors, 0 warnings)" in check.output
