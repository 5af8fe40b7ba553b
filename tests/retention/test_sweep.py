"""The retention sweep: conversations and handoff records older than N days go, metric events
lose the shopper's words; newer data stays (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from agent.cli import app
from agent.journal import Journal
from agent.metrics import EventLog
from tests.fakes import DANA
from tests.retention.conftest import Clock, MakeAgent
from tests.retention.test_forget import PRIYA, chat, mentioning


def test_old_conversations_and_records_go_and_new_ones_stay(make_agent: MakeAgent):
    clock = Clock()
    agent = make_agent(clock=clock, retention_days=30)
    chat(agent, "c-old", DANA)
    clock.now += timedelta(days=45)
    chat(agent, "c-new", PRIYA)
    clock.now += timedelta(days=1)

    counted = agent.apply_retention(apply=False)
    assert counted.conversations == ["c-old"] and agent.conversation("c-old").mode == "bot"
    done = agent.apply_retention()

    assert done.conversations == ["c-old"] and agent.conversation("c-old").mode == "new"
    assert done.removed == counted.removed
    assert (
        done.removed["outbox"],
        done.removed["inbox"],
        done.removed["queue_board/handoffs"],
    ) == (1, 1, 1)
    assert done.removed["journal"] >= 1  # what Dana wrote, message by message, goes too
    assert not [e for e in Journal(agent.store).owed() if e["conversation_id"] == "c-old"]
    assert not [
        i
        for i in agent.store.search(("journal",), limit=1000)
        if i.value["conversation_id"] == "c-old"
    ]
    assert [i for i in agent.store.search(("journal",), limit=1000)
            if i.value["conversation_id"] == "c-new"]  # fmt: skip
    old_events = [e for e in EventLog(agent.store).events() if e.conversation_id == "c-old"]
    assert old_events and all(not getattr(e, "question", "") for e in old_events)
    assert all(not getattr(e, "questions", []) for e in old_events)  # counted, words gone
    assert agent.conversation("c-new").mode == "bot"
    assert len([p for p in mentioning(agent, "c-new") if p in ("outbox", "inbox")]) == 2
    assert agent.apply_retention().empty  # nothing more to do


def test_no_retention_set_keeps_everything(make_agent: MakeAgent):
    agent = make_agent()
    chat(agent, "c1", DANA)
    report = agent.apply_retention()
    assert report.empty and report.notes == ["retention_days is not set"]
    assert agent.conversation("c1").mode == "bot"


def test_the_retention_command_is_a_dry_run_unless_applied(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ESCALATE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    refused = runner.invoke(app, ["retention"])
    assert refused.exit_code != 0 and "retention_days" in str(refused.exception or refused.output)
    dry = runner.invoke(app, ["retention", "--days", "30"])
    assert dry.exit_code == 0 and "would remove 0" in dry.output and "dry run" in dry.output
    applied = runner.invoke(app, ["retention", "--days", "30", "--apply", "--json"])
    assert applied.exit_code == 0 and '"applied": true' in applied.output
