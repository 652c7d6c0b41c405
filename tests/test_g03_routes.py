"""G03 on every route: every recipient field (found by the schema), check, reviews, remind
(against a real SMTP server on loopback), sign, signatures import and status --record.

PDFs: one ISA of Westmere is issued (rendered) for the signatures import tests; nothing else
renders.
"""

from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509
from cryptography.x509.oid import NameOID
from pydantic import BaseModel

import partner_signing as partner
from test_editions import days_ago, edit_settings  # tests/ is on sys.path (no package)
from test_g03_recogniser import DISGUISED_NAMES, UNSURE
from test_remind import TODAY, WESTMERE_CC, WESTMERE_TO, remind, second_marac, smtp  # noqa: F401  (fixture)

from generator.errors import MaracError
from generator.cli import main
from generator.policy.recognisers import recognise_email, recognise_url
from generator.settings.loader import load_settings
from generator.settings.recipient_types import marked_fields, recipient_values
from generator.settings.schema import Settings, agency_key

REPO = Path(__file__).resolve().parent.parent
POLICE, POLICE_FIELD = "Westshire Police", "sig-westshire-police"

# --- the schema: every field that names a person, a body or an address is marked -----------

SUGGESTS_RECIPIENT = re.compile(
    r"name|role|agency|e_?mail|mail|organi[sz]ation|provider|contact|url|web|venue|group|"
    r"partnership|service|title|text|signator|recipient|champion|storage|address|attend|person|"
    r"officer|team|body|member")
# Text fields whose names suggest a recipient but that hold none, and why.
NOT_RECIPIENTS = {
    ("Settings", "g03_confirmed_names"): "checked by the G03 rule itself: core names refused",
    ("LocalClause", "section"): "a section id of the library, checked against it",
}


def _types(annotation):
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _types(argument)


def schema_models(model=Settings, seen=None) -> list[type[BaseModel]]:
    """Every model reachable from ``model`` through its fields."""
    seen = [] if seen is None else seen
    if model not in seen:
        seen.append(model)
        for info in model.model_fields.values():
            for kind in _types(info.annotation):
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    schema_models(kind, seen)
    return seen


def unmarked_recipient_fields(models) -> list[str]:
    """The text fields whose names suggest a recipient but whose type carries no marker."""
    missing = []
    for model in models:
        for name, marker in marked_fields(model):
            text = any(kind is str for kind in _types(model.model_fields[name].annotation))
            if (text and marker is None and SUGGESTS_RECIPIENT.search(name)
                    and (model.__name__, name) not in NOT_RECIPIENTS):
                missing.append(f"{model.__name__}.{name}")
    return missing


def test_every_recipient_like_text_field_is_marked_by_type():
    models = schema_models()
    assert len(models) > 15
    assert unmarked_recipient_fields(models) == []


def test_the_schema_walk_would_catch_a_forgotten_field():
    class Forgotten(BaseModel):
        contact_name: str
        deputy_email: str | None = None
        phone: str | None = None

    assert unmarked_recipient_fields([Forgotten]) == ["Forgotten.contact_name", "Forgotten.deputy_email"]


# --- every disguised name in every recipient field, through `marac check` -------------------

def _schema_accepts(value: str) -> bool:
    """Whether the settings schema itself lets ``value`` through as a name (it may refuse some
    invisible characters outright; such a name is then refused before G03 looks at it)."""
    from pydantic import TypeAdapter, ValidationError

    from generator.settings.schema import RecipientName

    try:
        TypeAdapter(RecipientName).validate_python(value)
    except ValidationError:
        return False
    return True


NAMES = [name for _, name in DISGUISED_NAMES if _schema_accepts(name)] + UNSURE
CORE = [name for _, name in DISGUISED_NAMES if _schema_accepts(name)]
REFUSED_BY_SCHEMA = [name for _, name in DISGUISED_NAMES if not _schema_accepts(name)]
EMAILS = ["duty@homeoffice.gov.uk", "x@digital.homeoffice.gov.uk", "x@homeoffice.gsi.gov.uk",
          "x@xn--hmeoffice-02h.gov.uk", "x@h0meoffice.gov.uk", "ukvi.liaison@westshire.gov.example",
          "x@ukvi.gov.uk", "x@borderforce.gov.uk", "immigration.enforcement@mail.example"]
