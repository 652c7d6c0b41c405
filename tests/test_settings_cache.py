"""The parse cache for marac.yaml: same results hit or miss, never stale, never in the way."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.settings import cache as settings_cache
from generator.settings.loader import load_settings
from generator.errors import ConfigError

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MARAC_CACHE_DIR", str(folder))
    return folder


def entries(folder):
    return sorted(folder.rglob("*.json"))


def test_a_hit_gives_the_same_settings_and_lines(cache, examples):
    path = examples / "northbridge" / "marac.yaml"
    first = load_settings(path, TODAY)
    assert len(entries(cache)) == 1
    second = load_settings(path, TODAY)
    assert second.settings == first.settings
    assert second.source.lines == first.source.lines
    assert second.line_of("partners", 3, "name") == first.line_of("partners", 3, "name") > 1


def test_a_changed_file_is_parsed_again(cache, marac_copy):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    load_settings(path, TODAY)
    path.write_text(path.read_text(encoding="utf-8").replace("retention_years: 6", "retention_years: 8"),
                    encoding="utf-8")
    assert load_settings(path, TODAY).settings.records.retention_years == 8
    assert len(entries(cache)) == 2


def test_invalid_settings_give_the_same_messages_hit_or_miss(cache, marac_copy):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  name: Westmere Marac", "  nmae: Westmere Marac"),
                    encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(ConfigError) as caught:
            load_settings(path, TODAY)
        messages.append(caught.value.message)
    assert messages[0] == messages[1] and "did you mean 'name'" in messages[0]
    assert entries(cache) == []  # only settings that validated are stored


def test_broken_yaml_is_never_stored(cache, marac_copy):
    folder = marac_copy("westmere")
    (folder / "marac.yaml").write_text("marac: [oops\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(folder / "marac.yaml", TODAY)
    assert entries(cache) == []


@pytest.mark.parametrize("damage", ["{not json", "{\"marac\": 1}", "", "[]"])
def test_a_damaged_entry_is_ignored(cache, examples, damage):
    path = examples / "westmere" / "marac.yaml"
    load_settings(path, TODAY)
    [entry] = entries(cache)
    entry.write_text(damage, encoding="utf-8")
    assert load_settings(path, TODAY).settings.marac.name == "Westmere Marac"
    assert entry.read_text(encoding="utf-8") != damage  # replaced by a good entry


def test_cache_can_be_turned_off(tmp_path, monkeypatch, examples):
    monkeypatch.setenv("MARAC_CACHE_DIR", "off")
    assert settings_cache.cache_dir() is None
    assert load_settings(examples / "westmere" / "marac.yaml", TODAY).settings.marac.name == "Westmere Marac"


def test_an_unwritable_cache_is_no_obstacle(tmp_path, monkeypatch, examples):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MARAC_CACHE_DIR", str(blocker / "cache"))
    assert load_settings(examples / "westmere" / "marac.yaml", TODAY).settings.marac.name == "Westmere Marac"


def test_values_json_would_change_are_not_stored(cache):
    settings_cache.store(b"x", {1: "one"}, {})
    settings_cache.store(b"y", {"a": b"bytes"}, {})
    assert entries(cache) == []


def test_an_address_email_servers_refuse_is_refused_hit_or_miss(cache, marac_copy):
    folder = marac_copy("westmere")
    path = folder / "marac.yaml"
    text = path.read_text(encoding="utf-8")
    load_settings(path, TODAY)  # the good file is stored
    address = next(word for word in text.split() if "@" in word and "." in word.split("@")[1])
    path.write_text(text.replace(address, "coordinator@@westmere.example", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError) as caught:
            load_settings(path, TODAY)
        assert "coordinator@@westmere.example" in caught.value.message
    assert len(entries(cache)) == 1  # the bad file's bytes were never stored


def test_the_cache_folder_names_the_address_rules(cache, examples, monkeypatch):
    import email_validator

    load_settings(examples / "westmere" / "marac.yaml", TODAY)
    [entry] = entries(cache)
    assert f"email-validator-{email_validator.__version__}-rules-" in entry.parent.name
    # Rules that cannot be named: nothing is cached, and the settings still load.
    monkeypatch.setattr(settings_cache, "_address_rules", lambda: None)
    assert settings_cache.lookup(b"anything") is None
    assert load_settings(examples / "northbridge" / "marac.yaml", TODAY).settings.marac.name == "Northbridge Marac"
    assert len(entries(cache)) == 1


def test_the_clause_library_comes_from_the_cache_and_a_damaged_entry_is_ignored(cache):
    from generator.library import clauses

    clauses._load_library.cache_clear()
    first = clauses.load_library()
    stored = entries(cache)
    assert len(stored) >= 5  # the index and every clause file
    for entry in stored:
        entry.write_text("{not json", encoding="utf-8")
    clauses._load_library.cache_clear()
    assert clauses.load_library() == first
    clauses._load_library.cache_clear()
    assert clauses.load_library() == first  # from the replaced entries


def test_a_command_whose_files_are_all_cached_imports_neither_pyyaml_nor_email_validator(cache, examples):
    import subprocess
    import sys

    program = (
        "import sys, datetime as dt\n"
        "from generator.library.clauses import load_library\n"
        "from generator.settings.loader import load_settings\n"
        f"load_settings(__import__('pathlib').Path({str(examples / 'northbridge' / 'marac.yaml')!r}), dt.date(2026, 11, 26))\n"
        "load_library()\n"
        "print(sorted(m for m in ('yaml', 'email_validator') if m in sys.modules))\n")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0].strip() == "['email_validator', 'yaml']"  # the first run parses and checks
    assert runs[1].strip() == "[]"


def test_an_entry_replaced_by_a_link_to_a_device_is_a_miss(cache, examples):
    path = examples / "westmere" / "marac.yaml"
    load_settings(path, TODAY)
    [entry] = entries(cache)
    entry.unlink()
    entry.symlink_to("/dev/zero")  # would never end if it were read
    assert load_settings(path, TODAY).settings.marac.name == "Westmere Marac"


@pytest.mark.parametrize("damage", ['{"\\u043e": "x"}', '{"o": "o"}', "[1, 2]", "{broken"])
def test_a_damaged_confusables_table_in_the_cache_is_rebuilt_and_disguises_are_still_read(cache, damage):
    from generator.policy import recognisers_normalise as normalise
    from generator.policy.recognisers import recognise_name

    normalise._confusables.cache_clear()
    normalise.forms.cache_clear()
    assert normalise._confusables()  # writes the table into the cache
    [table] = sorted(cache.glob("confusables-*.json"))
    table.write_text(damage, encoding="utf-8")
    normalise._confusables.cache_clear()
    normalise.forms.cache_clear()
    match = recognise_name("H\u043eme Office")  # a Cyrillic o
    assert match is not None and match.body == "the Home Office"
    assert len(normalise._confusables()) >= 1000
