"""Two runtime processes serve the same conversations at once: no message lost or doubled."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.scale.workers import NO_LOOP, message, serve, warm_up

CIDS = ["shared-1", "shared-2"]
TURNS = 8
WORKERS = ["w1", "w2"]


@pytest.fixture(scope="module")
def runtimes() -> Iterator[tuple[ProcessPoolExecutor, Any]]:
    """Two runtime processes ("spawn": nothing inherited from pytest), reused by both engines."""
    ctx = multiprocessing.get_context("spawn")
    with (
        ctx.Manager() as manager,
        ProcessPoolExecutor(len(WORKERS), mp_context=ctx, initializer=warm_up) as pool,
    ):
        yield pool, manager


def run_two_processes(runtimes, data_dir: str, database_url: str | None) -> dict[str, list[str]]:
    pool, manager = runtimes
    barrier = manager.Barrier(len(WORKERS))  # both wait for each other: two processes, not one
    futures = {
        name: pool.submit(serve, name, data_dir, database_url, CIDS, TURNS, barrier)
        for name in WORKERS
    }
    return {name: future.result(timeout=120) for name, future in futures.items()}


@pytest.mark.parametrize("engine", ["postgres", "sqlite"])
def test_two_processes_share_conversations_without_losing_or_doubling_a_message(
    tmp_path, engine, request, runtimes
):
    database_url = request.getfixturevalue("database_url") if engine == "postgres" else None
    data_dir = str(tmp_path / "data")
    kinds = run_two_processes(runtimes, data_dir, database_url)
    for name in WORKERS:  # answered or handed off (the bot's call), never failed
        assert len(kinds[name]) == TURNS * len(CIDS)
        assert set(kinds[name]) <= {"answer", "handoff", "with_human"}, (name, kinds[name])

    settings = Settings.load(data_dir=data_dir, database_url=database_url, triggers=NO_LOOP)
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        for cid in CIDS:
            said = [t.text for t in agent.conversation(cid).transcript if t.role == "shopper"]
            assert len(said) == len(WORKERS) * TURNS, said  # none lost, none doubled
            for name in WORKERS:  # each message once, in the order its process sent them
                sent = [message(name, cid, i) for i in range(TURNS)]
                assert [s for s in said if f"[{name} " in s] == sent
        # and the two really did interleave (the test would prove little otherwise)
        said = [t.text for t in agent.conversation(CIDS[0]).transcript if t.role == "shopper"]
        owners = [s.split("[")[1].split()[0] for s in said]
        switches = sum(a != b for a, b in zip(owners, owners[1:], strict=False))
        assert switches >= 2, owners
