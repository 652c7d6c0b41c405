"""The build cache: unchanged documents are skipped, and nothing else is.

DOCX-only builds (no PDF renders) except one case that reuses the session's built examples.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import generator.build_cache as build_cache
from generator.build_cache import MANIFEST_NAME
from generator.cli import main

from test_title_page import TODAY, png_logo  # tests/ is on sys.path (no package)

STEMS = ("operating-protocol", "information-sharing-agreement", "immigration-status-annex")


def files_of(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*.docx"))}


def written(result) -> set[str]:
    """The files a build reports it wrote, as ``slug/name``."""
    return {"/".join(Path(line.split()[1]).parts[-2:]) for line in result.stdout.splitlines()
            if line.startswith("wrote ")}


@pytest.fixture
def two_maracs(marac_copy):
    """Copies of both examples in one folder of Marac folders; returns that folder."""
    marac_copy("westmere")
    return marac_copy("northbridge").parent


@pytest.fixture
def build(runner, tmp_path):
    output = tmp_path / "out"

    def run(config, *extra):
        result = runner.invoke(main, ["build", str(config), "-o", str(output), "--format", "docx",
                                      "--jobs", "1", *extra])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        return result

    run.output = output
    return run


ALL = {f"{slug}/{slug}-{stem}.docx" for slug in ("westmere", "northbridge") for stem in STEMS}
WESTMERE = {name for name in ALL if name.startswith("westmere/")}


def test_second_build_skips_everything_and_says_so(build, two_maracs):
    first = build(two_maracs)
    assert written(first) == ALL
    assert "6 files written, 0 skipped" in first.stdout
    before = files_of(build.output)
    second = build(two_maracs)
    assert written(second) == set()
    assert "0 files written, 6 skipped (unchanged since the last build)" in second.stdout
    assert files_of(build.output) == before


def test_cached_and_uncached_builds_are_byte_identical(build, two_maracs, runner, tmp_path):
    build(two_maracs)
    build(two_maracs)  # every file skipped
    fresh = tmp_path / "fresh"
    result = runner.invoke(main, ["build", str(two_maracs), "-o", str(fresh), "--format", "docx", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert files_of(fresh) == files_of(build.output)


def test_changed_settings_rebuild_exactly_that_maracs_documents(build, two_maracs):
    build(two_maracs)
    settings = two_maracs / "westmere" / "marac.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("  name: Westmere Marac\n", "  name: Westmere MARAC\n", 1), encoding="utf-8")
    result = build(two_maracs)
    assert written(result) == WESTMERE
    assert "3 files written, 3 skipped" in result.stdout
    assert "Westmere MARAC" in _text(build.output / "westmere" / "westmere-operating-protocol.docx")
    assert "Westmere MARAC" not in _text(build.output / "northbridge" / "northbridge-operating-protocol.docx")


def test_an_edit_that_changes_one_document_rebuilds_only_that_one(build, two_maracs):
    """The ISA's version is printed in the ISA and the annex, not in the MOP: all three are
    assembled, the MOP is found unchanged and not rewritten."""
    build(two_maracs)
    settings = two_maracs / "westmere" / "marac.yaml"
    text = settings.read_text(encoding="utf-8")
    head, tail = text.split("  information_sharing_agreement:", 1)
    tail = re.sub(r'version: "[^"]+"', 'version: "9.9"', tail, count=1)
    settings.write_text(head + "  information_sharing_agreement:" + tail, encoding="utf-8")
    result = build(two_maracs)
    rewritten = {"westmere/westmere-information-sharing-agreement.docx", "westmere/westmere-immigration-status-annex.docx"}
    assert written(result) == rewritten
    assert "2 files written, 4 skipped" in result.stdout
    for name in rewritten:
        assert re.search(r"[Vv]ersion 9\.9\b", _text(build.output / name))
    assert not re.search(r"[Vv]ersion 9\.9\b", _text(build.output / "westmere" / "westmere-operating-protocol.docx"))
    assert written(build(two_maracs)) == set()  # the new input keys were recorded


def test_a_comment_edit_renders_nothing(build, two_maracs):
    build(two_maracs)
    settings = two_maracs / "northbridge" / "marac.yaml"
    settings.write_text("# reviewed by the steering group\n" + settings.read_text(encoding="utf-8"), encoding="utf-8")
    assert written(build(two_maracs)) == set()


def _text(path: Path) -> str:
    import docx

    return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)


def test_only_the_documents_asked_for_are_built_and_recorded(build, two_maracs):
    build(two_maracs / "westmere", "--doc", "mop")
    result = build(two_maracs / "westmere")
    assert written(result) == WESTMERE - {"westmere/westmere-operating-protocol.docx"}


def test_the_register_is_an_input(two_maracs):
    """The register decides whether a text is an issued edition (no DRAFT mark), so a change under
    editions/ changes the input key of that Marac's documents (the content key then decides)."""
    from generator.policy.gate import load_one_clean

    loaded = load_one_clean(str(two_maracs / "westmere"))
    other = load_one_clean(str(two_maracs / "northbridge"))
    before = [build_cache.output_key(m, "mop", "docx") for m in (loaded, other)]
    editions = two_maracs / "westmere" / "editions"
    editions.mkdir()
    (editions / "editions.yaml").write_text("editions: []\n", encoding="utf-8")
    after = [build_cache.output_key(m, "mop", "docx") for m in (loaded, other)]
    assert after[0] != before[0] and after[1] == before[1]