URLS = ["https://www.gov.uk/government/organisations/home-office",
        "https://www.gov.uk/government/organisations/uk-visas-and-immigration",
        "https://www.gov.uk/government/organisations/border-force",
        "https://visas-immigration.service.gov.uk/", "https://www.homeoffice.gov.uk/"]
LINE = re.compile(r"^(?P<file>[^:]+marac\.yaml):\d+: (?P<field>[^:]+): \[G03\]", re.M)


def _complete(data: dict) -> dict:
    """Westmere with every optional recipient block present, so that every marked field occurs."""
    marac = data["marac"]
    marac["chair"]["agency"] = marac["chair"].get("agency") or "Westshire Police"
    marac["chair"]["email"] = marac["chair"].get("email") or "chair@westshire.example"
    marac["coordinator"]["agency"] = marac["coordinator"].get("agency") or "Westmere District Council"
    marac["idva_service"] = {"name": "Westmere Idva Service", "provider": "Westshire Women's Aid",
                             "email": "idva@westshire.example"}
    marac.setdefault("referral", {})["referral_email"] = "referrals@westmere.example"
    data["governance"]["contact"]["role"] = "Community safety manager"
    data["records"]["data_protection_contact"] = {"name": "A Person", "role": "DPO", "email": "dpo@westmere.example"}
    for partner_entry in data["partners"]:
        partner_entry["signatory"]["email"] = "signatory@westmere.example"
    data["distribution_list"] = [{"name": "B Person", "organisation": "GP cluster", "email": "gp@westmere.example"}]
    for service in data["specialist_pathways"]["services"]:
        service["email"] = "advice@westmere.example"
        service["url"] = "https://advice.westmere.example/"
    data["clauses"] = {"add": [{"id": "local.parking", "title": "Parking", "section": "meetings",
                                "applies_to": ["mop"], "text": "Parking is free."}]}
    return data


