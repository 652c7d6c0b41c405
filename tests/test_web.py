"""Route tests of the web app: every page and form, each refusal, and what each form writes."""

from __future__ import annotations

import re
import urllib.parse

import pytest
import yaml

from test_web_support import BASE, TODAY, client, copy_examples, form_values, setting

from generator.settings.loader import load_settings
from generator.web.app import create_app
from starlette.testclient import TestClient


def post(c, url, fields, **extra):
    body = urllib.parse.urlencode([tuple(pair) for pair in fields] + list(extra.items()))
    return c.post(url, content=body, headers={"content-type": "application/x-www-form-urlencoded"})


@pytest.fixture
def site(tmp_path):
    root = copy_examples(tmp_path)
    return root, client(root)


def settings_fields(c, key="northbridge"):
    page = c.get(f"/m/{key}/settings")
    assert page.status_code == 200
    return form_values(page.text, f"/m/{key}/settings")


def test_every_page_answers_with_security_headers(site):
    root, c = site
    for url in ["/", "/?status=overdue", "/new", "/m/northbridge", "/m/northbridge/settings",
                "/m/northbridge/preview/mop", "/m/westmere/preview/isa", "/static/style.css"]:
        page = c.get(url)
        assert page.status_code == 200, url
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in c.get("/").text


def test_dashboard_lists_every_marac_overdue_first_with_words(tmp_path):
    root = copy_examples(tmp_path)
    page = client(root, today=__import__("datetime").date(2030, 1, 1)).get("/")
    text = page.text
    assert "Northbridge Marac" in text and "Westmere" in text
    statuses = re.findall(r'class="status status-(\w+)">([^<]+)<', text)
    assert statuses and statuses[0] == ("overdue", "Overdue")
    assert "0 of " in text and "not issued" in text


def test_dashboard_filter_shows_one_status(site):
    root, c = site
    everything = c.get("/").text
    only_ok = c.get("/?status=ok").text
    assert set(re.findall(r"status-(\w+)\">", only_ok)) <= {"ok"}
    assert len(re.findall(r"<tr class=\"row-", only_ok)) < len(re.findall(r"<tr class=\"row-", everything))


