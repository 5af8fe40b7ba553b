"""Conversations and records in the real PostgreSQL server: restarts, locks, outages."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import pytest

import agent.storage as storage
import agent.storage_postgres as storage_postgres
from agent.errors import ConfigError, StorageError
from agent.runtime import EscalationAgent
from agent.settings import Settings
from agent.storage import open_storage, sqlite_storage
from agent.storage_postgres import PostgresLimits, postgres_storage, redact
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.scale.conftest import PG_HOST, PG_PORT, terminate_backends
from tests.scale.proxy import TcpProxy

RETURNS = "How many days do I have to return unworn items?"
SHIPPING = "How much is standard shipping?"


def make_agent(tmp_path, database_url: str) -> EscalationAgent:
    settings = Settings.load(data_dir=tmp_path / "data", database_url=database_url)
    return EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))


def shopper_lines(agent: EscalationAgent, cid: str) -> list[str]:
    return [t.text for t in agent.conversation(cid).transcript if t.role == "shopper"]


def test_a_conversation_survives_a_restart(tmp_path, database_url):
    with make_agent(tmp_path, database_url) as first:
        assert first.send("c1", RETURNS).kind == "answer"
        assert first.storage.where == database_url
    with make_agent(tmp_path, database_url) as second:  # a new process, the same database
        assert shopper_lines(second, "c1") == [RETURNS]
        assert second.send("c1", SHIPPING).kind == "answer"
        transcript = second.conversation("c1").transcript
    assert [t.text for t in transcript if t.role == "shopper"] == [RETURNS, SHIPPING]
    assert len(transcript) == 4  # two questions, two answers
    assert not (tmp_path / "data" / "conversations.sqlite").exists()  # nothing went to SQLite


def test_records_survive_a_restart(tmp_path, database_url):
    with make_agent(tmp_path, database_url) as first:
        first.store.put(("outbox",), "h-1", {"status": "pending", "attempts": 2})
        first.store.put(("events",), "e-1", {"type": "handoff"})
    with make_agent(tmp_path, database_url) as second:
        assert second.store.get(("outbox",), "h-1").value == {"status": "pending", "attempts": 2}
        assert [i.key for i in second.store.search(("events",))] == ["e-1"]


def test_open_storage_goes_to_postgres_and_setup_is_idempotent(tmp_path, database_url):
    settings = Settings.load(data_dir=tmp_path / "data", database_url=database_url)
    for _ in range(2):  # the second open finds the schema in place
        storage = open_storage(settings)
        assert type(storage.checkpointer).__name__ == "PostgresSaver"
        assert type(storage.store).__name__ == "PostgresStore"
        storage.close()


def test_several_processes_may_create_the_schema_at_once(database_url):
    barrier = threading.Barrier(4)
    opened, failed = [], []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(postgres_storage(database_url))
        except Exception as exc:  # collected, so that the assertion shows it
            failed.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed and len(opened) == 4
    opened[0].store.put(("events",), "e-1", {"type": "x"})
    assert opened[3].store.get(("events",), "e-1").value == {"type": "x"}
    for opened_storage in opened:
        opened_storage.close()


def test_a_url_libpq_cannot_read_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="database_url .*bogus"):
        make_agent(tmp_path, "postgresql://127.0.0.1:5432/x?bogus=1")
    with pytest.raises(ConfigError, match="must be a postgresql:// URL, not 'mysql'"):
        make_agent(tmp_path, "mysql://127.0.0.1/x")


def test_an_unreachable_server_is_a_clear_error_that_hides_the_password(tmp_path):
    port = TcpProxy((PG_HOST, PG_PORT)).port  # a free port: nothing listens on it
    url = f"postgresql://shop:hunter2@127.0.0.1:{port}/shop"
    with pytest.raises(StorageError) as err:
        make_agent(tmp_path, url)
    message = str(err.value)
    assert f"127.0.0.1:{port}/shop" in message and "refused" in message
    assert "hunter2" not in message and "shop:***@" in message
    assert redact("postgresql://a:b@h:5/d") == "postgresql://a:***@h:5/d"
    assert redact("postgresql://h/d") == "postgresql://h/d"


@pytest.mark.parametrize("engine", ["postgres", "sqlite"])
def test_the_conversation_lock_excludes_other_processes(
    tmp_path, database_url, monkeypatch, engine
):
    monkeypatch.setattr(storage, "LOCK_TIMEOUT_S", 0.5)
    if engine == "postgres":
        limits = PostgresLimits(lock_timeout=0.5)
        a, b = postgres_storage(database_url, limits), postgres_storage(database_url, limits)
    else:
        path = str(tmp_path / "conversations.sqlite")
        a, b = sqlite_storage(path), sqlite_storage(path)
    try:
        with a.lock("c1"):
            with b.lock("c2"):  # another conversation is not held up
                pass
            started = time.monotonic()
            busy = pytest.raises(StorageError, match="'c1' is still busy in another process")
            with busy, b.lock("c1"):
                pass
            assert time.monotonic() - started < 5
        with b.lock("c1"):  # released at the end of the turn
            pass
    finally:
        a.close()
        b.close()


def test_a_turn_that_cannot_get_the_lock_is_an_error_reply(
    tmp_path, database_url, monkeypatch, caplog
):
    monkeypatch.setattr(
        storage_postgres, "LIMITS", replace(storage_postgres.LIMITS, lock_timeout=0.5)
    )
    peer = postgres_storage(database_url)
    with make_agent(tmp_path, database_url) as agent:
        with peer.lock("c1"):  # another process is stuck in a turn of c1
            reply = agent.send("c1", RETURNS)
        assert reply.kind == "error"
        assert "still busy in another process" in caplog.text
        assert agent.send("c1", RETURNS).kind == "answer"  # the peer let go
        assert shopper_lines(agent, "c1") == [RETURNS]
    peer.close()


def test_connections_the_server_dropped_are_replaced(tmp_path, database_url):
    with make_agent(tmp_path, database_url) as agent:
        assert agent.send("c1", RETURNS).kind == "answer"
        assert terminate_backends(database_url) >= 1  # e.g. the server restarted, or a failover
        assert agent.send("c1", SHIPPING).kind == "answer"
        assert shopper_lines(agent, "c1") == [RETURNS, SHIPPING]


def test_the_database_going_away_mid_run_gives_error_replies_then_recovers(
    tmp_path, database_url, monkeypatch, caplog
):
    monkeypatch.setattr(
        storage_postgres,
        "LIMITS",
        replace(storage_postgres.LIMITS, pool_timeout=1.0, connect_timeout=2),
    )
    proxy = TcpProxy((PG_HOST, PG_PORT))
    proxy.start()
    name = database_url.rsplit("/", 1)[1]
    try:
        with make_agent(tmp_path, f"postgresql://127.0.0.1:{proxy.port}/{name}") as agent:
            assert agent.send("c1", RETURNS).kind == "answer"
            proxy.stop()  # the database is gone: open connections cut, new ones refused
            caplog.clear()
            started = time.monotonic()
            with caplog.at_level(logging.ERROR):
                down = agent.send("c1", SHIPPING)
            assert down.kind == "error" and "conversation is saved" in down.messages[0]
            assert time.monotonic() - started < 10  # bounded by the timeouts, not hanging
            failed = [r for r in caplog.records if "turn failed for conversation c1" in r.message]
            assert failed and isinstance(failed[0].exc_info[1], StorageError)
            assert f"PostgreSQL at postgresql://127.0.0.1:{proxy.port}/{name}" in caplog.text
            with pytest.raises(StorageError):
                agent.conversation("c1")  # a read says so too: it never invents an empty one
            proxy.start()  # the database is back
            assert agent.send("c1", SHIPPING).kind == "answer"
            assert shopper_lines(agent, "c1") == [RETURNS, SHIPPING]
    finally:
        proxy.stop()