@pytest.fixture(scope="module")
def every_field(tmp_path_factory):
    """A folder of Maracs, one per disguised name, each with every recipient field filled:
    Marac k puts name (k + j) into field j, so that across the Maracs every field gets every
    name. Returns (folder, {marac folder name: {field: value}})."""
    base = _complete(yaml.safe_load((REPO / "local_configs/westmere/marac.yaml").read_text(encoding="utf-8")))
    root = tmp_path_factory.mktemp("every-field")
    probe = root / "probe" / "marac.yaml"
    probe.parent.mkdir()
    probe.write_text(yaml.safe_dump(base, allow_unicode=True, sort_keys=False), encoding="utf-8")
    fields = [(location, kind) for location, _, kind in recipient_values(load_settings(probe).settings)]
    # Every text field is read as free text, some of them with a form of their own (the slug, the
    # nation): those keep their value here, since a sentence would fail before the G03 check.
    constrained = set()
    for location, kind in fields:
        if kind == "text":
            data = yaml.safe_load(yaml.safe_dump(base))
            _set(data, location, "Papers are also sent to the Home Office each month.")
            probe.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                load_settings(probe)
            except MaracError:
                constrained.add(location)
    fields = [(location, kind) for location, kind in fields if location not in constrained]
    shutil.rmtree(probe.parent)
    assert {kind for _, kind in fields} == {"name", "role", "email", "url", "text"}
    keys = [agency_key(name) for name in NAMES]
    assert len(set(keys)) == len(keys), "two names would be the same partner"
    expected = {}
    for k in range(len(NAMES)):
        data = yaml.safe_load(yaml.safe_dump(base))
        chosen = {}
        for j, (location, kind) in enumerate(fields):
            if kind == "email":
                value = EMAILS[(k + j) % len(EMAILS)]
            elif kind == "url":
                value = URLS[(k + j) % len(URLS)]
            elif kind == "text":  # free text: a core name named as a recipient
                value = f"Papers are also sent to {CORE[(k + j) % len(CORE)]} each month."
            else:
                value = NAMES[(k + j) % len(NAMES)]
            _set(data, location, value)
            chosen[".".join(map(str, location))] = value
        folder = root / f"m{k:03d}"
        folder.mkdir()
        data["marac"]["slug"] = f"m{k:03d}"
        (folder / "marac.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
        expected[folder.name] = chosen
    return root, expected, fields


def _set(data, location, value):
    for part in location[:-1]:
        data = data[part]
    data[location[-1]] = value


def unlabelled(text: str) -> str:
    """Messages name list entries (``partners[2] (Police).name``); these tests match by position."""
    return re.sub(r"\] \((?:[^()]|\([^()]*\))*\)(?=[.:])", "]", text)


def _dotted(field: str) -> str:
    """``partners[1] (Police).name`` (messages count from 1, and name the entry) as ``partners.0.name``."""
    return re.sub(r"\[(\d+)\](?: \(.*?\))?(?=\.|$)", lambda m: f".{int(m[1]) - 1}", field)


def test_every_disguised_name_is_refused_in_every_recipient_field(runner, every_field):
    root, expected, fields = every_field
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "ok (" not in unlabelled(result.stdout)
    found: dict[str, set[str]] = {}
    for line in LINE.finditer(result.stderr):
        found.setdefault(Path(line["file"]).parent.name, set()).add(_dotted(line["field"]))
    for marac, chosen in expected.items():
        missed = {field: value for field, value in chosen.items() if field not in found.get(marac, set())}
        assert not missed, (marac, missed)
    # Every name went into every name and role field of some Marac.
    name_fields = [location for location, kind in fields if kind in ("name", "role")]
    assert len(expected) == len(NAMES) and len(name_fields) > 20


def test_names_the_schema_refuses_are_refused_by_check(runner, marac_copy):
    folder = marac_copy("westmere")
    names = REFUSED_BY_SCHEMA[:3]
    edit_settings(folder, lambda d: d["partners"].extend(
        {"name": name, "type": "other", "signatory": {"name": "A B", "role": "C"}} for name in names))
    assert runner.invoke(main, ["check", str(folder)]).exit_code == (1 if names else 0)


def test_each_test_address_is_one_the_recogniser_refuses():
    assert all(recognise_email(address) for address in EMAILS)
    assert all(recognise_url(url) for url in URLS)


# --- g03_confirmed_names: the way forward for a legitimate name ------------------------------

def _add_pathway(folder: Path, organisation: str, confirmed=None):
    def change(data):
        data["specialist_pathways"]["services"].append({"organisation": organisation, "service": "Advice"})
        if confirmed is not None:
            data["g03_confirmed_names"] = confirmed
    edit_settings(folder, change)


def test_an_unsure_name_is_refused_with_the_way_to_confirm_it(runner, marac_copy):
    folder = marac_copy("westmere")
    _add_pathway(folder, "Visas and Immigration")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "'Visas and Immigration' may name UK Visas and Immigration" in unlabelled(result.stderr)
    assert 'g03_confirmed_names: ["Visas and Immigration"]' in unlabelled(result.stderr)
    edit_settings(folder, lambda d: d.update(g03_confirmed_names=["Visas and Immigration"]))
    assert runner.invoke(main, ["check", str(folder)]).exit_code == 0


@pytest.mark.parametrize("core", ["Home Office", "U K V I", "B\u043erder F\u043erce", "UK Border Agency",
                                  "Imm1gration Enforcement"])
def test_a_core_name_cannot_be_confirmed(runner, marac_copy, core):
    folder = marac_copy("westmere")
    _add_pathway(folder, core, confirmed=[core])
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "g03_confirmed_names[1]: [G03]" in unlabelled(result.stderr) and "cannot be confirmed" in unlabelled(result.stderr)
    assert "specialist_pathways.services[3].organisation: [G03]" in unlabelled(result.stderr)


def test_a_local_clause_naming_immigration_enforcement_is_refused_under_g22(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d.update(clauses={"add": [{
        "id": "local.extra", "title": "Case list", "section": "meetings", "applies_to": ["isa"],
        "text": "The case list is also sent to Home Office Immigration Enforcement."}]}))
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "clauses.add[1].text: [G03]" in unlabelled(result.stderr)
    assert "already says everything the Marac may say about Immigration Enforcement" in unlabelled(result.stderr)
    assert "(G22" in unlabelled(result.stderr)


def test_an_nrpf_partner_is_warned_and_the_documents_say_why(runner, marac_copy):
    from generator.document.assemble import assemble
    from generator.library.clauses import load_library

    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d["partners"].append({
        "name": "Westmere District Council Housing Options", "type": "nrpf",
        "signatory": {"name": "C Person", "role": "Manager"}}))
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0
    assert "warning: partners[9].name: [G03]" in unlabelled(result.stdout)
    assert "NRPF Connect, a Home Office service run within Immigration Enforcement" in unlabelled(result.stdout)
    loaded = load_settings(folder / "marac.yaml")
    for kind in ("mop", "isa", "annex"):
        text = " ".join(str(block) for block in assemble(loaded, load_library(), kind).blocks)
        never = ("Marac information into NRPF Connect or into any other system" if kind == "isa"
                 else "Marac information is never entered into NRPF Connect or into any other system")
        assert never in text and "a Home Office service run within Immigration Enforcement" in text, kind
        assert "informed consent" in text and "independent immigration advice" in text, kind