def test_calendar_download_has_every_review(site):
    root, c = site
    ics = c.get("/reviews.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    # One event per signed document (mop, isa and, where set, the annex) and one for the pathways.
    expected = sum(len(load_settings(config).settings.documents.signed_kinds()) + 1
                   for config in root.glob("*/marac.yaml"))
    assert ics.text.count("BEGIN:VEVENT") == expected and "Northbridge Marac" in ics.text
    assert "Annex review due" in ics.text and "Afon Glas Marac" in ics.text


def test_host_header_other_than_loopback_is_refused(tmp_path):
    root = copy_examples(tmp_path)
    app = create_app(root, 8400, today=TODAY)
    for base in ("http://evil.example:8400", "http://127.0.0.1:9999", "http://testserver"):
        page = TestClient(app, base_url=base).get("/")
        assert page.status_code == 421 and "127.0.0.1" in page.text
    assert TestClient(app, base_url="http://localhost:8400").get("/").status_code == 200


def test_post_without_or_with_wrong_csrf_token_is_refused_and_writes_nothing(site):
    root, c = site
    before = (root / "northbridge" / "marac.yaml").read_bytes()
    fields = settings_fields(c)
    no_token = [pair for pair in fields if pair[0] != "csrf"]
    assert post(c, "/m/northbridge/settings", no_token, action="save").status_code == 403
    wrong = setting([list(p) for p in fields], "csrf", "forged")
    page = post(c, "/m/northbridge/settings", wrong, action="save")
    assert page.status_code == 403 and "security token" in page.text
    other_site = c.post("/m/northbridge/settings", content=urllib.parse.urlencode([tuple(p) for p in fields]),
                        headers={"content-type": "application/x-www-form-urlencoded", "origin": "http://evil.example"})
    assert other_site.status_code == 403
    assert (root / "northbridge" / "marac.yaml").read_bytes() == before


def test_unknown_marac_and_path_tricks_are_404_without_traceback(site):
    root, c = site
    for url in ("/m/nowhere", "/m/..%2F..%2Fetc/settings", "/m/northbridge/preview/secret",
                "/m/northbridge/download/mop.exe", "/nothing"):
        page = c.get(url)
        assert page.status_code == 404, url
        assert "Traceback" not in page.text


def test_saving_the_form_unchanged_keeps_every_example_byte_for_byte(site):
    root, c = site
    for config in sorted(root.glob("*/marac.yaml")):
        key = config.parent.name
        before = config.read_bytes()
        page = post(c, f"/m/{key}/settings", settings_fields(c, key), action="save")
        assert page.status_code == 200 and "Saved marac.yaml" in page.text, key
        assert config.read_bytes() == before, key


def test_a_finding_naming_an_entry_by_its_name_finds_its_form_field():
    from generator.web.settings_form import form_name

    assert form_name("partners[5] (Westmere District Council, Housing Services).signatory.email") == \
        "partners[5].signatory.email"
    assert form_name("specialist_pathways.services[2] (Law Centre (North)).url") == "specialist_pathways.services[2].url"
    assert form_name("marac.coordinator.email") == "marac.coordinator.email"


def test_editing_removing_and_excluding_keeps_comments_and_key_order(site):
    root, c = site
    path = root / "northbridge" / "marac.yaml"
    before = yaml.safe_load(path.read_text())
    fields = settings_fields(c)
    setting(fields, "marac.meeting.venue", "Town Hall, Room 2")
    page = post(c, "/m/northbridge/settings", fields, action="remove:partners[2]")
    assert page.status_code == 200
    fields = form_values(page.text, "/m/northbridge/settings")
    optional = [v for n, v in fields if n == "clauses.include"]
    fields = [pair for pair in fields if pair != ["clauses.include", optional[0]]]
    page = post(c, "/m/northbridge/settings", fields, action="save")
    assert page.status_code == 200, re.findall(r'class="problem"[^>]*>([^<]*)', page.text)
    text = path.read_text()
    after = yaml.safe_load(text)
    assert after["marac"]["meeting"]["venue"] == "Town Hall, Room 2"
    assert [p["name"] for p in after["partners"]] == [p["name"] for p in before["partners"][:1] + before["partners"][2:]]
    assert optional[0] in after["clauses"]["exclude"]
    assert "# Local settings for Northbridge Marac" in text and "# days before the meeting the case list" in text
    assert list(after)[:len(before)] == list(before) and list(after)[len(before):] == ["clauses"]


def test_uk_visas_and_immigration_as_a_partner_is_refused_beside_the_field(site):
    root, c = site
    path = root / "northbridge" / "marac.yaml"
    before = path.read_bytes()
    page = post(c, "/m/northbridge/settings", settings_fields(c), action="add:partners")
    fields = form_values(page.text, "/m/northbridge/settings")
    new = max(int(m) for m in re.findall(r"partners\[(\d+)\]\.__item", page.text))
    for name, value in ((f"partners[{new}].name", "UK Visas and Immigration"), (f"partners[{new}].type", "other"),
                        (f"partners[{new}].signatory.name", "A Person"), (f"partners[{new}].signatory.role", "Director")):
        setting(fields, name, value)
    page = post(c, "/m/northbridge/settings", fields, action="save")
    assert page.status_code == 400
    beside = re.search(rf'id="f-partners-{new}--name-problem">([^<]*)<', page.text)
    assert beside and "[G03]" in beside.group(1)
    assert path.read_bytes() == before


def test_a_validation_error_is_shown_beside_its_field_and_nothing_saved(site):
    root, c = site
    path = root / "northbridge" / "marac.yaml"
    before = path.read_bytes()
    fields = setting(settings_fields(c), "marac.coordinator.email", "not-an-email")
    page = post(c, "/m/northbridge/settings", fields, action="save")
    assert page.status_code == 400
    beside = re.search(r'id="f-marac-coordinator-email-problem">([^<]*)<', page.text)
    assert beside and "is not an email address" in beside.group(1)
    assert path.read_bytes() == before


def test_a_file_changed_on_disk_since_the_form_opened_is_not_overwritten(site):
    root, c = site
    path = root / "northbridge" / "marac.yaml"
    fields = settings_fields(c)
    changed = path.read_text().replace("venue: Northbridge Civic Centre", "venue: Elsewhere Hall")
    path.write_text(changed)
    page = post(c, "/m/northbridge/settings", setting(fields, "marac.area", "Somewhere"), action="save")
    assert page.status_code == 409 and "Nothing was saved" in page.text and "Elsewhere Hall" in page.text
    assert path.read_text() == changed


def test_new_marac_form_refuses_bad_answers_beside_the_field_then_creates_the_folder(site):
    root, c = site
    fields = form_values(c.get("/new").text, "/new")
    answers = {"name": "Eastbrook Marac", "area": "Eastbrook", "nation": "wales", "coordinator_name": "Sam Lee",
               "coordinator_role": "Coordinator", "coordinator_agency": "Eastbrook Council",
               "coordinator_email": "sam", "chair_name": "Jo Bloggs", "chair_role": "DCI",
               "chair_agency": "Eastbrook Police", "governance_group": "Eastbrook Board",
               "strategic_partnership": "Eastbrook CSP", "mop_adopted": "2026-01-05", "isa_adopted": "2026-01-05"}
    for name, value in answers.items():
        setting(fields, name, value)
    page = post(c, "/new", fields)
    assert page.status_code == 400 and re.search(r'id="n-coordinator_email-problem">[^<]*email', page.text)
    assert not (root / "eastbrook").exists()
    page = post(c, "/new", setting(fields, "coordinator_email", "sam@eastbrook.example"))
    assert page.status_code == 303 and page.headers["location"] == "/m/eastbrook/settings?new=1"
    created = (root / "eastbrook" / "marac.yaml").read_text()
    assert created.startswith("# Local settings for Eastbrook Marac") and "nation: wales" in created
    assert post(c, "/new", fields).status_code == 400  # the folder exists now
    settings = c.get("/m/eastbrook/settings")
    assert settings.status_code == 200 and 'id="f-partners-problem"' in settings.text


def test_new_marac_form_refuses_an_answer_naming_immigration_enforcement_and_writes_nothing(site):
    root, c = site
    fields = form_values(c.get("/new").text, "/new")
    answers = {"name": "Eastbrook Marac", "area": "Eastbrook", "coordinator_name": "Sam Lee",
               "coordinator_role": "Coordinator", "coordinator_agency": "Eastbrook Council",
               "coordinator_email": "sam@homeoffice.gov.uk", "chair_name": "Jo Bloggs", "chair_role": "Inspector",
               "chair_agency": "Border Force", "governance_group": "Eastbrook Board", "strategic_partnership": "",
               "mop_adopted": "2026-01-05", "isa_adopted": "2026-01-05"}
    for name, value in answers.items():
        setting(fields, name, value)
    page = post(c, "/new", fields)
    assert page.status_code == 400 and "Nothing was written" in page.text
    for name in ("chair_agency", "coordinator_email"):
        beside = re.search(rf'id="n-{name}-problem">([^<]*)<', page.text)
        assert beside and "[G03]" in beside.group(1), name
        assert f'aria-describedby="n-{name}-problem"' in page.text
    # The other answers' problems are shown in the same pass, and the answers are kept.
    assert re.search(r'id="n-strategic_partnership-problem">', page.text)
    assert 'value="Border Force"' in page.text
    assert not (root / "eastbrook").exists() and not list(root.glob("eastbrook*"))
    for name, value in (("chair_agency", "Eastbrook Police"), ("coordinator_email", "sam@eastbrook.example"),
                        ("strategic_partnership", "Eastbrook CSP")):
        setting(fields, name, value)
    assert post(c, "/new", fields).status_code == 303 and (root / "eastbrook" / "marac.yaml").is_file()


def test_downloads_refused_while_check_finds_errors(site):
    root, c = site
    path = root / "westmere" / "marac.yaml"
    path.write_text(path.read_text().replace("partners:", "partners:\n  - name: Home Office Immigration Enforcement\n"
                                             "    type: other\n    signatory:\n      name: X\n      role: Y", 1))
    page = c.get("/m/westmere/download/mop.docx")
    assert page.status_code == 400 and "G03" in page.text


def test_docx_download_and_preview_marked_draft(site):
    import io

    import docx

    root, c = site
    page = c.get("/m/northbridge/download/mop.docx")
    assert page.status_code == 200 and "attachment" in page.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(page.content)).paragraphs)
    assert "Northbridge" in text
    assert "DRAFT" in c.get("/m/northbridge/preview/mop").text
    document = c.get("/m/northbridge/document/mop.html")
    assert "unsafe-inline" in document.headers["content-security-policy"].split("style-src")[1].split(";")[0]