@pytest.mark.parametrize("name,change", [
    ("tool", lambda monkeypatch: monkeypatch.setattr(build_cache, "_tool_digest", lambda: "another version")),
    ("libraries", lambda monkeypatch: monkeypatch.setattr(
        build_cache, "_library_versions", lambda fmt: {"python-docx": "0.0-other"})),
    ("runtime", lambda monkeypatch: monkeypatch.setattr(build_cache, "_runtime", lambda: "another Python")),
])
def test_a_new_tool_or_library_version_rebuilds_everything(build, two_maracs, monkeypatch, name, change):
    build(two_maracs)
    change(monkeypatch)
    assert written(build(two_maracs)) == ALL, name


@pytest.mark.parametrize("file", ["reference.docx", "print.css", "document.html.j2"])
def test_a_changed_template_file_rebuilds_everything(build, two_maracs, monkeypatch, tmp_path, file):
    build(two_maracs)
    copy = tmp_path / "shipped" / "templates"
    shutil.copytree(build_cache.data_dir("templates"), copy)
    with open(copy / file, "ab") as stream:
        stream.write(b"\n")
    real = build_cache.data_dir
    monkeypatch.setattr(build_cache, "data_dir", lambda name: copy if name == "templates" else real(name))
    assert written(build(two_maracs)) == ALL


def test_a_changed_clause_rebuilds_exactly_the_documents_that_print_it(build, two_maracs, monkeypatch, tmp_path):
    import generator.library.clauses as clauses

    build(two_maracs)
    copy = tmp_path / "shipped" / "clauses"
    shutil.copytree(build_cache.data_dir("clauses"), copy)
    review = copy / "review.yaml"
    text = review.read_text(encoding="utf-8")
    assert text.count("a breach or a complaint") == 1  # in the ISA's review clause only
    review.write_text(text.replace("a breach or a complaint", "a breach, an audit or a complaint"), encoding="utf-8")
    real = build_cache.data_dir
    for module in (build_cache, clauses):
        monkeypatch.setattr(module, "data_dir", lambda name: copy if name == "clauses" else real(name))
    result = build(two_maracs)
    isas = {f"{slug}/{slug}-information-sharing-agreement.docx" for slug in ("westmere", "northbridge")}
    assert written(result) == isas
    for name in isas:
        assert "a breach, an audit or a complaint" in _text(build.output / name)


