"""Message catalogues: every language has every English key with the same placeholders, and a
store's overrides fall back to the bundled language, then English."""

from __future__ import annotations

import re

import pytest

from agent.errors import ConfigError
from agent.messages import BUNDLED, ENGLISH, Messages, bundled, placeholders
from agent.settings import Settings

SAME_IN_GERMAN = {"month.4", "month.8", "month.9", "month.11"}  # April, August, ...


@pytest.mark.parametrize("language", [lang for lang in BUNDLED if lang != ENGLISH])
def test_every_catalogue_has_every_english_key_with_the_same_placeholders(language):
    english, other = bundled(ENGLISH), bundled(language)
    assert sorted(other) == sorted(english)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
        words = re.sub(r"\{[^}]*\}", "", text)
        if re.search(r"[a-z]{2}", words) and not key.startswith(("format.", "zone.utc")):
            same = language == "de" and key in SAME_IN_GERMAN
            assert other[key] != text or same, f"{language}:{key} is still English"


def test_format_keys_are_known_values():
    for language in BUNDLED:
        assert bundled(language)["format.clock"] in ("12h", "24h")


def _store(tmp_path, text: str) -> Settings:
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    return Settings.load(path, data_dir=tmp_path)


def test_a_store_override_replaces_one_message_and_keeps_the_rest(tmp_path):
    settings = _store(
        tmp_path,
        '[language.messages.es.ack]\nhelp = "¿Qué necesitas?"\n',
    )
    es = settings.language.catalogue("es")
    assert es.text("ack.help") == "¿Qué necesitas?"
    assert es.text("ack.thanks") == bundled("es")["ack.thanks"]
    assert settings.language.catalogue("en").text("ack.help") == "What can I help you with?"


def test_a_new_language_from_a_folder_falls_back_to_english(tmp_path):
    folder = tmp_path / "messages"
    folder.mkdir()
    (folder / "it.toml").write_text('[ack]\nhelp = "Come posso aiutarla?"\n', encoding="utf-8")
    settings = _store(tmp_path, f'[language]\nmessages_dir = "{folder}"\n')
    assert "it" in settings.language.supported
    it = settings.language.catalogue("it")
    assert it.text("ack.help") == "Come posso aiutarla?"
    assert it.text("ack.thanks") == bundled(ENGLISH)["ack.thanks"]


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        ('[language.messages.es.ack]\nhelpp = "x"\n', "unknown message 'ack.helpp'"),
        (
            '[language.messages.fr.ack]\nhello_named = "Bonjour {nom} !"\n',
            "ack.hello_named must use the placeholders name",
        ),
        ('[language.messages.de.format]\nclock = "am/pm"\n', "format.clock must be '12h' or '24h'"),
        ("[language.messages.pt.ack]\nhelp = 3\n", "expected text"),
    ],
)
def test_a_bad_override_fails_loudly_with_its_key(tmp_path, toml, error):
    with pytest.raises(ConfigError, match=error):
        _store(tmp_path, toml)


def test_a_missing_messages_dir_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such folder"):
        _store(tmp_path, f'[language]\nmessages_dir = "{tmp_path / "nope"}"\n')


def test_a_missing_placeholder_value_is_a_config_error():
    with pytest.raises(ConfigError, match="missing 'name'"):
        Messages("es").text("ack.hello_named")
