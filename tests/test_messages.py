"""Messages a coordinator understands, through the CLI: the line of the mistake, the entry by
name, YAML's jargon translated, counts in plain English, one error per mistake."""

from __future__ import annotations

import pytest

from generator.cli import main


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


def check(runner, folder):
    result = runner.invoke(main, ["check", str(folder)])
    assert "Traceback" not in result.output
    return result


def edit(folder, old, new, count=1):
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def test_duplicate_partner_points_at_the_duplicate(runner, marac_copy):
    folder = marac_copy()
    text = edit(folder, "  - name: Westmere District Council, Housing Services\n",
                "  - name: WESTSHIRE  police\n")
    result = check(runner, folder)
    assert result.exit_code == 1
    line = line_of(text, "  - name: WESTSHIRE  police")
    assert f"marac.yaml:{line}: partners[5] (WESTSHIRE police).name:" in result.stderr
    assert "listed twice (entries 1 and 5)" in result.stderr


def test_list_errors_name_the_entry(runner, marac_copy):
    folder = marac_copy()
    text = edit(folder, "email: kathryn.lamb@westshire-rural.nhs.example", "email: kathryn.lamb-at-nhs")
    result = check(runner, folder)
    assert result.exit_code == 1
    line = line_of(text, "email: kathryn.lamb-at-nhs")
    assert (f"marac.yaml:{line}: partners[6] (Westshire Rural Health NHS Foundation Trust).signatory.email:"
            in result.stderr)


def test_counts_are_plain_english(runner, marac_copy):
    folder = marac_copy()
    edit(folder, "  - name: Meadowlark Domestic Abuse Support\n", "  - name: Home Office\n")
    result = check(runner, folder)
    assert "Westmere Marac: errors (1 error, " in result.stdout
    assert "errors (1 errors" not in result.stdout


def test_unquoted_version_says_how_to_write_it(runner, marac_copy):
    folder = marac_copy()
    text = edit(folder, 'version: "1.2"', "version: 1.2")
    result = check(runner, folder)
    assert result.exit_code == 1
    line = line_of(text, "version: 1.2")
    assert f'marac.yaml:{line}: documents.operating_protocol.version: must be written in quotes' in result.stderr
    assert 'write version: "1.2"' in result.stderr


@pytest.mark.parametrize("old,new,needle,expected", [
    ("  area: Westmere District ", "  area: Westmere: District ", "area: Westmere: District",
     'a colon inside a value: put the whole value in double quotes, like area: "Westmere: District'),
    ("  area: Westmere District ", "  area: 'Sahara Women's Project' ", "Sahara Women",
     'an apostrophe inside single quotes: put the value in double quotes instead, like area: "Sahara Women\'s Project"'),
    ("    frequency: monthly", "    frequency monthly", "frequency monthly",
     "'frequency monthly' has no colon: write it as 'key: value' (for example 'frequency: monthly')"),
])
def test_yaml_jargon_is_translated_and_on_the_right_line(runner, marac_copy, old, new, needle, expected):
    folder = marac_copy()
    text = edit(folder, old, new)
    result = check(runner, folder)
    assert result.exit_code == 1
    assert f"marac.yaml:{line_of(text, needle)}: {expected}" in result.stderr
    assert "mapping values" not in result.stderr and "expected key" not in result.stderr


def test_excluding_a_mandatory_clause_is_one_error_and_no_warnings(runner, marac_copy):
    from generator.library.clauses import load_library

    mandatory = sorted(load_library().mandatory_ids())[0]
    folder = marac_copy()
    path = folder / "marac.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"clauses:\n  exclude: [{mandatory}]\n", encoding="utf-8")
    result = check(runner, folder)
    assert result.exit_code == 1
    assert result.stderr.count("is mandatory") == 1
    assert "warning" not in result.output.replace("0 warnings", "")
    assert "(1 error, 0 warnings)" in result.stdout


def test_status_of_a_folder_of_maracs_is_a_usage_error(runner, examples):
    result = runner.invoke(main, ["status", str(examples)])
    assert result.exit_code == 2
    assert "holds 2 Maracs" in result.output or "Maracs; this command takes one Marac" in result.output
    assert "Traceback" not in result.output


def test_clauses_lists_a_header_and_titles(runner):
    result = runner.invoke(main, ["clauses", "--doc", "annex"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["ID", "TITLE", "SECTION", "DOCUMENTS", "COVERS", "MANDATORY"]
    assert any(line.startswith("annex.use.status") and "Purpose and status of this annex" in line for line in lines)
    assert all("mop/isa" not in line or "annex" in line for line in lines[2:])


def test_clauses_show_fills_in_a_marac_settings(runner, examples):
    result = runner.invoke(main, ["clauses", "show", "governance.performance", "--config", str(examples / "westmere")])
    assert result.exit_code == 0, result.output
    assert "governance.performance (version" in result.output and "Optional" in result.output
    assert "Westmere Marac Steering Group" in result.output and "{{" not in result.output


def test_clauses_show_without_config_shows_the_placeholders(runner):
    result = runner.invoke(main, ["clauses", "show", "governance.performance"])
    assert result.exit_code == 0
    assert "{{" in result.output and "--config" in result.output


def test_clauses_show_says_when_a_marac_excludes_it(runner, marac_copy):
    folder = marac_copy()
    path = folder / "marac.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "clauses:\n  exclude: [governance.performance]\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["clauses", "show", "governance.performance", "--config", str(folder)])
    assert result.exit_code == 0, result.output
    assert "this Marac excludes it" in result.output


def test_clauses_show_unknown_id_suggests(runner):
    result = runner.invoke(main, ["clauses", "show", "governance.performanse"])
    assert result.exit_code == 1
    assert "did you mean 'governance.performance'" in result.output and "Traceback" not in result.output


def test_clauses_sources_lists_citations_with_official_addresses(runner):
    result = runner.invoke(main, ["clauses", "--sources", "--doc", "isa"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()[1:]
    assert lines and all(": " in line and "<https://" in line for line in lines)
    assert any("Data Protection Act 2018" in line and "legislation.gov.uk" in line for line in lines)


def test_a_misspelt_required_key_gives_one_message(runner, marac_copy):
    folder = marac_copy()
    text = edit(folder, "    frequency: monthly", "    frequncy: monthly")
    result = check(runner, folder)
    assert result.exit_code == 1
    assert f"marac.yaml:{line_of(text, 'frequncy')}: marac.meeting.frequncy: unknown setting 'frequncy'; did you mean 'frequency'?" in result.stderr
    assert "is required but missing" not in result.stderr
    assert "(1 error, 0 warnings)" in result.stdout