def test_fonts_count_for_pdf_only(two_maracs, monkeypatch):
    from generator.policy.gate import load_one_clean

    loaded = load_one_clean(str(two_maracs / "westmere"))
    before = {fmt: build_cache.output_key(loaded, "mop", fmt) for fmt in ("docx", "pdf")}
    monkeypatch.setattr(build_cache, "_font_digest", lambda: {"Carlito": {"/fonts/other.ttf": "x"}})
    after = {fmt: build_cache.output_key(loaded, "mop", fmt) for fmt in ("docx", "pdf")}
    assert after["docx"] == before["docx"] and after["pdf"] != before["pdf"]
    assert len({build_cache.output_key(loaded, kind, "docx") for kind in ("mop", "isa", "annex")}) == 3


def test_a_file_the_settings_name_is_an_input(two_maracs):
    """A file a setting names in the Marac's folder changes the key when it changes, whatever the
    setting is called, and whether or not the settings parse came from the settings cache."""
    from generator.settings import cache as settings_cache
    from generator.settings.loader import load_settings

    folder = two_maracs / "westmere"
    settings = folder / "marac.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "  slug: westmere\n", "  slug: westmere\n  logo: art/mark.png\n", 1), encoding="utf-8")
    (folder / "art").mkdir()
    (folder / "art" / "mark.png").write_bytes(png_logo(300, 100))
    fresh = build_cache._named_files(load_settings(settings, TODAY))
    assert settings_cache.lookup(settings.read_bytes()) is not None  # the next load is a cache hit
    cached = build_cache._named_files(load_settings(settings, TODAY))
    (folder / "art" / "mark.png").write_bytes(png_logo(200, 100))
    changed = build_cache._named_files(load_settings(settings, TODAY))
    assert set(fresh) == {"art/mark.png"} and fresh == cached != changed


@pytest.mark.parametrize("value", ["./art/mark.png", "art/../art/mark.png", "ART/mark.png"])
def test_a_named_file_is_found_however_the_path_is_spelt(two_maracs, value):
    """The shortcut that skips values naming nothing in the folder does not skip a path that
    starts with '.', climbs back in with '..', or differs in case from the folder's entry (which
    a case-insensitive file system opens; on Linux there is no such file)."""
    from generator.settings.loader import load_settings

    folder = two_maracs / "westmere"
    settings = folder / "marac.yaml"
    # Any setting counts (found by value); the area, so that the logo check does not refuse first.
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^  area: .*$", f"  area: '{value}'", text, count=1), encoding="utf-8")
    (folder / "art").mkdir()
    (folder / "art" / "mark.png").write_bytes(png_logo(300, 100))
    found = build_cache._named_files(load_settings(settings, TODAY))
    case_blind = (folder / "ART").exists()
    assert set(found) == ({value} if value != "ART/mark.png" or case_blind else set())


def test_only_values_that_may_name_an_entry_of_the_folder_are_looked_up(two_maracs, monkeypatch):
    """A Marac's settings hold about 175 strings (names, dates, addresses); each used to cost a
    look at the disk in every rebuild. Only those whose first part is an entry of the folder do."""
    from generator.settings.loader import load_settings

    loaded = load_settings(two_maracs / "westmere" / "marac.yaml", TODAY)
    asked = []
    real = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: asked.append(self) or real(self))
    build_cache._named_files(loaded)
    entries = {entry.name.casefold() for entry in (two_maracs / "westmere").iterdir()}
    assert all(path.relative_to(two_maracs / "westmere").parts[0].casefold() in entries for path in asked)
    assert len(list(build_cache._strings(loaded.settings.model_dump(mode="json")))) > 50 > len(asked)
    assert build_cache._may_name_an_entry("Logo.PNG.", {build_cache._comparable("logo.png")})
    assert build_cache._may_name_an_entry("art\\mark.png", {"art"})  # Windows' separator
    assert not build_cache._may_name_an_entry("Northshire Police", {build_cache._comparable("logo.png")})


