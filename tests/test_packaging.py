"""What a wheel and an adopter get: the licence, type information, a changelog, pinned data."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_file_is_apache_2_and_goes_into_the_wheel():
    assert PROJECT["project"]["license"] == "Apache-2.0"
    assert PROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


@pytest.mark.parametrize("package", ["agent", "knowledge", "evals"])
def test_each_package_ships_a_py_typed_marker(package):
    assert (ROOT / package / "py.typed").is_file()
    assert "py.typed" in PROJECT["tool"]["setuptools"]["package-data"][package]


def test_the_changelog_has_an_unreleased_section_and_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert PROJECT["project"]["version"] in headings


def test_mypy_is_pinned_and_run_by_make_lint():
    assert any(d.startswith("mypy==") for d in PROJECT["project"]["optional-dependencies"]["dev"])
    lint = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n")[0]
    assert "$(BIN)/mypy" in lint
    assert PROJECT["tool"]["mypy"]["files"] == ["agent", "knowledge", "evals"]


@pytest.mark.parametrize("name", ["vader_lexicon.txt", "emoji_utf8_lexicon.txt"])
def test_the_installed_vader_lexicons_are_the_ones_the_provenance_page_names(name):
    import vaderSentiment

    data = (Path(vaderSentiment.__file__).parent / name).read_bytes()
    row = next(
        line
        for line in (ROOT / "docs" / "provenance.md").read_text(encoding="utf-8").splitlines()
        if f"`vaderSentiment/{name}`" in line
    )
    assert hashlib.sha256(data).hexdigest() in row
