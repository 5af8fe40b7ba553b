"""Shopper, agent and KB text that looks like Rich markup is printed as typed, by every command.

(The curator's commands, ``kb review``, ``kb learned`` and ``kb gaps``, are covered with the
learning package's own CLI tests.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app, main

runner = CliRunner()
MARKUP = "[/bold] my [card] ends 4242 [red]x[/red] [link=http://x]"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "gift-cards.md").write_text(
        "# Gift cards [/bold]\n\n## Using one\n\nType the code shown as [card] at checkout; "
        "gift cards never expire.\n"
    )
    path = tmp_path / "store.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n[triggers.sensitive_extra]\n"[card]" = ["gift card"]\n'
    )
    assert runner.invoke(app, ["kb", "ingest", str(kb), "-c", str(path)]).exit_code == 0
    return path


def _run(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    return result.output


def test_every_command_prints_markup_like_text_as_typed(config: Path) -> None:
    c = str(config)
    _run("send", "c1", f"I want to talk to a person: {MARKUP}", "-c", c)
    assert "[card]" in _run("show", "c1", "-c", c) and "[/bold]" in _run("show", "c1", "-c", c)
    inbox = _run("inbox", "-c", c)
    ticket = next(w for w in inbox.split() if w.startswith("HO-"))
    opened = _run("inbox", "--show", ticket, "-c", c)
    assert "[card]" in opened and "[/bold]" in opened
    assert "[/i]Priya" in _run("reply", "c1", f"agent: {MARKUP}", "--agent", "[/i]Priya", "-c", c)
    assert "[card]" in _run("show", "c1", "-c", c)  # the agent's line too
    _run("resolve", "c1", f"Done: {MARKUP}", "-c", c)
    _run("outbox", "--all", "-c", c)
    _run("report", "-c", c)
    assert "[card]" in _run("kb", "search", "gift card code", "-c", c)
    assert "[card]" in _run("triggers", "-c", c)
    chat = _run("chat", "--conversation", "c2", "-c", c, stdin=f"{MARKUP}\n/human\n/quit\n")
    assert "[card]" in chat


def test_an_error_message_with_brackets_is_printed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "store.toml"
    bad.write_text('[triggers]\n"[/bold]" = 3\n')
    monkeypatch.setattr(sys, "argv", ["escalate", "triggers", "--config", str(bad)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "triggers.[/bold]: unknown key" in capsys.readouterr().err