def test_a_download_is_the_file_marac_build_writes(site, runner, tmp_path):
    """The same bytes, so the same DRAFT mark and version history (an earlier download had neither)."""
    from generator.cli import main

    root, c = site
    built = runner.invoke(main, ["build", str(root / "northbridge"), "-o", str(tmp_path / "out"),
                                 "--format", "docx", "--jobs", "1"])
    assert built.exit_code == 0, built.output
    for kind, stem in [("mop", "operating-protocol"), ("isa", "information-sharing-agreement"),
                       ("annex", "immigration-status-annex")]:
        page = c.get(f"/m/northbridge/download/{kind}.docx")
        assert page.status_code == 200
        assert page.content == (tmp_path / "out" / "northbridge" / f"northbridge-{stem}.docx").read_bytes(), kind


def test_a_changed_logo_is_in_the_next_download(site):
    """Documents are remembered between requests until a file in the Marac's folder changes: the
    logo beside marac.yaml is not in marac.yaml, and still reaches the next download."""
    import io
    import zipfile

    from test_title_page import png_logo

    def logo_in(content: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return package.read(next(n for n in package.namelist() if n.startswith("word/media/")))

    root, c = site
    (root / "westmere" / "logo.png").write_bytes(png_logo(300, 100))
    assert logo_in(c.get("/m/westmere/download/annex.docx").content) == png_logo(300, 100)
    (root / "westmere" / "logo.png").write_bytes(png_logo(200, 100))
    assert logo_in(c.get("/m/westmere/download/annex.docx").content) == png_logo(200, 100)


def test_issue_sign_and_status(site):
    root, c = site
    fields = form_values(c.get("/m/westmere").text, "/m/westmere/issue")
    refused = post(c, "/m/westmere/issue", setting([list(p) for p in fields], "version", "9.9"))
    assert refused.status_code == 400 and "does not match marac.yaml" in refused.text
    fields = setting(fields, "date", TODAY.isoformat())
    fields = setting(setting(fields, "summary", "  First edition after the 2026 review.\n"), "approved_by", "")
    issued = post(c, "/m/westmere/issue", fields)
    assert issued.status_code == 200 and "Issued the MOP" in issued.text
    editions = yaml.safe_load((root / "westmere" / "editions" / "editions.yaml").read_text())["editions"]
    assert [e["document"] for e in editions] == ["mop"]
    # The summary goes into the version history; an empty "approved by" is left out, not refused.
    assert editions[0]["summary"] == "First edition after the 2026 review." and not editions[0].get("approved_by")
    assert (root / "westmere" / "editions" / f"mop-{editions[0]['version']}.pdf").is_file()
    sign = form_values(issued.text, "/m/westmere/sign")
    agency = dict(sign)["agency"]
    for name, value in (("name", "Pat Doe"), ("role", "Head"), ("date", TODAY.isoformat())):
        setting(sign, name, value)
    signed = post(c, "/m/westmere/sign", sign)
    assert signed.status_code == 200 and f"Recorded: {agency}" in signed.text
    ledger = yaml.safe_load((root / "westmere" / "signatures.yaml").read_text())["signatures"]
    assert ledger[0]["agency"] == agency and ledger[0]["name"] == "Pat Doe"
    again = post(c, "/m/westmere/sign", sign)
    assert again.status_code == 400 and "already signed" in again.text
    assert "1 of " in c.get("/").text


def test_upload_refuses_wrong_type_and_unsigned_pdf(site):
    root, c = site
    token = dict(form_values(c.get("/m/westmere").text, "/m/westmere/import"))["csrf"]
    wrong = c.post("/m/westmere/import", data={"csrf": token}, files={"file": ("x.txt", b"hello", "text/plain")})
    assert wrong.status_code == 415
    fake = c.post("/m/westmere/import", data={"csrf": token},
                  files={"file": ("x.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")})
    assert fake.status_code == 400 and "Refused" in fake.text
    assert not list((root / "westmere").glob("evidence/*.pdf")) and not list((root / "westmere").glob(".upload-*"))
    huge = c.post("/m/westmere/import", content=b"x" * 10, headers={"content-length": str(50 * 1024 * 1024),
                                                                    "content-type": "application/pdf"})
    assert huge.status_code == 413


def test_error_pages_never_show_a_traceback(site, monkeypatch):
    root, c = site
    from generator.web import dashboard

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("generator.web.app.build_dashboard", broken)
    page = TestClient(create_app(root, 8400, today=TODAY), base_url=BASE, raise_server_exceptions=False).get("/")
    assert page.status_code == 500 and "secret internals" not in page.text and "Traceback" not in page.text
    assert dashboard.build_dashboard is not broken


def test_adding_a_local_clause_and_a_pathway_service_writes_them(site):
    root, c = site
    path = root / "westmere" / "marac.yaml"
    page = post(c, "/m/westmere/settings", settings_fields(c, "westmere"), action="add:clauses.add")
    page = post(c, "/m/westmere/settings", form_values(page.text, "/m/westmere/settings"),
                action="add:specialist_pathways.services")
    fields = form_values(page.text, "/m/westmere/settings")
    clause = max(int(m) for m in re.findall(r"clauses\.add\[(\d+)\]\.__item", page.text))
    service = max(int(m) for m in re.findall(r"specialist_pathways\.services\[(\d+)\]\.__item", page.text))
    section = re.search(rf'name="clauses.add\[{clause}\].section">\s*<option value="([^"]+)"', page.text).group(1)
    for name, value in ((f"clauses.add[{clause}].id", "local.parking"), (f"clauses.add[{clause}].title", "Parking"),
                        (f"clauses.add[{clause}].section", section), (f"clauses.add[{clause}].applies_to", "mop"),
                        (f"clauses.add[{clause}].text", "Visitors park at the rear of the building."),
                        (f"specialist_pathways.services[{service}].organisation", "Westmere Law Centre"),
                        (f"specialist_pathways.services[{service}].service", "Immigration advice")):
        fields.append([name, value]) if name.endswith("applies_to") else setting(fields, name, value)
    page = post(c, "/m/westmere/settings", fields, action="save")
    assert page.status_code == 200, re.findall(r'class="problem"[^>]*>([^<]*)', page.text)
    saved = yaml.safe_load(path.read_text())
    assert saved["clauses"]["add"][-1] == {"id": "local.parking", "title": "Parking", "section": section,
                                           "applies_to": ["mop"], "text": "Visitors park at the rear of the building."}
    assert saved["specialist_pathways"]["services"][-1] == {"organisation": "Westmere Law Centre",
                                                            "service": "Immigration advice"}
    assert "Parking" in c.get("/m/westmere/document/mop.html").text


def test_settings_that_are_not_yaml_are_refused_in_words_and_listed_on_the_dashboard(site):
    root, c = site
    (root / "westmere" / "marac.yaml").write_text("marac: [unclosed\n")
    page = c.get("/m/westmere/settings")
    assert page.status_code == 400 and "not valid YAML" in page.text and "Traceback" not in page.text
    board = c.get("/").text
    assert "Cannot be read" in board and 'href="/m/westmere/settings"' in board


def test_everything_as_one_zip_holds_each_document_in_both_formats(site, monkeypatch):
    import io
    import zipfile

    root, c = site
    # The zip's assembly is under test here, not the writers (their own tests render PDFs).
    monkeypatch.setattr("generator.web.pages_documents.writer", lambda fmt: lambda document: f"{fmt}:{document.meta.kind}".encode())
    page = c.get("/m/northbridge/all.zip")
    assert page.status_code == 200 and page.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(page.content))
    names = sorted(archive.namelist())
    assert names == sorted(f"northbridge-{stem}.{fmt}" for stem in
                           ("operating-protocol", "information-sharing-agreement", "immigration-status-annex")
                           for fmt in ("docx", "pdf"))
    assert archive.read("northbridge-operating-protocol.pdf") == b"pdf:mop"


