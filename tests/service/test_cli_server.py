"""`escalate pick-up / reply / resolve / kb review / kb learned --server URL`: the CLI as a
client of a running service, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from agent.cli import app, main
from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.auth import hash_key
from agent.settings import Settings
from tests.service.hooks_support import DANA, TORN, live_server
from tests.service.test_agent_curator_api import (
    AGENT_KEY,
    CURATOR_KEY,
    Clock,
    LearningRetriever,
    _proposal,
)

runner = CliRunner()


@pytest.fixture
def agent(tmp_path):
    agent = EscalationAgent(
        Settings.load(data_dir=tmp_path / "data", store_name="Northwind"),
        retriever=LearningRetriever(),
        clock=Clock(),
    )
    yield agent
    agent.close()


@pytest.fixture
def server(agent):
    keys = {"agent": [hash_key(AGENT_KEY)], "curator": [hash_key(CURATOR_KEY)]}
    with live_server(create_app(agent, api_keys=keys)) as url:
        yield url


def run(*args: str, key: str = AGENT_KEY, env: bool = False):
    extra = [] if env else ["--key", key]
    result = runner.invoke(app, [*args, *extra], env={"ESCALATE_API_KEY": key} if env else None)
    return result


def test_an_agent_works_a_conversation_from_the_terminal(agent, server):
    agent.send("c1", TORN, customer=DANA)
    picked = run("pick-up", "c1", "--agent", "Sam", "--server", server)
    assert picked.exit_code == 0, picked.output
    assert "picked up by Sam" in picked.output
    assert "already picked up" in run("pick-up", "c1", "--server", server).output
    sent = run(
        "reply", "c1", "Refund issued today.", "--agent", "Sam", "--server", server, env=True
    )
    assert sent.exit_code == 0, sent.output
    done = run("resolve", "c1", "Refunded NW-10482.", "--agent", "Sam", "--server", server)
    assert "resolved; mode is now bot" in done.output
    assert [(i.kind, i.text) for i in agent.feed.since("c1")] == [
        ("picked_up", ""),
        ("agent_message", "Refund issued today."),
        ("resolved", ""),
    ]
    assert agent.conversation("c1").mode == "bot"


def test_server_errors_are_one_clear_line(agent, server, monkeypatch, capsys):
    def escalate(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["escalate", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        return exit_.value.code

    assert escalate("reply", "nobody", "hello", "--server", server, "--key", AGENT_KEY) == 2
    err = capsys.readouterr().err
    assert "answered 404 (not_found: no conversation 'nobody')" in err and "Traceback" not in err
    assert escalate("reply", "c1", "hello", "--server", server, "--key", CURATOR_KEY) == 2
    assert "answered 403 (forbidden" in capsys.readouterr().err
    assert escalate("reply", "c1", "hello", "--server", "http://127.0.0.1:9", "--key", "k") == 2
    assert "cannot reach the service at http://127.0.0.1:9" in capsys.readouterr().err


def test_a_curator_reviews_from_the_terminal(agent, server):
    pid = _proposal(agent, "c1", "Do you offer gift wrapping for presents?", "Gift wrap is $4.95.")
    listed = run("kb", "review", "--server", server, key=CURATOR_KEY)
    assert listed.exit_code == 0 and pid in listed.output
    no_reason = run(
        "kb",
        "review",
        "--approve",
        pid,
        "--answer",
        "Gift wrap: $4.95.",
        "--server",
        server,
        key=CURATOR_KEY,
    )
    assert no_reason.exit_code != 0 and "reason" in str(no_reason.exception)
    approved = run(
        "kb",
        "review",
        "--approve",
        pid,
        "--answer",
        "Gift wrapping is $4.95 per order.",
        "--reason",
        "clearer",
        "--curator",
        "Ana",
        "--server",
        server,
        key=CURATOR_KEY,
    )
    assert approved.exit_code == 0, approved.output
    assert agent.context.retriever.learned_ids() == [f"learned/{pid}"]
    shown = run("kb", "learned", "--server", server, key=CURATOR_KEY)
    assert pid in shown.output
    revoked = run(
        "kb",
        "learned",
        "--revoke",
        pid,
        "--reason",
        "price changed",
        "--server",
        server,
        key=CURATOR_KEY,
    )
    assert revoked.exit_code == 0 and agent.context.retriever.learned_ids() == []


def test_an_id_with_a_slash_works_from_the_terminal(agent, server):
    agent.send("shop/a 1", TORN, customer=DANA)
    assert run("pick-up", "shop/a 1", "--agent", "Sam", "--server", server).exit_code == 0
    sent = run("reply", "shop/a 1", "On it.", "--agent", "Sam", "--server", server)
    assert sent.exit_code == 0, sent.output
    assert agent.conversation("shop/a 1").transcript[-1].text == "On it."
