"""Reading a Marac's logo: found beside marac.yaml or named by marac.logo, refused with the
file and the fix when it is not an image, too large, or an SVG that reaches outside itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ConfigError
from generator.settings.loader import load_settings
from generator.settings.logo import LogoRefused, check_svg, sniff, svg_size

from test_title_page import SVG_LOGO, TODAY, png_logo  # tests/ is on sys.path (no package)

EXAMPLES = Path(__file__).resolve().parent.parent / "local_configs"
SVG_HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "westmere"
    shutil.copytree(EXAMPLES / "westmere", target, ignore=shutil.ignore_patterns("editions", "signatures.yaml"))
    return target


def test_no_logo_is_fine(folder):
    assert load_settings(folder / "marac.yaml", TODAY).logo is None


def test_logo_png_beside_marac_yaml_is_loaded_with_alt_text(folder):
    (folder / "logo.png").write_bytes(png_logo())
    logo = load_settings(folder / "marac.yaml", TODAY).logo
    assert logo.media_type == "image/png" and logo.data == png_logo()
    assert logo.alt == "Logo of Westmere Marac"


def test_logo_setting_names_an_svg(folder):
    (folder / "art").mkdir()
    (folder / "art" / "mark.svg").write_bytes(SVG_LOGO)
    config = folder / "marac.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  slug: westmere\n", "  slug: westmere\n  logo: art/mark.svg\n", 1), encoding="utf-8")
    logo = load_settings(config, TODAY).logo
    assert logo.media_type == "image/svg+xml" and svg_size(logo.data) == (300.0, 100.0)


def test_a_logo_setting_to_a_missing_file_names_the_line(folder):
    config = folder / "marac.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  slug: westmere\n", "  slug: westmere\n  logo: nowhere.png\n", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"marac\.yaml:\d+: marac\.logo: the logo .*nowhere\.png cannot be read"):
        load_settings(config, TODAY)


@pytest.mark.parametrize("name,content,message", [
    ("logo.png", b"GIF89a not a png", "is not a PNG or SVG image"),
    ("logo.svg", b"hello", "is not a PNG or SVG image"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 10, "is not a whole PNG image"),
])
def test_a_file_that_is_not_an_image_is_refused(folder, name, content, message):
    (folder / name).write_bytes(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(folder / "marac.yaml", TODAY)
    assert name in str(caught.value)


def test_a_logo_over_two_megabytes_is_refused_through_check(folder, runner):
    (folder / "logo.png").write_bytes(png_logo() + b"\0" * (2 * 1024 * 1024))
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "logo.png: is 2.0 MB; a logo may be at most 2 MB" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("body,message", [
    (b'<image href="https://example.org/x.png" width="5" height="5"/>', "contains <image>"),
    (b'<a href="https://example.org/"><rect width="5" height="5"/></a>', "links to 'https://example.org/'"),
    (b'<use xlink:href="other.svg#x"/>', "links to 'other.svg#x'"),
    (b'<use href="file:///etc/passwd"/>', "outside the file"),
    (b'<script>alert(1)</script>', "contains <script>"),
    (b'<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>', "contains <foreignObject>"),
    (b'<rect width="5" height="5" fill="url(https://example.org/p.svg#g)"/>', "url(https://example.org/p.svg#g)"),
    (b'<rect width="5" height="5" style="fill: url(\'x.svg#g\')"/>', "url(x.svg#g)"),
    (b'<style>@import url(#x);</style>', "imports another file"),
    (b'<rect width="5" height="5" onclick="alert(1)"/>', "event attribute onclick"),
])
def test_an_svg_reaching_outside_itself_is_refused(body, message):
    with pytest.raises(LogoRefused, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        check_svg(SVG_HEAD + body + b"</svg>")


def test_an_svg_with_entities_is_refused_before_they_expand():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            + SVG_HEAD + b"<text>&b;</text></svg>")
    with pytest.raises(LogoRefused, match="DOCTYPE"):
        check_svg(bomb)
    external = b'<!DOCTYPE svg SYSTEM "http://example.org/svg.dtd">' + SVG_HEAD + b"</svg>"
    with pytest.raises(LogoRefused, match="DOCTYPE"):
        check_svg(external)


def test_a_refused_svg_beside_marac_yaml_names_the_file_and_the_fix(folder, runner):
    (folder / "logo.svg").write_bytes(SVG_HEAD + b'<image href="https://example.org/x.png"/></svg>')
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert "logo.svg: contains <image>" in result.output and "Plain SVG" in result.output


def test_internal_references_are_allowed():
    check_svg(SVG_LOGO)  # url(#g) and <use xlink:href="#dot">
    assert sniff(SVG_LOGO) == "image/svg+xml"
    with pytest.raises(LogoRefused, match="outer element"):
        check_svg(b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>')
