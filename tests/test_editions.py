"""`marac issue`: editions archive the exact text, versions never change their text, refusals exit 1.

The helpers at the top (``edit_settings``, ``issue``, ``days_ago``) are shared with the ledger
and status tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import yaml

from generator.document.assemble import assemble
from generator.library.clauses import load_library
from generator.cli import main
from generator.settings.loader import load_settings
from generator.document.fingerprint import canonical_text

SETTINGS_KEY = {"mop": "operating_protocol", "isa": "information_sharing_agreement"}


def days_ago(days: int) -> str:
    """Return the ISO date ``days`` before today (negative: in the future)."""
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def edit_settings(folder: Path, change) -> None:
    """Apply ``change(data)`` to the Marac's marac.yaml (comments are lost; fine for tests)."""
    path = folder / "marac.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def settings_version(folder: Path, doc: str) -> str:
    """Return the version marac.yaml gives a document."""
    data = yaml.safe_load((folder / "marac.yaml").read_text(encoding="utf-8"))
    return data["documents"][SETTINGS_KEY[doc]]["version"]


def set_version(folder: Path, doc: str, version: str, area: str | None = None) -> None:
    """Set a document's version in marac.yaml, and optionally change the area (printed under the title)."""
    def change(data):
        data["documents"][SETTINGS_KEY[doc]]["version"] = version
        if area:
            data["marac"]["area"] = area
    edit_settings(folder, change)


def issue(runner, folder: Path, doc: str = "mop", version: str | None = None, date: str | None = None):
    """Run `marac issue` for the version marac.yaml gives (unless told) and return the result."""
    args = ["issue", str(folder), "--doc", doc, "--version", version or settings_version(folder, doc)]
    if date:
        args += ["--date", date]
    return runner.invoke(main, args)


def index_of(folder: Path) -> list[dict]:
    return yaml.safe_load((folder / "editions" / "editions.yaml").read_text(encoding="utf-8"))["editions"]


def test_issue_archives_the_canonical_text_and_records_the_edition(runner, marac_copy):
    folder = marac_copy("westmere")
    result = issue(runner, folder, "mop", date=days_ago(3))
    assert result.exit_code == 0, result.output
    version = settings_version(folder, "mop")
    document = assemble(load_settings(folder / "marac.yaml"), load_library(), "mop")
    archive = folder / "editions" / f"mop-{version}.txt"
    assert archive.read_bytes() == canonical_text(document).encode("utf-8")
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == document.meta.fingerprint
    [entry] = index_of(folder)
    assert list(entry) == ["document", "version", "issued", "fingerprint", "file", "library_version", "recorded_at",
                           "summary", "approved_by", "model"]
    assert entry["document"] == "mop" and entry["version"] == version and entry["issued"] == days_ago(3)
    assert entry["fingerprint"] == document.meta.fingerprint and entry["file"] == archive.name
    assert dt.datetime.fromisoformat(entry["recorded_at"]).utcoffset() == dt.timedelta(0)
    assert document.meta.fingerprint in result.output


def test_date_defaults_to_today(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, "isa").exit_code == 0
    assert index_of(folder)[0]["issued"] == dt.date.today().isoformat()


def test_reissuing_the_same_version_and_text_changes_nothing(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, date=days_ago(3)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (folder / "editions").iterdir()}
    result = issue(runner, folder, date=days_ago(1))
    assert result.exit_code == 0, result.output
    assert "already issued" in result.output
    assert {p.name: p.read_bytes() for p in (folder / "editions").iterdir()} == before


def test_same_version_with_different_text_is_refused(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder).exit_code == 0
    before = (folder / "editions" / "editions.yaml").read_bytes()
    set_version(folder, "mop", settings_version(folder, "mop"), area="Westmere and Riverside")
    result = issue(runner, folder)
    assert result.exit_code == 1
    assert "already issued" in result.stderr and "different text" in result.stderr
    assert "new version" in result.stderr and "Traceback" not in result.output
    assert (folder / "editions" / "editions.yaml").read_bytes() == before


def test_unchanged_text_under_a_new_version_warns(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, date=days_ago(5)).exit_code == 0
    set_version(folder, "mop", "9.0")
    result = issue(runner, folder, version="9.0")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "same" in result.stderr
    assert [e["version"] for e in index_of(folder)][-1] == "9.0"


def test_revised_text_under_a_new_version_does_not_warn(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, date=days_ago(5)).exit_code == 0
    set_version(folder, "mop", "9.0", area="Westmere and Riverside")
    result = issue(runner, folder, version="9.0")
    assert result.exit_code == 0 and "warning" not in result.output
    assert (folder / "editions" / "mop-9.0.txt").is_file()


def test_version_must_match_marac_yaml(runner, marac_copy):
    folder = marac_copy("westmere")
    result = issue(runner, folder, version="7.7")
    assert result.exit_code == 1
    assert "does not match marac.yaml" in result.stderr and "documents.operating_protocol.version" in result.stderr
    assert not (folder / "editions").exists()


def test_future_date_is_refused(runner, marac_copy):
    folder = marac_copy("westmere")
    result = issue(runner, folder, date=days_ago(-1))
    assert result.exit_code == 1 and "in the future" in result.stderr
    assert not (folder / "editions" / "editions.yaml").exists()


def test_a_lower_version_or_an_earlier_date_than_the_latest_is_refused(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder, date=days_ago(5)).exit_code == 0
    set_version(folder, "mop", "0.9")
    lower = issue(runner, folder)
    assert lower.exit_code == 1 and "lower than the latest" in lower.stderr
    set_version(folder, "mop", "9.0")
    earlier = issue(runner, folder, date=days_ago(6))
    assert earlier.exit_code == 1 and "before edition" in earlier.stderr
    assert len(index_of(folder)) == 1


def test_settings_with_policy_errors_are_not_issued(runner, marac_copy):
    folder = marac_copy("westmere")
    edit_settings(folder, lambda d: d["partners"].append(
        {"name": "Border Force", "type": "other", "signatory": {"name": "X Y", "role": "Officer"}}))
    result = issue(runner, folder)
    assert result.exit_code == 1
    assert "nothing was issued" in result.stderr and "[G03]" in result.stderr
    assert not (folder / "editions").exists()


def test_a_damaged_index_is_reported_with_its_line(runner, marac_copy):
    folder = marac_copy("westmere")
    assert issue(runner, folder).exit_code == 0
    index = folder / "editions" / "editions.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("  file: mop", "  file: [mop"), encoding="utf-8")
    broken = index.read_bytes()
    set_version(folder, "mop", "9.0")
    result = issue(runner, folder)
    assert result.exit_code == 1
    assert "editions.yaml:" in result.stderr and "damaged" in result.stderr
    assert index.read_bytes() == broken
