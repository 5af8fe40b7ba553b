"""The scheduler: with several replicas on one database, each job runs once per interval.

Replicas are schedulers with their own connection to the same SQLite file, or the same
PostgreSQL database (a fresh one per test, on the real server at 127.0.0.1:5432).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.service.scheduler import Job, Scheduler
from agent.storage import Storage, sqlite_storage
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)

INTERVAL = 10.0
SLOTS = 12
T0 = 1_800_000_000.0  # a slot boundary (divisible by INTERVAL)


class Runs:
    """Which replica ran which job when, from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log: list[tuple[str, str, float]] = []

    def job(self, name: str, replica: str, now: Callable[[], float]) -> Job:
        def run() -> None:
            with self.lock:
                self.log.append((name, replica, now()))

        return Job(name, run)

    def per_slot(self, name: str, interval: float = INTERVAL) -> Counter[int]:
        return Counter(int(at // interval) for job, _, at in self.log if job == name)


def _boom() -> None:
    raise RuntimeError("the helpdesk is down")


def _replicas(stores: list[Storage], runs: Runs, clock: list[float]) -> list[Scheduler]:
    out = []
    for i, storage in enumerate(stores):
        replica = f"r{i}"
        jobs = [
            runs.job("wait_updates", replica, lambda: clock[0]),
            Job("broken", _boom),
            runs.job("outbox", replica, lambda: clock[0]),
        ]
        out.append(Scheduler(jobs, storage.store, INTERVAL, clock=lambda: clock[0], holder=replica))
    return out


def _drive(schedulers: list[Scheduler], clock: list[float], slots: int) -> list[dict]:
    """Each slot, every replica ticks at once (threads released together), at skewed times."""
    outcomes: list[dict] = []
    for slot in range(slots):
        clock[0] = T0 + slot * INTERVAL + 0.5
        barrier = threading.Barrier(len(schedulers))

        def tick(s: Scheduler, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            outcomes.append(s.tick())

        threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    return outcomes


def _each_job_once_per_slot(stores: list[Storage]) -> None:
    runs, clock = Runs(), [T0]
    schedulers = _replicas(stores, runs, clock)
    outcomes = _drive(schedulers, clock, SLOTS)
    first = int(T0 // INTERVAL)
    for name in ("wait_updates", "outbox"):
        assert runs.per_slot(name) == Counter({first + i: 1 for i in range(SLOTS)}), name
    # the failing job was tried in every slot and never stopped the job after it
    assert all(o["broken"] in ("failed", "skipped") for o in outcomes)
    assert sum(o["broken"] == "failed" for o in outcomes) >= SLOTS
    assert {r for _, r, _ in runs.log} <= {"r0", "r1"}


@pytest.fixture
def sqlite_replicas(tmp_path: Path) -> Iterator[list[Storage]]:
    path = str(tmp_path / "shared.sqlite")
    stores = [sqlite_storage(path), sqlite_storage(path)]
    yield stores
    for s in stores:
        s.close()


def test_two_replicas_on_one_sqlite_file_run_each_job_once_per_interval(sqlite_replicas) -> None:
    _each_job_once_per_slot(sqlite_replicas)


def test_two_replicas_on_postgres_run_each_job_once_per_interval(database_url) -> None:  # noqa: F811
    from agent.storage_postgres import postgres_storage

    stores = [postgres_storage(database_url), postgres_storage(database_url)]
    try:
        _each_job_once_per_slot(stores)
    finally:
        for s in stores:
            s.close()


def test_a_restarted_replica_does_not_run_a_slot_again(sqlite_replicas) -> None:
    runs, clock = Runs(), [T0 + 1]
    first, second = (
        Scheduler(
            [runs.job("outbox", r, lambda: clock[0])], s.store, INTERVAL, clock=lambda: clock[0]
        )
        for r, s in zip(("a", "b"), sqlite_replicas, strict=True)
    )
    assert first.tick() == {"outbox": "ran"}
    assert second.tick() == {"outbox": "skipped"}  # same slot, other process
    assert first.tick() == {}  # already tried this slot: not even asked
    clock[0] += INTERVAL
    assert second.tick() == {"outbox": "ran"}
    assert first.tick() == {"outbox": "skipped"}
    assert first.leases.last("outbox")["holder"] == second.holder


def test_a_failed_daily_job_is_retried_next_interval_not_next_day(sqlite_replicas) -> None:
    attempts: list[float] = []
    clock = [T0 + 5]

    def flaky() -> None:
        attempts.append(clock[0])
        if len(attempts) == 1:
            raise RuntimeError("database busy")

    daily = [Job("retention", flaky, every_s=86_400.0)]
    a, b = (Scheduler(daily, s.store, INTERVAL, clock=lambda: clock[0]) for s in sqlite_replicas)
    assert a.tick() == {"retention": "failed"}
    clock[0] += INTERVAL
    assert b.tick() == {"retention": "ran"}  # handed back, so another replica may take it
    clock[0] += INTERVAL
    assert a.tick() == {"retention": "skipped"} and b.tick() == {}
    assert len(attempts) == 2


def test_the_loop_runs_on_real_time_and_stops_cleanly(sqlite_replicas) -> None:
    interval, runs = 0.25, Runs()
    schedulers = [
        Scheduler(
            [runs.job("outbox", f"r{i}", time.time), Job("broken", _boom)],
            s.store,
            interval,
        ).start()
        for i, s in enumerate(sqlite_replicas)
    ]
    time.sleep(interval * 8)
    assert all(s.running for s in schedulers)
    assert all(s.stop(timeout=10) for s in schedulers)
    assert not any(s.running for s in schedulers)
    ran = Counter((job, slot) for s in schedulers for job, slot, o in s.recent if o == "ran")
    outbox = [slot for job, slot in ran if job == "outbox"]
    assert max(ran.values()) == 1  # never twice in one interval, across both replicas
    assert len(outbox) == len(runs.log) >= 4  # a busy machine may miss a slot, not most
    assert sum(s.counts["outbox", "ran"] for s in schedulers) == len(outbox)
    assert sum(s.counts["broken", "failed"] for s in schedulers) >= len(outbox)
    count = len(runs.log)
    time.sleep(interval * 2)
    assert len(runs.log) == count  # stopped means stopped


def test_a_run_that_overruns_its_interval_is_never_joined(sqlite_replicas) -> None:
    clock, began, go_on = [T0 + 1], threading.Event(), threading.Event()
    runs: list[float] = []

    def slow() -> None:
        runs.append(clock[0])
        began.set()
        go_on.wait(20)

    a, b = (
        Scheduler([Job("slow", slow)], s.store, INTERVAL, clock=lambda: clock[0])
        for s in sqlite_replicas
    )
    first = threading.Thread(target=a.tick)
    first.start()
    assert began.wait(20)
    clock[0] += INTERVAL
    assert b.tick() == {"slow": "skipped"}  # a new slot, but the last run is still going
    go_on.set()
    first.join(20)
    clock[0] += INTERVAL
    assert b.tick() == {"slow": "ran"} and len(runs) == 2


def test_a_replica_that_died_mid_job_frees_it_when_its_hold_ends(sqlite_replicas) -> None:
    clock, runs = [T0 + 1], Runs()
    dead = Scheduler([], sqlite_replicas[0].store, INTERVAL, holder="dead")
    assert dead.leases.claim("outbox", int(clock[0] // INTERVAL), "dead", clock[0], 60.0)
    alive = Scheduler(
        [runs.job("outbox", "alive", lambda: clock[0])],
        sqlite_replicas[1].store,
        INTERVAL,
        clock=lambda: clock[0],
    )
    for _ in range(5):  # 50 s: still within the dead replica's hold
        clock[0] += INTERVAL
        assert alive.tick() == {"outbox": "skipped"}
    clock[0] += INTERVAL
    assert alive.tick() == {"outbox": "ran"}
    assert alive.leases.last("outbox")["busy_until"] is None  # ended: free for the next slot
