"""G03 on the register's own routes: what `marac issue` writes (--summary, --approved-by), what a
hand-edited signatures.yaml or editions.yaml holds when it is read back, and the text options of
`marac init` and `marac sign` that no file could hold (line breaks, control characters, bytes
that were not UTF-8).

One annex of Westmere is issued (rendered) and signed once; each test works on a copy of it.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import RegisterError
from generator.register.editions import load_editions
from generator.register.ledger import load_ledger
from test_editions import edit_settings  # tests/ is on sys.path (no package)

POLICE = "Westshire Police"
HOUSING = "Westmere District Council, Housing Services"
IMMIGRATION_ENFORCEMENT = "Home Office Immigration Enforcement"
TODAY = dt.date.today().isoformat()


def sign(runner, folder, agency=POLICE, name="Aoife Brennan", role="Chief Superintendent"):
    return runner.invoke(main, ["sign", str(folder), "--doc", "annex", "--agency", agency, "--name", name,
                                "--role", role, "--date", TODAY])


@pytest.fixture(scope="module")
def signed_template(tmp_path_factory):
    """Westmere with its annex issued today and signed by the police (rendered once)."""
    folder = tmp_path_factory.mktemp("template") / "westmere"
    shutil.copytree("local_configs/westmere", folder, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    runner = CliRunner()
    issued = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0",
                                  "--summary", "Annex adopted on its own", "--approved-by", "Steering group"])
    assert issued.exit_code == 0, issued.output
    assert sign(runner, folder).exit_code == 0
    return folder


@pytest.fixture
def signed(signed_template, tmp_path):
    folder = tmp_path / "westmere"
    shutil.copytree(signed_template, folder)
    return folder


def files_of(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.suffix != ".lock"}


def refused_cleanly(result):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, never a traceback
    assert "Traceback" not in result.output


# --- 1. marac issue: --approved-by is a name, --summary free text ------------------------------

@pytest.mark.parametrize("options, named", [
    (["--approved-by", IMMIGRATION_ENFORCEMENT], "--approved-by"),
    (["--approved-by", "UK Visas and Immigration"], "--approved-by"),
    (["--approved-by", "Immigration Team"], "--approved-by"),  # unsure: refused unless confirmed
    (["--summary", "Copies now go to Immigration Enforcement, who attend"], "--summary"),
    (["--summary", "Border Force now receives the minutes"], "--summary"),
])
def test_issue_refuses_a_summary_or_approver_naming_immigration_enforcement(runner, marac_copy, options, named):
    folder = marac_copy("westmere")
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0", *options])
    refused_cleanly(result)
    assert f"{named}: [G03]" in result.stderr and "Nothing was issued" in result.stderr
    assert f"leave {named} out" in result.stderr
    assert not (folder / "editions").exists()


def test_issue_takes_a_confirmed_approver_and_a_summary_about_immigration_advice(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d.update(g03_confirmed_names=["Immigration Team"]))
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0", "--approved-by",
                                  "Immigration Team", "--summary", "Adds the law centre's immigration advice line"])
    assert result.exit_code == 0, result.output
    edition, = load_editions(folder)
    assert edition.approved_by == "Immigration Team"


def test_issue_refuses_a_summary_that_is_not_utf8(runner, marac_copy):
    folder = marac_copy("westmere")
    result = runner.invoke(main, ["issue", str(folder), "--doc", "annex", "--version", "1.0",
                                  "--summary", "First\udc85 edition"])
    refused_cleanly(result)
    assert "--summary holds bytes that are not UTF-8" in result.stderr
    assert not (folder / "editions").exists()


# --- 2. a hand-edited ledger or editions index is refused when it is read ----------------------

def edit_ledger(folder, field, value, index=0):
    path = folder / "signatures.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["signatures"][index][field] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("field, label", [("name", "the signatory's name"), ("role", "the signatory's role"),
                                          ("agency", "the agency"),
                                          ("certificate_subject", "the signer's certificate")])
def test_a_ledger_entry_naming_immigration_enforcement_is_refused_everywhere(runner, signed, tmp_path, field, label):
    edit_ledger(signed, field, f"CN=Jo Bloggs,O={IMMIGRATION_ENFORCEMENT}" if field == "certificate_subject"
                else IMMIGRATION_ENFORCEMENT)
    before = files_of(signed)
    record = tmp_path / "records"
    for arguments in (["status", str(signed)], ["status", str(signed), "--format", "json"],
                      ["status", str(signed), "--record", str(record)]):
        result = runner.invoke(main, arguments)
        refused_cleanly(result)
        assert "signatures.yaml line 2: " in result.stderr and f"[G03] {label}: " in result.stderr
        assert "Remove the entry" in result.stderr and IMMIGRATION_ENFORCEMENT not in result.stdout
    result = sign(runner, signed, HOUSING, "Sam Carter", "Head of Housing")
    refused_cleanly(result)
    assert "[G03]" in result.stderr
    assert not record.exists() and files_of(signed) == before
    with pytest.raises(RegisterError, match=r"\[G03\]"):
        load_ledger(signed)


def test_an_unsure_signatory_in_the_ledger_is_refused_unless_confirmed(runner, signed):
    edit_ledger(signed, "role", "Immigration Team")
    result = runner.invoke(main, ["status", str(signed)])
    refused_cleanly(result)
    assert "may name Immigration Enforcement" in result.stderr and "g03_confirmed_names" in result.stderr
    edit_settings(signed, lambda d: d.update(g03_confirmed_names=["Immigration Team"]))
    result = runner.invoke(main, ["status", str(signed)])
    assert result.exit_code == 0, result.output
    assert "Immigration Team" in result.stdout


def edit_index(folder, field, value):
    path = folder / "editions" / "editions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["editions"][0][field] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("field, value", [("approved_by", IMMIGRATION_ENFORCEMENT),
                                          ("approved_by", "Immigration Team"),
                                          ("summary", "Copies now go to Immigration Enforcement, who attend")])
def test_an_edited_editions_index_naming_immigration_enforcement_is_refused(runner, signed, tmp_path, field, value):
    edit_index(signed, field, value)
    before = files_of(signed)
    output = tmp_path / "out"
    for arguments in (["status", str(signed)], ["build", str(signed), "--doc", "annex", "-o", str(output)],
                      ["diff", str(signed), "--doc", "annex"]):
        result = runner.invoke(main, arguments)
        refused_cleanly(result)
        assert "editions.yaml" in result.stderr and f"annex edition 1.0, {field}: [G03]" in result.stderr
        assert f"Delete the {field} line" in result.stderr
    refused_cleanly(sign(runner, signed, HOUSING, "Sam Carter", "Head of Housing"))
    assert not list(output.rglob("*.pdf")) and files_of(signed) == before


# --- 3. text no file can hold: refused with the option named -----------------------------------

INIT_ANSWERS = ["--area", "Borough of Eastbrook", "--nation", "england", "--coordinator-name", "Sam Carter",
                "--coordinator-role", "Marac Coordinator", "--coordinator-agency", "Eastshire Police",
                "--coordinator-email", "sam.carter@eastshire.police.uk", "--chair-name", "Jo Bloggs",
                "--chair-role", "Detective Chief Inspector", "--chair-agency", "Eastshire Police",
                "--governance-group", "Eastbrook Domestic Abuse Board",
                "--strategic-partnership", "Eastbrook Community Safety Partnership",
                "--mop-adopted", "2026-01-05", "--isa-adopted", "2026-01-05"]


@pytest.mark.parametrize("name, says", [("East\nbrook Marac", "more than one line"),
                                        ("East\u2028brook Marac", "U+2028"),
                                        ("East\x85brook Marac", "U+0085"),
                                        ("East\x07brook Marac", "control"),
                                        ("East\udc85brook Marac", "not UTF-8")])
def test_init_refuses_a_name_no_file_can_hold(runner, tmp_path, name, says):
    folder = tmp_path / "eastbrook"
    result = runner.invoke(main, ["init", str(folder), "--name", name, *INIT_ANSWERS])
    refused_cleanly(result)
    assert "--name: " in result.stderr and says in result.stderr
    assert not folder.exists()


def test_init_still_writes_an_ordinary_marac(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "eastbrook"), "--name", "Eastbrook Marac", *INIT_ANSWERS])
    assert result.exit_code == 0, result.output


def test_create_marac_api_refuses_a_line_break_as_a_problem(tmp_path):
    from generator.errors import ConfigError
    from generator.settings.scaffold import NewMarac, create_marac

    answers = NewMarac("East\u2029brook Marac", "Eastbrook", "england", "A B", "C", "D", "a@b.org", "E F", "G",
                       "D", "H", "I", dt.date(2026, 1, 5), dt.date(2026, 1, 5))
    with pytest.raises(ConfigError, match="name: runs over more than one line"):
        create_marac(tmp_path, answers)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("option", ["--name", "--role", "--agency"])
@pytest.mark.parametrize("bad", ["Sam\udc85 Carter", "Sam\u2028Carter"])
def test_sign_refuses_an_option_no_file_can_hold(runner, signed, option, bad):
    before = files_of(signed)
    values = {"--agency": HOUSING, "--name": "Sam Carter", "--role": "Head of Housing", option: bad}
    result = sign(runner, signed, values["--agency"], values["--name"], values["--role"])
    refused_cleanly(result)
    assert f"{option} " in result.stderr and "Nothing was recorded" in result.stderr
    assert files_of(signed) == before
