"""Bad types and unsafe patterns in settings are refused by name; bad paths are one line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from agent.errors import ConfigError, InputError
from agent.runtime import EscalationAgent
from agent.settings import Settings
from agent.settings_checks import unsafe_regex
from tests.fakes import SAMPLE_KB, LexicalRetriever


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[learning]\npropose = "no"\n', "learning.propose: Value error, must be true or false"),
        ('[learning]\npropose = "yes"\n', "learning.propose"),
        ("[learning]\npropose = 1.5\n", "learning.propose"),
        ("[knowledge]\ntop_k = true\n", "knowledge.top_k: Value error, must be a number"),
        ("max_message_chars = false\n", "max_message_chars"),
        ("[llm]\nturn_deadline_s = true\n", "llm.turn_deadline_s"),
        ('[triggers]\nvip_lifetime_value = "lots"\n', "triggers.vip_lifetime_value"),
        ("[handoff.queues.billing]\nwait_minutes = true\n", "handoff.queues.billing.wait_minutes"),
    ],
)
def test_a_bad_type_is_refused_naming_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "store.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        Settings.load(path)


def test_booleans_still_come_from_toml_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings.load(learning={"propose": False}).learning.propose is False
    monkeypatch.setenv("ESCALATE_LEARNING__PROPOSE", "false")
    assert Settings.load().learning.propose is False
    monkeypatch.setenv("ESCALATE_LEARNING__PROPOSE", "no")
    with pytest.raises(ConfigError, match="learning.propose"):
        Settings.load()


@pytest.mark.parametrize(
    "pattern", [r"(a+)+$", r"(a*)*b", r"(\w+\s?)+$", r"((ab)+c?)+", r"(?:x+y*)*z"]
)
def test_a_catastrophic_pattern_is_refused(pattern: str) -> None:
    with pytest.raises(ConfigError, match=r"triggers\.sensitive_extra.*catastrophic"):
        Settings.load(triggers={"sensitive_extra": {"store_credit": [pattern]}})


@pytest.mark.parametrize(
    "pattern", [r"\bgift ?cards?\b", r"(?:store|shop) credit", r"allerg(?:y|ies)", r"\d{4,}"]
)
def test_ordinary_patterns_are_kept(pattern: str) -> None:
    settings = Settings.load(triggers={"sensitive_extra": {"topic": [pattern]}})
    assert settings.triggers.sensitive_extra["topic"] == [pattern]


def test_the_refused_pattern_really_backtracks() -> None:
    import re

    assert unsafe_regex(r"(a+)+$") is not None
    started = time.monotonic()
    assert re.search(r"(a+)+$", "a" * 22 + "!") is None
    assert time.monotonic() - started > 0.05  # grows 2x per extra "a": what the check prevents


@pytest.fixture
def agent(tmp_path: Path) -> EscalationAgent:
    return EscalationAgent(Settings.load(data_dir=tmp_path), retriever=LexicalRetriever(SAMPLE_KB))


@pytest.mark.parametrize("online", ["no", "false", 0, 1, None])
def test_agents_online_must_be_a_real_boolean(agent: EscalationAgent, online: object) -> None:
    with pytest.raises(InputError, match="agents_online"):
        agent.send("c1", "hello", agents_online=online)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="agents_online"):
        agent.request_human("c1", agents_online=online)  # type: ignore[arg-type]


@pytest.mark.parametrize("staff", [True, False, 2.0, "3", -1])
def test_set_staff_takes_a_whole_number_only(agent: EscalationAgent, staff: object) -> None:
    with pytest.raises(InputError, match="agents_on_shift"):
        agent.set_staff("billing", staff)  # type: ignore[arg-type]
    agent.set_staff("billing", 3)


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('data_dir = "{file}/sub"\n', "data_dir {file}/sub: cannot create or write it"),
        (None, "is a folder, not a settings file"),
    ],
)
def test_an_unusable_path_is_one_line_and_exit_code_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    toml: str | None,
    said: str,
) -> None:
    from agent.cli import main

    a_file = tmp_path / "afile"
    a_file.write_text("not a folder")
    config = tmp_path / "store.toml"
    if toml is None:
        config.mkdir()
    else:
        config.write_text(toml.format(file=a_file))
    monkeypatch.setattr(sys, "argv", ["escalate", "show", "c1", "--config", str(config)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert said.format(file=a_file) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