def test_save_waits_for_the_register_lock_and_refuses_a_changed_file(tmp_path):
    import threading
    import time

    from generator.register.store import locked
    from generator.web import yaml_edit

    path = tmp_path / "marac.yaml"
    path.write_bytes(b"# comment\nmarac:\n  name: A\n")
    opened = yaml_edit.digest(path.read_bytes())
    released = []

    def hold():
        with locked(path):
            time.sleep(0.5)
            released.append(time.monotonic())

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    outcome = yaml_edit.save(path, opened, b"# comment\nmarac:\n  name: B\n")
    finished = time.monotonic()
    holder.join()
    assert outcome.written and path.read_bytes().endswith(b"name: B\n") and finished >= released[0]
    stale = yaml_edit.save(path, opened, b"marac:\n  name: C\n", opened=b"# comment\nmarac:\n  name: A\n")
    assert not stale.written and stale.changes == ("-  name: A", "+  name: B")
    assert path.read_bytes().endswith(b"name: B\n")


def test_headings_between_entries_stay_in_place_when_entries_are_removed_or_added(site):
    root, c = site
    path = root / "northbridge" / "marac.yaml"
    text = path.read_text()
    # The partner just above the "# Housing associations" heading, counted from 1 as the form does.
    before_heading = text[text.index("\npartners:"):text.index("  # Housing associations")].count("\n  - name:")
    removed = yaml.safe_load(text)["partners"][before_heading - 1]["name"]
    page = post(c, "/m/northbridge/settings", settings_fields(c), action=f"remove:partners[{before_heading}]")
    page = post(c, "/m/northbridge/settings", form_values(page.text, "/m/northbridge/settings"), action="add:partners")
    fields = form_values(page.text, "/m/northbridge/settings")
    new = max(int(m) for m in re.findall(r"partners\[(\d+)\]\.__item", page.text))
    for name, value in ((f"partners[{new}].name", "Northbridge Extra Agency"), (f"partners[{new}].type", "other"),
                        (f"partners[{new}].signatory.name", "A Person"), (f"partners[{new}].signatory.role", "Head")):
        setting(fields, name, value)
    page = post(c, "/m/northbridge/settings", fields, action="save")
    assert page.status_code == 200
    after = path.read_text()
    assert removed not in after
    heading = after.index("  # Housing associations")
    assert after[heading:].lstrip().split("\n")[1].startswith("  - name:")  # still right above its entries
    banner = after.index("# --- Others who receive Marac papers")
    assert after.index("Northbridge Extra Agency") < banner
    assert yaml.safe_load(after)["partners"][-1]["name"] == "Northbridge Extra Agency"


