"""The service's scheduled jobs, and the app's lifespan that runs them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.ops.board import HANDOFFS
from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.hub import EventHub
from agent.service.jobs import service_jobs, stale_waits, wait_updates
from agent.settings import Settings
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _agent(tmp_path: Path, clock: Clock, **settings: object) -> EscalationAgent:
    return EscalationAgent(Settings(data_dir=tmp_path, **settings), clock=clock, warm_up=False)


def _board(agent: EscalationAgent, handoff_id: str) -> dict:
    item = agent.store.get(HANDOFFS, handoff_id)
    assert item is not None
    return dict(item.value)


class Hub(EventHub):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, dict]] = []

    def publish(self, conversation_id: str, event: dict) -> None:
        self.published.append((conversation_id, event))


def test_wait_updates_reach_the_feed_and_wake_the_widget(tmp_path: Path) -> None:
    clock = Clock(NOON)
    with _agent(tmp_path, clock) as agent:
        agent.request_human("c-wait")
        hub = Hub()
        assert wait_updates(agent, hub) == 0  # not two minutes yet
        clock.at += timedelta(minutes=3)
        assert wait_updates(agent, hub) == 1
        assert wait_updates(agent, hub) == 0  # the second update is sent once
        [item] = agent.feed.since("c-wait")
        assert item.kind == "wait_update" and "waiting" in item.text
        assert hub.published == [("c-wait", {"kind": "wait_update", "text": item.text})]


def test_stale_waits_are_retired_and_live_ones_kept(tmp_path: Path) -> None:
    clock = Clock(NOON)
    with _agent(tmp_path, clock) as agent:
        ids = {}
        for cid in ("c-resolved", "c-forgotten", "c-live", "c-stuck"):
            ids[cid] = agent.request_human(cid).handoff.id  # type: ignore[union-attr]
        agent.picked_up("c-resolved")
        agent.resolve("c-resolved", "Refunded.")
        # the runtime was never told of this close: the board still says "picked_up"
        record = _board(agent, ids["c-resolved"])
        agent.store.put(HANDOFFS, ids["c-resolved"], {**record, "status": "picked_up"}, index=False)
        # a forget cut short after the conversation went, before its records did
        agent.checkpointer.delete_thread("c-forgotten")
        stuck = _board(agent, ids["c-stuck"])
        opened = (NOON - timedelta(hours=13)).isoformat()
        agent.store.put(HANDOFFS, ids["c-stuck"], {**stuck, "opened_at": opened}, index=False)

        assert stale_waits(agent) == {"stuck": 1}  # the others are too fresh to judge
        # a handoff whose turn is not saved yet (the board hears of it mid-turn)
        agent.board.opened("HO-FRESH", "c-new", "general")
        clock.at += timedelta(minutes=11)
        agent.board.opened("HO-MIDTURN", "c-midturn", "general")
        counts = stale_waits(agent)
        assert counts == {"resolved": 1, "gone": 2}  # c-forgotten, and c-new never saved
        assert _board(agent, "HO-MIDTURN")["status"] == "waiting"
        assert _board(agent, ids["c-resolved"])["closed_by"] == "resolved"
        assert _board(agent, ids["c-stuck"])["status"] == "stale"
        assert _board(agent, "HO-FRESH")["closed_by"] == "gone"
        assert _board(agent, ids["c-live"])["status"] == "waiting"
        assert agent.conversation("c-stuck").mode == "human"  # the conversation still waits
        assert stale_waits(agent) == {}  # nothing left to do


def test_the_jobs_follow_the_settings(tmp_path: Path) -> None:
    with _agent(tmp_path, Clock(NOON)) as agent:
        assert [j.name for j in service_jobs(agent, EventHub())] == [
            "wait_updates", "outbox", "stale_waits",
        ]  # fmt: skip
    with _agent(tmp_path / "r", Clock(NOON), retention_days=30) as agent:
        jobs = {j.name: j for j in service_jobs(agent, EventHub())}
        assert jobs["retention"].every_s == 86_400.0


def test_the_app_runs_the_scheduler_while_it_serves(tmp_path: Path) -> None:
    clock = Clock(NOON)
    settings = {"service": {"scheduler_interval_s": 0.05}}
    with _agent(tmp_path, clock, **settings) as agent:
        agent.request_human("c-app")
        clock.at += timedelta(minutes=3)
        app = create_app(agent, dev=True)
        assert not app.state.scheduler.running
        with TestClient(app):
            assert app.state.scheduler.running
            deadline = time.monotonic() + 20
            while not agent.feed.since("c-app") and time.monotonic() < deadline:
                time.sleep(0.02)
            assert [i.kind for i in agent.feed.since("c-app")] == ["wait_update"]
            lease = app.state.scheduler.leases.last("wait_updates")
            assert lease is not None and lease["holder"] == app.state.scheduler.holder
        assert not app.state.scheduler.running  # the lifespan stopped it
        assert create_app(agent, dev=True, scheduler=False).state.scheduler is None


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_two_replicas_send_a_shopper_one_wait_update(tmp_path: Path, request, engine) -> None:
    url = request.getfixturevalue("database_url") if engine == "postgres" else None
    clock = Clock(NOON)
    settings = {"service": {"scheduler_interval_s": 0.1}, "database_url": url}
    replicas = [_agent(tmp_path, clock, **settings) for _ in range(2)]
    try:
        for n in range(5):
            replicas[n % 2].request_human(f"c-{n}")
        clock.at += timedelta(minutes=3)
        apps = [create_app(agent, dev=True) for agent in replicas]
        for app in apps:
            app.state.scheduler.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if all(replicas[0].feed.since(f"c-{n}") for n in range(5)):
                break
            time.sleep(0.05)
        time.sleep(0.5)  # a few more intervals: nothing may come twice
        assert all(app.state.scheduler.stop(timeout=10) for app in apps)
        for n in range(5):
            assert [i.kind for i in replicas[1].feed.since(f"c-{n}")] == ["wait_update"]
        ran = [s for app in apps for j, s, o in app.state.scheduler.recent if j == "wait_updates" and o == "ran"]  # fmt: skip
        assert len(ran) == len(set(ran))  # one replica per interval
    finally:
        for agent in replicas:
            agent.close()
