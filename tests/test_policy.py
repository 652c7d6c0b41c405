"""Guidance rules: G03 forbidden recipients, mandatory clauses, G21 review interval, warnings."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.library.clauses import load_library
from generator.settings.loader import load_settings
from generator.policy.recognisers import immigration_enforcement_email, immigration_enforcement_name
from generator.policy.rules import check_policy, errors_in

TODAY = dt.date(2026, 11, 26)

IMMIGRATION_ENFORCEMENT_NAMES = [
    "Immigration Enforcement",
    "immigration enforcement",
    "IMMIGRATION ENFORCEMENT",
    "Home Office Immigration Enforcement",
    "Home Office (Immigration Enforcement)",
    "Home Office",
    "The Home Office",
    "HOME-OFFICE",
    "Home Office – Immigration",
    "HO Immigration",
    "HOIE",
    "H.O.I.E.",
    "IE",
    "I.E.",
    "IE Team",
    "UKVI",
    "U.K.V.I.",
    "ukvi",
    "UK Visas and Immigration",
    "UK Visas & Immigration",
    "U.K. Visas and Immigration",
    "Visas and Immigration",
    "UK Visa and Immigration",
    "Border Force",
    "UK Border Force",
    "BorderForce",
    "Border-Force",
    "UKBF",
    "UK Border Agency",
    "UKBA",
    "Immigration Compliance and Enforcement",
    "Immigration Compliance & Engagement team",
    "Immigration Enforcement North West",
    "Immigration Officers",
    "Immigration Intelligence",
    "Immigration and Nationality Directorate",
    "Imigration Enforcement",
    "Immigration Enforcment",
    "Hóme Öffice",
]

PARTNERS_THE_GUIDANCE_WANTS = [
    "Northbridge Migrant Rights Law Centre",
    "Immigration Advice Service",
    "Immigration Law Practitioners' Association",
    "Joint Council for the Welfare of Immigrants",
    "Bail for Immigration Detainees",
    "Southall Black Sisters",
    "Migrant Help",
    "Refugee Council",
    "Welsh Refugee Council — Cyngor Ffoaduriaid Cymru",
    "Kalayaan",
    "Praxis Community Projects",
    "Latin American Women's Rights Service",
    "Border Counties Women's Aid",
    "Borderlands Refuge",
    "Scottish Borders Council",
    "Home-Start Northbridge",
    "Home Group",
    "Homes England",
    "Care Home Liaison Team",
    "Northbridge Homeless Prevention Service",
    "Office of the Police and Crime Commissioner",
    "Immigration Support Project at Ujala",
    "Independent Immigration Advice Clinic",
    "Domestic Abuse Commissioner's Office",
    "Officers of Northshire Police",
    "Northshire Police",
    "HM Prison and Probation Service",
]


@pytest.mark.parametrize("name", IMMIGRATION_ENFORCEMENT_NAMES)
def test_immigration_enforcement_recognised(name):
    assert immigration_enforcement_name(name), name


@pytest.mark.parametrize("name", PARTNERS_THE_GUIDANCE_WANTS)
def test_migrant_support_services_not_refused(name):
    assert immigration_enforcement_name(name) is None, name


@pytest.mark.parametrize("address,refused", [
    ("duty.officer@homeoffice.gov.uk", True),
    ("someone@digital.homeoffice.gov.uk", True),
    ("x@ukvi.gov.uk", True),
    ("advice@lawcentre.example", False),
    ("info@homestart.org.uk", False),
])
def test_home_office_email_domains(address, refused):
    assert bool(immigration_enforcement_email(address)) is refused


def with_partner(tmp_path, examples, name, signatory_email="a@b.example"):
    text = (examples / "westmere" / "marac.yaml").read_text(encoding="utf-8")
    addition = (
        f"  - name: \"{name}\"\n    type: other\n    signatory:\n      name: A Person\n"
        f"      role: Liaison\n      email: {signatory_email}\n"
    )
    text = text.replace("partners:\n", "partners:\n" + addition, 1)
    path = tmp_path / "marac.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, TODAY), text


def test_g03_error_names_field_line_and_reason(tmp_path, examples):
    loaded, text = with_partner(tmp_path, examples, "UK Visas & Immigration")
    errors = errors_in(check_policy(loaded, load_library()))
    assert len(errors) == 1
    error = errors[0]
    assert error.gid == "G03" and error.field == "partners[1] (UK Visas & Immigration).name"
    assert error.line == text.splitlines().index('  - name: "UK Visas & Immigration"') + 1
    rendered = error.render()
    assert "[G03]" in rendered and "may not receive the case list" in rendered and "Remove this entry" in rendered


def test_g03_checks_signatory_email(tmp_path, examples):
    loaded, _ = with_partner(tmp_path, examples, "Liaison Team", "duty@homeoffice.gov.uk")
    errors = errors_in(check_policy(loaded, load_library()))
    assert [e.field for e in errors] == ["partners[1] (Liaison Team).signatory.email"]


def test_g03_checks_distribution_list(tmp_path, examples):
    text = (examples / "westmere" / "marac.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^distribution_list:.*$", "", text, flags=re.M)
    text += "\ndistribution_list:\n  - name: Duty desk\n    organisation: Border Force\n"
    path = tmp_path / "marac.yaml"
    path.write_text(text, encoding="utf-8")
    errors = errors_in(check_policy(load_settings(path, TODAY), load_library()))
    assert [e.field for e in errors] == ["distribution_list[1] (Duty desk).organisation"]


def set_clauses(tmp_path, examples, block: str):
    text = (examples / "westmere" / "marac.yaml").read_text(encoding="utf-8")
    assert "\nclauses:" not in text
    path = tmp_path / "marac.yaml"
    path.write_text(text + "\n" + block, encoding="utf-8")
    return check_policy(load_settings(path, TODAY), load_library())


def test_mandatory_clause_cannot_be_excluded(tmp_path, examples):
    library = load_library()
    mandatory = next(c for c in library.clauses if c.mandatory and "G03" in c.covers)
    findings = set_clauses(tmp_path, examples, f"clauses:\n  exclude: [{mandatory.id}]\n")
    errors = errors_in(findings)
    assert len(errors) == 1 and errors[0].field == "clauses.exclude[1]"
    assert "mandatory" in errors[0].message and "G03" in errors[0].message


def test_unknown_excluded_clause_suggests(tmp_path, examples):
    optional = next(c for c in load_library().clauses if not c.mandatory)
    typo = optional.id[:-1] + ("x" if optional.id[-1] != "x" else "y")
    errors = errors_in(set_clauses(tmp_path, examples, f"clauses:\n  exclude: [{typo}]\n"))
    assert "not a clause in the library" in errors[0].message and optional.id in errors[0].message


def test_optional_clause_can_be_excluded(tmp_path, examples):
    optional = next(c for c in load_library().clauses if not c.mandatory)
    assert errors_in(set_clauses(tmp_path, examples, f"clauses:\n  exclude: [{optional.id}]\n")) == []


def test_mandatory_clauses_cover_the_required_gids():
    library = load_library()
    for gid in ("G01", "G02", "G03", "G04", "G13", "G15", "G21", "G22"):
        covering = [c for c in library.clauses if gid in c.covers]
        assert covering and all(c.mandatory for c in covering), gid


def test_review_interval_over_24_months_is_g21_error(tmp_path, examples):
    text = (examples / "westmere" / "marac.yaml").read_text(encoding="utf-8")
    text = text.replace("review_interval_months: 24", "review_interval_months: 36", 1)
    path = tmp_path / "marac.yaml"
    path.write_text(text, encoding="utf-8")
    errors = errors_in(check_policy(load_settings(path, TODAY), load_library()))
    assert [e.gid for e in errors] == ["G21"] and "36 months" in errors[0].message


def test_gaps_are_warnings(tmp_path, examples):
    text = (examples / "westmere" / "marac.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\nimmigration:\n(  .*\n|\s*#.*\n)*", "\n", text)
    text = re.sub(r"\nspecialist_pathways:\n(  .*\n|\s*#.*\n)*", "\n", text)
    text = re.sub(r"\n  contact:\n(    .*\n)*", "\n", text)
    path = tmp_path / "marac.yaml"
    path.write_text(text, encoding="utf-8")
    findings = check_policy(load_settings(path, TODAY), load_library())
    assert errors_in(findings) == []
    assert sorted(f.gid for f in findings) == ["G16", "G19", "G20", "G20"]
    assert all(f.severity == "warning" for f in findings)


def test_excluding_the_only_clause_on_a_requirement_warns(tmp_path, examples):
    library = load_library()
    only = next(c for c in library.clauses if c.id == "immigration.police-doubts")
    assert not only.mandatory and "G14" in only.covers
    findings = set_clauses(tmp_path, examples, f"clauses:\n  exclude: [{only.id}]\n")
    assert errors_in(findings) == []
    warnings = [f for f in findings if f.gid == "G14"]
    assert warnings and all(f.severity == "warning" for f in warnings)
    assert "Marac Operating Protocol" in " ".join(f.message for f in warnings)