# --- reviews and remind run the gate -------------------------------------------------------

def _refused_contact(folder: Path):
    edit_settings(folder, lambda d: d["governance"]["contact"].update(email="safety@homeoffice.gov.uk"))


def test_reviews_shows_a_marac_failing_the_gate_as_an_error_not_ok(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d["documents"]["operating_protocol"].update(review_interval_months=48))
    result = runner.invoke(main, ["reviews", str(folder), "--today", TODAY, "--format", "json"])
    assert result.exit_code == 1
    import json

    [row] = json.loads(result.stdout)
    assert row["status"] == "error" and "[G21]" in row["error"] and row["marac"] == "Westmere Marac"
    table = runner.invoke(main, ["reviews", str(folder), "--today", TODAY])
    assert "fails the policy gate" in table.stdout and "0 ok, 1 failing the policy gate" in table.stdout


def test_remind_sends_nothing_to_a_refused_address(runner, marac_copy, smtp):  # noqa: F811
    inbox, address = smtp
    folder = marac_copy("westmere")
    second_marac(folder)  # Eastmere: the same dates, its own addresses, nothing refused
    _refused_contact(folder)
    result = remind(runner, folder.parent, "--smtp", address, "--today", TODAY)
    assert result.exit_code == 1
    assert "Westmere Marac: fails the policy gate" in unlabelled(result.stderr) and "no reminder sent" in unlabelled(result.stderr)
    assert "homeoffice.gov.uk" in unlabelled(result.stderr)
    received = [addr for envelope in inbox.envelopes for addr in envelope.rcpt_tos]
    assert received and not any("homeoffice" in addr for addr in received)
    assert WESTMERE_TO not in received and WESTMERE_CC not in received
    assert [subject.split(":")[0] for subject in inbox.subjects] == ["Eastmere Marac"]


def test_remind_refuses_a_home_office_sender(runner, examples, smtp):  # noqa: F811
    inbox, address = smtp
    result = remind(runner, examples / "westmere", "--smtp", address, "--today", TODAY,
                    "--from", "reminders@homeoffice.gov.uk")
    assert result.exit_code == 1 and "not sent (G03)" in unlabelled(result.stderr)
    assert inbox.envelopes == []


# --- sign, status --record and signatures import ------------------------------------------

