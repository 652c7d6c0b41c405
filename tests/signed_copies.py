"""Westmere's ISA issued once and signed by throwaway certificates, for every signed-PDF test.

The session fixtures ``pki``, ``issued`` and ``signed`` (tests/conftest.py) are built here, so
the ISA is rendered once per session however many test modules import signed copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

import partner_signing as partner
from generator.cli import main
from test_editions import days_ago, edit_settings  # tests/ is on sys.path (no package)

REPO = Path(__file__).resolve().parent.parent
POLICE, HOUSING = "Westshire Police", "Westmere District Council, Housing Services"
POLICE_FIELD, HOUSING_FIELD = "sig-westshire-police", "sig-westmere-district-council-housing-services"


def copy_marac(source: Path, target: Path, slug: str | None = None) -> Path:
    """Copy a Marac folder without its register, optionally as another Marac (slug and name)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    if slug:
        def rename(data):
            data["marac"]["slug"] = slug
            data["marac"]["name"] = slug.title() + " Marac"
        edit_settings(target, rename)
    return target


def issue_isa(folder: Path, date: str) -> bytes:
    """Issue the ISA 1.0 of ``folder`` on ``date``; return the archived PDF partners are sent."""
    result = CliRunner().invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", date])
    assert result.exit_code == 0, result.output
    return (folder / "editions" / "isa-1.0.pdf").read_bytes()


def make_pki() -> dict:
    """A throwaway root, signers for the police and for housing, and an unrelated root."""
    ca = partner.make_ca()
    police = partner.issue_cert(ca, "Andrew Polglase", POLICE)
    housing = partner.issue_cert(ca, "Sam Deputy", "Westmere District Council", title="Deputy Housing Manager")
    return {"ca": ca, "police": partner.pdf_signer(police, ca), "housing": partner.pdf_signer(housing, ca),
            "other_ca": partner.make_ca("Unrelated Root CA")}


def issue_westmere(parent: Path) -> tuple[Path, bytes]:
    """Westmere under ``parent`` with its ISA issued three days ago; the folder and the archived PDF."""
    folder = copy_marac(REPO / "local_configs" / "westmere", parent / "westmere")
    return folder, issue_isa(folder, days_ago(3))


def sign_copies(issued: tuple[Path, bytes], pki: dict) -> dict[str, bytes]:
    """The issued ISA signed by the police, and that copy signed in turn by housing."""
    _, data = issued
    police = partner.sign_field(data, POLICE_FIELD, pki["police"])
    return {"police": police, "both": partner.sign_field(police, HOUSING_FIELD, pki["housing"])}
