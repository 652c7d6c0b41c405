"""Uploading a digitally signed PDF in the web app: verified and recorded as ``signatures import`` does."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

import partner_signing as partner
from test_web import post
from test_web_support import client, copy_examples, form_values, setting

POLICE, POLICE_FIELD = "Westshire Police", "sig-westshire-police"
pytestmark = pytest.mark.slow


@pytest.fixture
def issued(tmp_path):
    """A copy of the examples with Westmere's ISA issued today through the web app."""
    root = copy_examples(tmp_path)
    c = client(root, today=dt.date.today())
    fields = form_values(c.get("/m/westmere").text, "/m/westmere/issue")
    version = yaml.safe_load((root / "westmere" / "marac.yaml").read_text())["documents"][
        "information_sharing_agreement"]["version"]
    fields = setting(setting(fields, "document", "isa"), "version", version)
    page = post(c, "/m/westmere/issue", setting(fields, "approved_by", "Westmere Marac Steering Group"))
    assert page.status_code == 200 and "Issued the ISA" in page.text
    [edition] = yaml.safe_load((root / "westmere" / "editions" / "editions.yaml").read_text())["editions"]
    assert edition["approved_by"] == "Westmere Marac Steering Group" and not edition.get("summary")
    return root, c, (root / "westmere" / "editions" / f"isa-{version}.pdf").read_bytes()


def upload(c, name, data):
    token = dict(form_values(c.get("/m/westmere").text, "/m/westmere/import"))["csrf"]
    return c.post("/m/westmere/import", data={"csrf": token}, files={"file": (name, data, "application/pdf")})


def test_a_signed_copy_is_verified_and_recorded(issued):
    root, c, pdf = issued
    ca = partner.make_ca()
    signer = partner.pdf_signer(partner.issue_cert(ca, "Andrew Polglase", POLICE), ca)
    page = upload(c, "isa-police.pdf", partner.sign_field(pdf, POLICE_FIELD, signer))
    assert page.status_code == 200, page.text
    assert f"Recorded: {POLICE}, signed by Andrew Polglase" in page.text
    [entry] = yaml.safe_load((root / "westmere" / "signatures.yaml").read_text())["signatures"]
    assert entry["method"] == "digital" and entry["agency"] == POLICE
    assert entry["evidence_file"].startswith("evidence/") and (root / "westmere" / entry["evidence_file"]).is_file()
    assert (root / "westmere" / entry["evidence_file"]).read_bytes().startswith(b"%PDF-")
    assert not list((root / "westmere").glob(".upload-*")), "the uploaded file waits only while it is read"
    again = upload(c, "isa-police.pdf", partner.sign_field(pdf, POLICE_FIELD, signer))
    assert again.status_code == 400 and "recorded already" in again.text


def test_a_tampered_copy_is_refused_and_nothing_recorded(issued):
    root, c, pdf = issued
    ca = partner.make_ca()
    signer = partner.pdf_signer(partner.issue_cert(ca, "Andrew Polglase", POLICE), ca)
    signed = partner.sign_field(pdf, POLICE_FIELD, signer)
    page = upload(c, "isa-police.pdf", partner.flip_byte(signed, 2000))
    assert page.status_code == 400 and "Refused" in page.text
    assert not (root / "westmere" / "signatures.yaml").exists()
    assert not list((root / "westmere").glob("evidence/*.pdf")) and not list((root / "westmere").glob(".upload-*"))