@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Westmere with its ISA issued (the one PDF this module renders)."""
    folder = tmp_path_factory.mktemp("issued") / "westmere"
    shutil.copytree(REPO / "local_configs/westmere", folder, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    result = CliRunner().invoke(main, ["issue", str(folder), "--doc", "isa", "--version", "1.0", "--date", days_ago(3)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def marac(issued, tmp_path):
    return Path(shutil.copytree(issued, tmp_path / "westmere"))


def sign(runner, folder, name="Aoife Brennan", role="Chief Superintendent", agency=POLICE):
    return runner.invoke(main, ["sign", str(folder), "--doc", "isa", "--agency", agency, "--name", name,
                                "--role", role, "--date", days_ago(1)])


@pytest.mark.parametrize("name,role", [
    ("Immigration Enforcement officer", "Liaison"),
    ("Aoife Brennan", "UKVI liaison"),
    ("Aoife Brennan", "H\u043eme \u041effice secondee"),
    ("B\u200bo\u200brder Force", "Officer"),
])
def test_sign_refuses_a_signatory_naming_immigration_enforcement(runner, marac, name, role):
    result = sign(runner, marac, name, role)
    assert result.exit_code == 1 and "[G03]" in unlabelled(result.stderr) and "Nothing was recorded" in unlabelled(result.stderr)
    assert not (marac / "signatures.yaml").exists()


def test_sign_refuses_a_marac_failing_the_gate(runner, marac):
    _refused_contact(marac)
    result = sign(runner, marac)
    assert result.exit_code == 1 and "nothing was recorded" in unlabelled(result.stderr) and "[G03]" in unlabelled(result.stderr)
    assert not (marac / "signatures.yaml").exists()


def test_status_record_refuses_a_marac_failing_the_gate(runner, marac, tmp_path):
    _refused_contact(marac)
    result = runner.invoke(main, ["status", str(marac), "--record", str(tmp_path / "records")])
    assert result.exit_code == 1 and "[G03]" in unlabelled(result.stderr)
    assert not (tmp_path / "records").exists()


@pytest.fixture(scope="module")
def ca():
    return partner.make_ca()


def _signed_copy(issued, ca, common_name, organisation, title=None, extra=()):
    data = (issued / "editions" / "isa-1.0.pdf").read_bytes()
    signer = partner.issue_cert(ca, common_name, organisation, title=title, extra=extra)
    return partner.sign_field(data, POLICE_FIELD, partner.pdf_signer(signer, ca))


@pytest.mark.parametrize("subject", [
    {"organisation": "UK Visas and Immigration"},
    {"common_name": "Home Office Liaison"},
    {"title": "U.K.B.A. officer"},
    {"extra": (x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "B\u043erder F\u043erce"),)},
    {"extra": (x509.NameAttribute(NameOID.EMAIL_ADDRESS, "andrew@homeoffice.gov.uk"),)},
])
def test_signatures_import_refuses_a_certificate_naming_immigration_enforcement(marac, issued, ca, tmp_path, subject):
    fields = {"common_name": "Andrew Polglase", "organisation": POLICE, **subject}
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed_copy(issued, ca, **fields))
    result = CliRunner().invoke(main, ["signatures", "import", str(marac), str(path)])
    assert result.exit_code == 1, result.output
    assert "refused:" in unlabelled(result.stderr) and "[G03]" in unlabelled(result.stderr) and "certificate" in unlabelled(result.stderr)
    assert not (marac / "signatures.yaml").exists()


def test_signatures_import_records_an_ordinary_certificate(marac, issued, ca, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed_copy(issued, ca, "Andrew Polglase", POLICE))
    result = CliRunner().invoke(main, ["signatures", "import", str(marac), str(path)])
    assert result.exit_code == 0, result.output
    assert f"recorded: {POLICE}, signed by Andrew Polglase" in unlabelled(result.stdout)


def test_signatures_import_refuses_a_marac_failing_the_gate(marac, issued, ca, tmp_path):
    _refused_contact(marac)
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed_copy(issued, ca, "Andrew Polglase", POLICE))
    result = CliRunner().invoke(main, ["signatures", "import", str(marac), str(path)])
    assert result.exit_code == 1 and "nothing was imported" in unlabelled(result.stderr) and "[G03]" in unlabelled(result.stderr)
    assert not (marac / "signatures.yaml").exists()


def test_a_look_alike_email_domain_is_refused_before_it_can_be_sent_to(runner, marac_copy):
    """The schema refuses a domain with non-ASCII letters (mail servers take only its xn-- form), so a
    Cyrillic 'о' in homeoffice.gov.uk never passes; the xn-- form is refused by G03 (above)."""
    folder = marac_copy()
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("email: idva@westshire-cc.gov.example", "email: x@h\u043emeoffice.gov.uk", 1),
                    encoding="utf-8")
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "marac.idva_service.email" in result.stderr and "xn--hmeoffice-02h.gov.uk" in result.stderr
