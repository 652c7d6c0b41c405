"""Browser tests: a real headless Chromium (Debian's) drives the web app as a coordinator would.

One walk through the app: dashboard, new Marac (fixing an answer shown beside its field),
UK Visas and Immigration refused as a partner, an optional clause excluded, the PDF built and
downloaded, the MOP issued and signed, the dashboard showing it. axe-core, vendored in
tests/vendor, checks every page for serious or critical accessibility violations. The README's
two screenshots are retaken with MARAC_SCREENSHOTS=docs (otherwise they go to a temporary folder).
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
import yaml
from click.testing import CliRunner
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from test_web_support import REPO, copy_examples

from generator.cli import main
from generator.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def served(tmp_path):
    """Run the app on a free loopback port in a thread; yield (address, root)."""
    root = copy_examples(tmp_path)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(root, port), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", root
    server.should_exit = True
    thread.join(10)


def accessible(page) -> None:
    """Fail on any serious or critical axe-core violation of the page as it is now."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def test_a_coordinator_walks_through_the_app(browser, served, tmp_path):
    address, root = served
    context = browser.new_context(accept_downloads=True, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(address + "/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("table.board")).to_contain_text("Northbridge Marac")
    accessible(page)

    page.get_by_role("link", name="New Marac").click()
    # The chair and the coordinator work for Eastshire Police, the partner added below (as marac check requires).
    answers = {"Name of the Marac": "Eastbrook Marac", "Area it covers": "Borough of Eastbrook",
               "Coordinator's name": "Sam Lee", "Coordinator's role": "Marac Coordinator",
               "Coordinator's agency": "Eastshire Police", "Coordinator's email": "sam.lee at eastbrook",
               "Chair's name": "Jo Bloggs", "Chair's role": "Detective Chief Inspector",
               "Chair's agency": "Eastshire Police", "Governance group": "Eastbrook Domestic Abuse Board",
               "Strategic partnership": "Eastbrook Community Safety Partnership"}
    for label, value in answers.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Operating Protocol adopted on").fill("2026-01-05")
    page.get_by_label("Information Sharing Agreement adopted on").fill("2026-01-05")
    page.get_by_role("button", name="Create the Marac").click()
    expect(page.locator("#n-coordinator_email-problem")).to_contain_text("is not an email address")
    accessible(page)
    page.get_by_label("Coordinator's email").fill("sam.lee@eastbrook.example")
    page.get_by_role("button", name="Create the Marac").click()
    expect(page.get_by_role("heading", name="Settings of eastbrook")).to_be_visible()
    expect(page.locator("#f-partners-problem")).to_be_visible()

    page.get_by_role("button", name="Add a partner").first.click()
    page.locator("#f-partners-1--name").fill("UK Visas and Immigration")
    page.locator("#f-partners-1--type").select_option("other")
    page.locator("#f-partners-1--signatory-name").fill("Alex Grey")
    page.locator("#f-partners-1--signatory-role").fill("Director")
    page.locator("#f-records-minutes_storage").fill("Council records system, Marac area")
    page.locator("#f-records-secure_email").fill("Egress")
    page.get_by_role("button", name="Save marac.yaml").click()
    expect(page.locator("#f-partners-1--name-problem")).to_contain_text("[G03]")
    assert yaml.safe_load((root / "eastbrook" / "marac.yaml").read_text())["partners"] == []
    accessible(page)

    page.locator("#f-partners-1--name").fill("Eastshire Police")
    page.locator("#f-partners-1--type").select_option("police")
    first_clause = page.locator("input[name='clauses.include']").first
    excluded = first_clause.get_attribute("value")
    first_clause.uncheck()
    page.get_by_role("button", name="Save marac.yaml").click()
    expect(page.get_by_text("Saved marac.yaml")).to_be_visible()
    saved = yaml.safe_load((root / "eastbrook" / "marac.yaml").read_text())
    assert saved["partners"][0]["name"] == "Eastshire Police" and saved["clauses"]["exclude"] == [excluded]
    assert "# Local settings for Eastbrook Marac" in (root / "eastbrook" / "marac.yaml").read_text()
    accessible(page)

    page.goto(address + "/m/eastbrook")
    with page.expect_download() as download_info:
        page.locator("a[href='/m/eastbrook/download/mop.pdf']").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Eastbrook Marac" in text and "Eastshire Police" in text
    accessible(page)

    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("Issued the MOP")).to_be_visible()
    page.locator("#s-name").fill("Chris Adebayo")
    page.locator("#s-role").fill("Detective Superintendent")
    page.get_by_role("button", name="Record the signature").click()
    expect(page.get_by_text("Recorded: Eastshire Police signed the MOP")).to_be_visible()
    accessible(page)

    page.get_by_role("link", name="Dashboard").first.click()
    row = page.locator("tr", has=page.get_by_role("link", name="Eastbrook Marac")).filter(has_text="Operating Protocol")
    expect(row).to_contain_text("1 of 1")
    expect(row).to_contain_text("Yes")
    accessible(page)
    page.goto(address + "/m/northbridge/settings")
    accessible(page)
    context.close()


def not_blank(png: Path) -> None:
    image = Image.open(png).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 20, f"{png} is blank"
    assert max(count for count, _ in colours) < 0.97 * image.width * image.height, f"{png} is nearly blank"


def test_screenshots_for_the_readme(browser, served, tmp_path):
    """The README's two pictures: docs/dashboard.png and docs/settings.png when MARAC_SCREENSHOTS=docs,
    else into a temporary folder (so the test still checks they show something)."""
    folder = Path(os.environ.get("MARAC_SCREENSHOTS") or tmp_path)
    address, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(address + "/")
    page.screenshot(path=str(folder / "dashboard.png"))
    page.goto(address + "/m/northbridge/settings")
    page.locator("#f-marac-coordinator-email").fill("not an email")
    page.get_by_role("button", name="Check these settings").click()
    expect(page.locator("#f-marac-coordinator-email-problem")).to_contain_text("not an email address")
    # The summary at the top and the message beside the field, in one picture.
    box = page.locator("#f-marac-coordinator-phone").bounding_box()
    page.screenshot(path=str(folder / "settings.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": box["y"] + box["height"] + 24})
    page.close()
    not_blank(folder / "dashboard.png")
    not_blank(folder / "settings.png")


def test_static_dashboard_renders_in_chromium(browser, tmp_path):
    out = tmp_path / "dashboard.html"
    result = CliRunner().invoke(main, [
        "dashboard", str(REPO / "local_configs"), "-o", str(out), "--today", "2030-01-01"])
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    page.goto(out.as_uri())
    expect(page.locator("table.board")).to_contain_text("Northbridge Marac")
    expect(page.locator(".status-overdue").first).to_have_text("Overdue")
    page.screenshot(path=str(tmp_path / "dashboard.png"))
    page.close()
    not_blank(tmp_path / "dashboard.png")