def test_a_name_the_g03_check_is_unsure_of_is_confirmed_in_the_form(site):
    root, c = site
    path = root / "westmere" / "marac.yaml"
    before = path.read_bytes()
    fields = setting(settings_fields(c, "westmere"), "partners[2].name", "Visas and Immigration Partners")
    page = post(c, "/m/westmere/settings", fields, action="save")
    assert page.status_code == 400
    beside = re.search(r'id="f-partners-2--name-problem">([^<]*)<', page.text)
    assert beside and "[G03]" in beside.group(1) and "g03_confirmed_names" in beside.group(1)
    # A core name cannot be confirmed: the refusal goes beside the confirmed names.
    setting(fields, "g03_confirmed_names", "Visas and Immigration Partners\nHome Office\n")
    page = post(c, "/m/westmere/settings", fields, action="save")
    assert page.status_code == 400
    beside = re.search(r'id="f-g03_confirmed_names-problem">([^<]*)<', page.text)
    assert beside and "cannot be confirmed" in beside.group(1)
    assert path.read_bytes() == before
    setting(fields, "g03_confirmed_names", "  Visas and Immigration Partners  \n\n")
    page = post(c, "/m/westmere/settings", fields, action="save")
    assert page.status_code == 200 and "Saved marac.yaml" in page.text
    after = yaml.safe_load(path.read_text())
    assert after["g03_confirmed_names"] == ["Visas and Immigration Partners"]
    assert after["partners"][1]["name"] == "Visas and Immigration Partners"
    again = form_values(c.get("/m/westmere/settings").text, "/m/westmere/settings")
    assert ["g03_confirmed_names", "Visas and Immigration Partners"] in again


def test_dashboard_shows_a_marac_failing_the_gate_as_one_error_row_linking_to_its_findings(site):
    root, c = site
    config = root / "northbridge" / "marac.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["partners"][0]["signatory"]["email"] = "rebecca.thorne-adeyemi@homeoffice.gov.uk"
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    board = c.get("/").text
    rows = re.findall(r'<tr class="row-(\w+)">\s*<th scope="row"><a href="/m/([a-z]+)">', board)
    assert rows[0] == ("error", "northbridge") and [s for s, key in rows if key == "northbridge"] == ["error"]
    assert {key for s, key in rows if s != "error"} == {"westmere", "afonglas"}  # the others as usual
    assert "Northbridge Marac fails the policy gate" in board and f"marac check {config.parent.as_posix()}" in board
    assert 'open <a href="/m/northbridge">its page</a>, which lists the findings' in board
    assert "Error (1)" in board and "Fails the policy gate</span>" in board
    assert "Northbridge" not in c.get("/?status=ok").text and "Northbridge" in c.get("/?status=error").text
    page = c.get("/m/northbridge").text  # the page the row sends the coordinator to names the finding
    assert "marac check finds errors" in page and "homeoffice.gov.uk" in page