def _logo_in(docx_file: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(docx_file) as package:
        images = [name for name in package.namelist() if name.startswith("word/media/")]
        assert len(images) == 1, images
        return package.read(images[0])


@pytest.mark.parametrize("named", [False, True], ids=["logo.png beside marac.yaml", "named by marac.logo"])
def test_a_changed_logo_rebuilds_that_maracs_documents(build, two_maracs, named):
    """Also when the settings come from the settings cache, which holds no raw YAML (the second
    build below): an earlier key read the file names from the raw YAML and so missed the change."""
    folder = two_maracs / "westmere"
    if named:
        settings = folder / "marac.yaml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "  slug: westmere\n", "  slug: westmere\n  logo: art/mark.png\n", 1), encoding="utf-8")
        (folder / "art").mkdir()
    logo = folder / ("art/mark.png" if named else "logo.png")
    logo.write_bytes(png_logo(300, 100))
    build(two_maracs)
    assert written(build(two_maracs)) == set()
    logo.write_bytes(png_logo(200, 100))
    assert written(build(two_maracs)) == WESTMERE
    assert _logo_in(build.output / "westmere" / "westmere-operating-protocol.docx") == png_logo(200, 100)


def test_a_changed_house_style_rebuilds_that_maracs_docx_files_only(build, two_maracs):
    """reference.docx beside marac.yaml is read by the DOCX writer only: its PDFs keep their key."""
    import docx
    from docx.shared import RGBColor

    from generator.settings.loader import load_settings

    folder = two_maracs / "westmere"
    shutil.copy(build_cache.data_dir("templates") / "reference.docx", folder / "reference.docx")
    build(two_maracs)
    before = {fmt: build_cache.output_key(load_settings(folder / "marac.yaml", TODAY), "mop", fmt)
              for fmt in ("docx", "pdf")}
    style = docx.Document(folder / "reference.docx")
    style.styles["Heading 1"].font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    style.save(folder / "reference.docx")
    after = {fmt: build_cache.output_key(load_settings(folder / "marac.yaml", TODAY), "mop", fmt)
             for fmt in ("docx", "pdf")}
    assert after["docx"] != before["docx"] and after["pdf"] == before["pdf"]
    assert written(build(two_maracs)) == WESTMERE
    heading = docx.Document(build.output / "westmere" / "westmere-operating-protocol.docx").styles["Heading 1"]
    assert heading.font.color.rgb == RGBColor(0x80, 0x00, 0x20)


def test_hand_edited_or_deleted_output_is_rebuilt(build, two_maracs):
    build(two_maracs)
    original = files_of(build.output)
    edited = build.output / "westmere" / "westmere-operating-protocol.docx"
    edited.write_bytes(edited.read_bytes() + b"edited by hand")
    (build.output / "northbridge" / "northbridge-immigration-status-annex.docx").unlink()
    result = build(two_maracs)
    assert written(result) == {"westmere/westmere-operating-protocol.docx",
                               "northbridge/northbridge-immigration-status-annex.docx"}
    assert files_of(build.output) == original


def test_force_rebuilds_all(build, two_maracs):
    build(two_maracs)
    result = build(two_maracs, "--force")
    assert written(result) == ALL and "6 files written, 0 skipped" in result.stdout
    assert written(build(two_maracs)) == set()  # and the manifest it wrote is good


@pytest.mark.parametrize("manifest", [
    b"{not json",
    b"",
    b"\xff\xfe\x00garbage",
    json.dumps([1, 2, 3]).encode(),
    json.dumps({"kind": "someone-elses-manifest", "version": 1, "files": {}}).encode(),
    json.dumps({"kind": "marac-build-manifest", "version": 99, "files": {}}).encode(),
])
def test_a_corrupt_or_foreign_manifest_is_ignored(build, two_maracs, manifest):
    build(two_maracs)
    (build.output / MANIFEST_NAME).write_bytes(manifest)
    assert written(build(two_maracs)) == ALL
    assert written(build(two_maracs)) == set()


def test_a_forged_manifest_entry_is_not_trusted(build, two_maracs):
    """An entry whose key matches but whose SHA-256 does not match the file is rebuilt; an entry of
    the wrong shape is dropped."""
    build(two_maracs)
    path = build.output / MANIFEST_NAME
    document = json.loads(path.read_text(encoding="utf-8"))
    document["files"]["westmere/westmere-operating-protocol.docx"]["sha256"] = "0" * 64
    document["files"]["westmere/westmere-information-sharing-agreement.docx"]["key"] = "not hex"
    document["files"]["westmere/westmere-immigration-status-annex.docx"]["extra"] = "x"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert written(build(two_maracs)) == WESTMERE


def test_manifest_records_the_bytes_written(build, two_maracs):
    build(two_maracs)
    document = json.loads((build.output / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(document["files"]) == ALL
    for name, entry in document["files"].items():
        assert entry["sha256"] == hashlib.sha256((build.output / name).read_bytes()).hexdigest()
    assert not [p for p in build.output.iterdir() if p.name.endswith(".tmp")]


def test_pdf_and_docx_built_earlier_are_skipped(built_examples, runner, examples):
    """The session's examples (DOCX and PDF, built in two worker processes) are skipped, unrendered."""
    before = {p: p.read_bytes() for p in built_examples.rglob("*") if p.is_file()}
    result = runner.invoke(main, ["build", str(examples), "-o", str(built_examples)])
    assert result.exit_code == 0, result.output
    outputs = [p for p in before if p.suffix in {".docx", ".pdf"}]
    assert len(outputs) >= 12
    assert f"0 files written, {len(outputs)} skipped" in result.stdout
    assert {p: p.read_bytes() for p in built_examples.rglob("*") if p.is_file()} == before


def test_one_maracs_keys_read_its_files_once_and_are_each_outputs_own_key(two_maracs, monkeypatch):
    from generator.policy.gate import load_one_clean

    loaded = load_one_clean(str(two_maracs / "northbridge"))
    read = []
    named = build_cache._named_files
    monkeypatch.setattr(build_cache, "_named_files", lambda marac: read.append(marac) or named(marac))
    keys = build_cache.output_keys(loaded, ("mop", "isa", "annex"), ("docx", "pdf"))
    assert len(read) == 1 and len(set(keys.values())) == 6
    for (kind, fmt), key in keys.items():
        target = build_cache.Target(loaded, kind, fmt)
        alone = {name: compute(target) for name, _, compute in build_cache.INPUTS}
        assert key == hashlib.sha256(json.dumps(alone, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def test_files_are_checked_against_the_manifest_several_at_once_with_the_same_answers(tmp_path, monkeypatch):
    import threading
    import time

    output = tmp_path / "out"
    manifest = build_cache.Manifest(output)
    paths = []
    for number in range(12):
        path = output / "m" / f"file{number}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"file {number}".encode())
        manifest.record(path, "k" * 64, "c" * 64, hashlib.sha256(path.read_bytes()).hexdigest(), "f")
        paths.append(path)
    paths[3].write_bytes(b"edited by hand")
    paths[5].unlink()
    paths[7].unlink()
    paths[7].mkdir()  # a folder where the file was: unreadable, so not intact
    unrecorded = output / "m" / "never-built.docx"
    unrecorded.write_bytes(b"x")

    reading, most = [0], [0]
    lock = threading.Lock()
    real = build_cache.file_sha256

    def slow_sha256(path):
        with lock:
            reading[0] += 1
            most[0] = max(most[0], reading[0])
        time.sleep(0.05)  # long enough that the readers overlap
        try:
            return real(path)
        finally:
            with lock:
                reading[0] -= 1

    monkeypatch.setattr(build_cache, "file_sha256", slow_sha256)
    asked = [*paths, unrecorded]
    found = manifest.intact_many(asked)
    assert list(found) == asked
    assert found == {path: manifest.intact(path) for path in asked}
    assert [path for path, entry in found.items() if entry is None] == [paths[3], paths[5], paths[7], unrecorded]
    assert most[0] > 1
