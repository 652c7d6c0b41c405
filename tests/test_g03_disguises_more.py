"""G03: the disguises and unchecked fields a hostile tester found on 4 December 2026.

Letters the confusables table leaves (a stroke, a hook, small capitals), blank Hangul letters,
Welsh and legal names, abbreviations, clause text broken over lines or written with character
references, percent-encoded and backslashed web addresses, and settings fields nobody had
marked (the area, the meeting day, a phone number): each was passed by ``marac check`` and
printed by ``marac build``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.policy.recognisers import recognise_free_text, recognise_name, recognise_url

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", [
    "Immigratiøn Enførcement North West", "ʜᴏᴍᴇ ᴏғғɪᴄᴇ Liaison", "Ħome Office Officer",
    "Immigraŧion Enforcemenŧ", "ƀorder Force", "UK Vɨsas and Immigration", "Imɱigration Enforcement",
    "Immigration\u115fEnforcement", "Border\uffa0Force", "Home\u3164Office", "Hom\u212e Office",
    "Y Swyddfa Gartref", "Gorfodi Mewnfudo Cymru", "Secretary of State for the Home Department", "SSHD",
    "Immigration Enf.", "Imm. Enforcement",
])
def test_disguised_names_are_certain(name):
    match = recognise_name(name)
    assert match is not None and match.certain, name


@pytest.mark.parametrize("name", ["IE North West", "ICE Team North", "HO Liaison", "IE/ICE"])
def test_abbreviations_inside_a_name_are_unsure(name):
    match = recognise_name(name)
    assert match is not None and not match.certain


@pytest.mark.parametrize("name", [
    "Mei Ho", "Signatory 13", "Agency 13", "Ærø Advice", "Café Olé Support", "Женская помощь",
    "مكتب المحاماة", "Cyngor Mewnfudo Cymru", "Alice Smith", "Westshire Police",
])
def test_ordinary_names_pass(name):
    assert recognise_name(name) is None


@pytest.mark.parametrize("text", [
    "Minutes are copied to the Home\nOffice and to Immigration\nEnforcement, who also attend.",
    "Home Off&#105;ce.", "IE attends every meeting.", "The HO attends.", "ICE attends.",
    "Minutes are copied to the HO.", "The IE team receives the minutes.",
    "See [our partners](https://www.homeoffice.gov.uk/contact).",
    "Meetings are monthly, with the Home Office.",
])
def test_free_text_read_as_printed(text):
    match = recognise_free_text(text)
    assert match is not None and match.certain, text


@pytest.mark.parametrize("text", [
    "We work at home.\n\nOffice hours are 9 to 5.", "- at home\n- Office hours are 9 to 5",
    "Victims get immigration advice, i.e. from a solicitor.", "Ice on the roads may delay meetings.",
    "13 attend the meeting.",
])
def test_ordinary_free_text_passes(text):
    assert recognise_free_text(text) is None


@pytest.mark.parametrize("url", [
    "https://www.gov.uk/government/organisations/home%2Doffice",
    "https://www.gov.uk/government/organisations/uk-visas-and-immigrati%6Fn",
    "https://www.homeoffice.gov.uk\\@westshire-lawcentre.example/",
])
def test_web_addresses_read_as_a_browser_reads_them(url):
    match = recognise_url(url)
    assert match is not None and match.certain


def test_unmarked_fields_are_checked_and_nothing_is_built(tmp_path):
    folder = tmp_path / "westmere"
    shutil.copytree(REPO / "local_configs" / "westmere", folder)
    data = yaml.safe_load((folder / "marac.yaml").read_text(encoding="utf-8"))
    data["marac"]["area"] = "Westmere District and Home Office Immigration Enforcement"
    data["marac"]["meeting"]["day"] = "second Thursday, 10am; Immigration Enforcement attend"
    (folder / "marac.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(folder)], env={"MARAC_CACHE_DIR": str(tmp_path / "cache")})
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert "marac.area" in checked.output and "marac.meeting.day" in checked.output
    out = tmp_path / "out"
    built = runner.invoke(main, ["build", str(folder), "-o", str(out), "--doc", "annex", "--format", "docx"],
                          env={"MARAC_CACHE_DIR": str(tmp_path / "cache")})
    assert built.exit_code == 1 and not list(out.glob("**/*.docx"))
