"""marac init: a new Marac from a few answers, prompted or given as options."""

from __future__ import annotations

import yaml

from generator.cli import main

ANSWERS = [
    "--name", "Eastbrook Marac", "--area", "Borough of Eastbrook", "--nation", "wales",
    "--coordinator-name", "Ann Lee", "--coordinator-role", "Marac Coordinator",
    "--coordinator-agency", "Eastbrook Council", "--coordinator-email", "marac@eastbrook.gov.example",
    "--chair-name", "Bo Okafor", "--chair-role", "Detective Inspector", "--chair-agency", "Eastshire Police",
    "--governance-group", "Eastbrook Board: Domestic Abuse", "--strategic-partnership", "Eastbrook's CSP",
    "--mop-adopted", "2025-01-10", "--isa-adopted", "2025-02-01",
]

PARTNERS = """partners:
  - name: Eastshire Police
    type: police
    signatory: {name: Jo Bloggs, role: Chief Inspector}
  - name: Eastbrook Council
    type: local-authority
    signatory: {name: Sam Patel, role: Director of Communities}
records:
  minutes_storage: Council restricted folder
  secure_email: Egress
"""


def test_init_with_options_writes_a_file_that_checks_once_partners_are_added(runner, tmp_path):
    folder = tmp_path / "eastbrook"
    result = runner.invoke(main, ["init", str(folder), *ANSWERS])
    assert result.exit_code == 0, result.output
    assert "marac check" in result.output
    text = (folder / "marac.yaml").read_text()
    assert text.startswith("# Local settings for Eastbrook Marac")
    data = yaml.safe_load(text)
    assert data["marac"]["slug"] == "eastbrook" and data["marac"]["nation"] == "wales"
    # Colons and apostrophes are kept as text, not read as YAML.
    assert data["governance"]["group"] == "Eastbrook Board: Domestic Abuse"
    assert data["governance"]["strategic_partnership"] == "Eastbrook's CSP"
    assert str(data["documents"]["information_sharing_agreement"]["adopted"]) == "2025-02-01"

    before = runner.invoke(main, ["check", str(folder)])
    assert before.exit_code == 1 and "partners" in before.output

    (folder / "marac.yaml").write_text(text.replace("partners: []\n", "").split("# --- Records")[0] + PARTNERS)
    after = runner.invoke(main, ["check", str(folder)])
    assert after.exit_code == 0, after.output
    assert "Eastbrook Marac: ok" in after.output
    assert "agencies among them" in result.output


def test_init_prompts_for_what_is_not_given(runner, tmp_path):
    folder = tmp_path / "westbrook"
    typed = "\n".join([
        "Westbrook Marac", "Westbrook", "", "Cy Dee", "Coordinator", "Westbrook Council",
        "marac@westbrook.gov.example", "Di Eff", "Chair", "Westshire Police", "Westbrook Board",
        "Westbrook CSP", "2024-05-01", "2024-05-02"]) + "\n"
    result = runner.invoke(main, ["init", str(folder)], input=typed)
    assert result.exit_code == 0, result.output
    assert "Marac name" in result.output and "Chair's agency" in result.output
    data = yaml.safe_load((folder / "marac.yaml").read_text())
    assert data["marac"]["name"] == "Westbrook Marac" and data["marac"]["nation"] == "england"
    assert data["marac"]["chair"]["agency"] == "Westshire Police"


def test_init_refuses_an_existing_folder_and_leaves_it_alone(runner, tmp_path):
    folder = tmp_path / "eastbrook"
    folder.mkdir()
    (folder / "marac.yaml").write_text("keep: me\n")
    result = runner.invoke(main, ["init", str(folder), *ANSWERS])
    assert result.exit_code == 1
    assert "already exists" in result.output and "Traceback" not in result.output
    assert (folder / "marac.yaml").read_text() == "keep: me\n"


def test_init_refuses_immigration_enforcement_and_writes_nothing(runner, tmp_path):
    folder = tmp_path / "eastbrook"
    answers = list(ANSWERS)
    answers[answers.index("--chair-agency") + 1] = "UK Visas and Immigration"
    result = runner.invoke(main, ["init", str(folder), *answers])
    assert result.exit_code == 1
    assert "[G03]" in result.output and "chair_agency" in result.output
    assert not folder.exists()


def test_init_names_the_answer_that_is_wrong(runner, tmp_path):
    answers = list(ANSWERS)
    answers[answers.index("--coordinator-email") + 1] = "not an address"
    result = runner.invoke(main, ["init", str(tmp_path / "eastbrook"), *answers])
    assert result.exit_code == 1
    assert "coordinator_email" in result.output and "not an email address" in result.output
    assert not (tmp_path / "eastbrook").exists()


def test_init_refuses_a_folder_name_that_is_not_a_slug(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "East Brook"), *ANSWERS])
    assert result.exit_code == 1 and "lower-case letters" in result.output
    assert not (tmp_path / "East Brook").exists()


def test_create_marac_puts_the_folder_under_the_root(tmp_path):
    import datetime as dt

    from generator.settings.scaffold import NewMarac, create_marac

    answers = NewMarac(
        name="Eastbrook Marac", area="Eastbrook", nation="england", coordinator_name="A",
        coordinator_role="Coordinator", coordinator_agency="Council", coordinator_email="a@b.example",
        chair_name="B", chair_role="Chair", chair_agency="Police", governance_group="Board",
        strategic_partnership="CSP", mop_adopted=dt.date(2025, 1, 1), isa_adopted=dt.date(2025, 1, 1))
    assert create_marac(tmp_path, answers) == tmp_path / "eastbrook"
    assert (tmp_path / "eastbrook" / "marac.yaml").is_file()
