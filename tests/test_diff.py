"""`marac diff`: a summary by clause between two issued editions, and redlines (HTML, PDF, DOCX with
Word tracked changes on exactly the changed words), worked from the editions' archived models."""

from __future__ import annotations

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from generator.cli import main
from test_editions import days_ago, edit_settings

OLD, NEW = "Egress secure email", "Kiteworks secure email"


@pytest.fixture
def two_editions(runner, marac_copy):
    """Westmere with ISA 1.0 issued, then 1.1 issued after the secure email system changed; returns
    (folder, the output of issuing 1.1)."""
    folder = marac_copy("westmere")
    result = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", days_ago(20),
                                  "--summary", "First edition", "--approved-by", "Westmere Marac Steering Group"])
    assert result.exit_code == 0, result.output
    edit_settings(folder, lambda d: (d["documents"]["information_sharing_agreement"].update(version="1.1"),
                                     d["records"].update(secure_email=NEW)))
    result = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.1", "--date", days_ago(2),
                                  "--summary", "Case lists go through Kiteworks",
                                  "--approved-by", "Westmere Marac Steering Group"])
    assert result.exit_code == 0, result.output
    return folder, result.stdout


def tracked(path, tag: str) -> list[str]:
    """Return the text of every w:ins or w:del element of a DOCX, in order."""
    body = docx.Document(str(path)).element.body
    texts = []
    for element in body.iter(qn(f"w:{tag}")):
        texts.append("".join(t.text or "" for t in element.iter(qn("w:t"), qn("w:delText"))))
    return texts


def test_issue_prints_the_summary_against_the_previous_edition(two_editions):
    _, output = two_editions
    assert "changes from version 1.0 to version 1.1" in output
    assert "Case list" not in output  # a summary by clause title, not the text
    assert any(line.strip().startswith("reworded") for line in output.splitlines())


def test_diff_lists_the_changed_clauses(runner, two_editions):
    folder, _ = two_editions
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa", "--from", "1.0", "--to", "1.1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    reworded = [line for line in lines if line.strip().startswith("reworded")]
    assert reworded and all("(settings changed)" in line for line in reworded)
    assert not any(line.strip().startswith(("added", "removed")) for line in lines)
    assert "schedules updated (not part of the signed text): Referral route" in result.stdout


def test_redline_docx_tracks_exactly_the_changed_words(runner, two_editions, tmp_path):
    folder, _ = two_editions
    out = tmp_path / "redline"
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa", "--from", "1.0", "--to", "1.1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"westmere-isa-1.0-to-1.1.{ext}" for ext in ("docx", "html", "pdf")]
    path = out / "westmere-isa-1.0-to-1.1.docx"
    inserted, deleted = tracked(path, "ins"), tracked(path, "del")
    # The version number in the title, document control and signature text, and the system's name.
    assert {t.strip(" ,") for t in inserted} == {"1.1", "Kiteworks"}
    assert {t.strip(" ,") for t in deleted} == {"1.0", "Egress"}
    assert inserted.count("Kiteworks ") == deleted.count("Egress ") >= 2
    element = next(docx.Document(str(path)).element.body.iter(qn("w:ins")))
    assert element.get(qn("w:author")) == "Marac protocol generator"
    assert element.get(qn("w:date")) == f"{days_ago(2)}T00:00:00Z"
    body = docx.Document(str(path)).element.body
    accepted = "".join(t.text or "" for t in body.iter(qn("w:t")))  # the text with every change accepted
    assert NEW in accepted and OLD not in accepted

    html = (out / "westmere-isa-1.0-to-1.1.html").read_text(encoding="utf-8")
    assert "<del>Egress </del><ins>Kiteworks </ins>secure email" in html
    pdf = pypdf.PdfReader(str(out / "westmere-isa-1.0-to-1.1.pdf"))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Kiteworks" in text and "Egress" in text and "Not for signature" in text
    assert not pdf.get_fields()  # a redline has no signature fields


