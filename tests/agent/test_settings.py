import pytest

from agent.errors import ConfigError
from agent.settings import Settings


def test_store_toml_is_read(tmp_path):
    path = tmp_path / "store.toml"
    path.write_text(
        'store_name = "Northwind"\nvertical = "supplements"\n[grounding]\nthreshold = 0.7\n'
    )
    s = Settings.load(path)
    assert (s.store_name, s.vertical, s.grounding.threshold) == ("Northwind", "supplements", 0.7)


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "store.toml"
    path.write_text("[triggers]\nloop_repets = 3\n")
    with pytest.raises(ConfigError, match=r"store.toml: triggers.loop_repets: unknown key"):
        Settings.load(path)


def test_bad_value_is_named(tmp_path):
    path = tmp_path / "store.toml"
    path.write_text('vertical = "toys"\n')
    with pytest.raises(ConfigError, match=r"vertical: Input should be"):
        Settings.load(path)


def test_invalid_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("store_name = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(bad)
    with pytest.raises(ConfigError, match="file not found"):
        Settings.load(tmp_path / "missing.toml")


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("ESCALATE_LLM__MODEL", "llama3")
    assert Settings.load().llm.model == "llama3"


def test_threshold_per_vertical():
    s = Settings.load()
    assert s.grounding.threshold_for("supplements") > s.grounding.threshold_for("apparel")
