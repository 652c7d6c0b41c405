"""Cross-checks: the chair's, coordinator's and champions' agencies are partners; a signature by someone
other than the configured signatory warns and records both; evidence is kept under its SHA-256."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from generator.cli import main
from test_editions import days_ago, edit_settings, issue


@pytest.mark.parametrize("change, field", [
    (lambda d: d["marac"]["chair"].update(agency="Westshire Polise"), "marac.chair.agency"),
    (lambda d: d["marac"]["coordinator"].update(agency="Westmere District Council Housing"),
     "marac.coordinator.agency"),
    (lambda d: d["immigration"]["champions"][0].update(agency="Westshire County Council Idva"),
     "immigration.champions[1] (Joanna Kerslake).agency"),  # entries count from 1 and are named
])
def test_an_agency_that_is_not_a_partner_is_an_error_with_the_closest_match(runner, marac_copy, change, field):
    folder = marac_copy("westmere")
    edit_settings(folder, change)
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert field in result.stderr and "is not a partner agency; did you mean" in result.stderr


def test_an_agency_unlike_any_partner_is_told_to_add_it(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d["marac"]["chair"].update(agency="Zzyzx Trust"))
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1 and "add the agency to partners" in result.stderr


def test_a_signature_by_someone_else_warns_and_records_both(runner, marac_copy, tmp_path):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(5)).exit_code == 0
    scan = tmp_path / "Police signed page.PDF"
    scan.write_bytes(b"%PDF-1.7 a scanned signature page")
    result = runner.invoke(main, ["sign", str(folder), "--doc", "mop", "--agency", "Westshire Police",
                                  "--name", "John Smith", "--role", "Acting Superintendent",
                                  "--date", days_ago(1), "--evidence", str(scan)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "Andrew Polglase" in result.stderr and "John Smith" in result.stderr
    entry = yaml.safe_load((folder / "signatures.yaml").read_text(encoding="utf-8"))["signatures"][0]
    assert entry["name"] == "John Smith" and entry["configured_signatory"] == "Andrew Polglase"
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert entry["evidence_file"] == f"evidence/{digest}.pdf" and entry["evidence_sha256"] == digest
    assert (folder / "evidence" / f"{digest}.pdf").read_bytes() == scan.read_bytes()


def test_the_configured_signatory_signs_without_a_warning(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "mop", date=days_ago(5)).exit_code == 0
    result = runner.invoke(main, ["sign", str(folder), "--doc", "mop", "--agency", "Westshire Police",
                                  "--name", "andrew  polglase", "--role", "DCI", "--date", days_ago(1)])
    assert result.exit_code == 0 and result.stderr == ""
    entry = yaml.safe_load((folder / "signatures.yaml").read_text(encoding="utf-8"))["signatures"][0]
    assert entry["configured_signatory"] is None