def test_the_version_history_lists_both_editions(runner, two_editions, tmp_path):
    folder, _ = two_editions
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "--doc", "isa", "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0 and result.stderr == ""
    document = docx.Document(str(out / "westmere" / "westmere-information-sharing-agreement.docx"))
    history = next(t for t in document.tables if t.rows[0].cells[0].text == "Version"
                   and t.rows[0].cells[2].text == "Summary of changes")
    rows = [[c.text for c in row.cells] for row in history.rows[1:]]
    assert [r[0] for r in rows] == ["1.0", "1.1"]
    assert rows[0][2] == "First edition" and rows[1][2] == "Case lists go through Kiteworks"
    assert rows[1][3] == "Westmere Marac Steering Group"


def test_diff_against_the_current_text_and_refusals(runner, two_editions):
    folder, _ = two_editions
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa"])
    assert result.exit_code == 0 and "changes from version 1.0 to the current text" in result.stdout
    edit_settings(folder, lambda d: d["partners"].append(
        {"name": "Westmere Women's Refuge", "type": "specialist-service",
         "signatory": {"name": "Nia Morgan", "role": "Chief Executive"}}))
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa", "--to", "current"])
    assert "from version 1.1 to the current text" in result.stdout
    assert "partners added: Westmere Women’s Refuge" in result.stdout
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa", "--from", "0.9"])
    assert result.exit_code == 1 and "no issued edition 0.9" in result.stderr
    (folder / "editions" / "isa-1.0.json").unlink()
    result = runner.invoke(main, ["diff", str(folder), "--doc", "isa", "--from", "1.0", "--to", "1.1"])
    assert result.exit_code == 1 and "no archived document model" in result.stderr
    assert "Traceback" not in result.output


def test_issue_still_issues_when_the_previous_edition_has_no_archived_model(runner, marac_copy):
    folder = marac_copy("westmere")
    result = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", days_ago(9)])
    assert result.exit_code == 0, result.output
    (folder / "editions" / "isa-1.0.json").unlink()  # as for an edition issued by an older release
    edit_settings(folder, lambda d: (d["documents"]["information_sharing_agreement"].update(version="1.1"),
                                     d["records"].update(secure_email=NEW)))
    result = runner.invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.1", "--date", days_ago(1)])
    assert result.exit_code == 0, result.output
    assert "Issued the ISA, edition 1.1" in result.stdout
    assert "Changes since edition 1.0 cannot be listed" in result.stdout


def _westmere_isa(examples, secure_email=None):
    import dataclasses

    from generator.document.assemble import assemble
    from generator.library.clauses import load_library
    from generator.settings.loader import load_settings

    loaded = load_settings(examples / "westmere" / "marac.yaml")
    if secure_email:
        records = loaded.settings.records.model_copy(update={"secure_email": secure_email})
        loaded = dataclasses.replace(loaded, settings=loaded.settings.model_copy(update={"records": records}))
    return assemble(loaded, load_library(), "isa")


def test_the_archived_model_reads_back_as_the_same_document(examples):
    from generator.document.archive import document_from_json, document_to_json

    document = _westmere_isa(examples)
    again, versions = document_from_json(document_to_json(document, {"isa.parties.list": 3}))
    assert again == document and versions == {"isa.parties.list": 3}
    with pytest.raises(ValueError, match="not an archived document model"):
        document_from_json('{"format": "something else"}')


def test_a_clause_revised_in_the_library_is_told_apart_from_a_settings_change(examples):
    from generator.document.archive import clause_anchor_ids
    from generator.document.compare import compare

    old, new = _westmere_isa(examples), _westmere_isa(examples, NEW)
    ids = clause_anchor_ids(new)
    comparison = compare(old, new, {cid: 1 for cid in ids}, {cid: 2 for cid in ids})
    reworded = [c for c in comparison.changes if c.how == "reworded"]
    assert reworded and all(c.detail == "clause revised in the library, version 1 to 2" for c in reworded)
    same = compare(old, old)
    assert same.unchanged and "No clause changed." in same.summary("version 1.0", "version 1.0")
