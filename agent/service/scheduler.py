"""Scheduled work inside the service, run by exactly one replica per interval.

Time is cut into slots of each job's period: slot ``n`` is ``n * period <= epoch seconds <
(n + 1) * period``. Every replica wakes at each interval boundary and, for each job, tries
to claim (job, slot) in the shared database. The lease row ``scheduler_leases/<job>`` holds
the last slot claimed; a claim moves it from a smaller slot to this one in one atomic step
(agent/helpdesk/lease.py: SQLite ``UPDATE ... WHERE value = <what was read>``; PostgreSQL
``SELECT ... FOR UPDATE SKIP LOCKED`` and the ``UPDATE`` in one transaction). The first row
is created with ``INSERT ... ON CONFLICT DO NOTHING``. So one replica wins each slot and the
others skip it, however many start, stop or restart.

While a job runs its lease row says so (``busy_until``), so a run that overruns its
interval is never joined by a second one on another replica (a holder that died frees the
job when ``busy_until`` passes: ``Job.max_run_s``, by default ten intervals and at least a
minute). A job that raises is logged and the loop goes on with the next job. Its slot is
handed back (the lease returns to the previous slot), so a daily job that failed is tried
again at the next interval, not the next day. The loop is one daemon thread (the jobs block on the
database and the helpdesks, never on the event loop); :meth:`Scheduler.stop` lets the job
in flight finish, then joins.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from langgraph.store.base import BaseStore

from agent.helpdesk.lease import claim_row, create_row

log = logging.getLogger(__name__)

LEASES = ("scheduler_leases",)
Outcome = Literal["ran", "failed", "skipped", "lock_failed"]
_memory_lock = threading.Lock()  # stores without a database (tests) are one process
_FINISH_TRIES = 200


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every_s: float | None = None
    """Its period; None: the scheduler's interval (``service.scheduler_interval_s``)."""
    max_run_s: float | None = None
    """How long a run may hold the job before another replica may start it (the holder
    is presumed dead); None: ten intervals, at least a minute."""


class SlotLeases:
    """Who runs which job in which slot, in the shared records store.

    A lease row: ``{"slot", "holder", "at", "busy_until"}``. ``busy_until`` (Unix time) is
    set while the job runs and cleared when it ends, so a job that overruns its interval
    is never started a second time beside itself; a holder that died mid-job frees the
    job when ``busy_until`` passes.
    """

    def __init__(self, store: BaseStore) -> None:
        self.store = store
        self._rows: set[str] = set()  # lease rows known to exist: no INSERT attempt needed

    def claim(self, job: str, slot: int, holder: str, now: float, hold_s: float) -> bool:
        """True for exactly one caller per (job, slot), across processes sharing the store,
        and never while the job's previous run is still going (within ``hold_s``)."""
        new = {"slot": slot, "holder": holder, "at": _iso(now), "busy_until": now + hold_s}

        def free(v: dict | None) -> bool:
            if v is None:
                return True
            idle = v.get("busy_until") is None or float(v["busy_until"]) <= now
            return int(v.get("slot", -1)) < slot and idle

        if job not in self._rows:
            created = create_row(self.store, LEASES[0], job, new)
            if created is NotImplemented:
                return self._swap_in_memory(job, free, new)
            self._rows.add(job)
            if created:
                return True
        return claim_row(self.store, LEASES[0], job, lambda v: new if free(v) else None) is not None

    def finish(self, job: str, slot: int, holder: str, *, failed: bool = False) -> bool:
        """The run of ``slot`` ended: the job is free again. ``failed``: also hand the slot
        back, so the next claim of it wins (the job is retried)."""

        def ours(v: dict | None) -> bool:
            return v is not None and v.get("slot") == slot and v.get("holder") == holder

        def done(v: dict | None) -> dict | None:
            if not ours(v):
                return None
            return {**(v or {}), "busy_until": None, **({"slot": slot - 1} if failed else {})}

        for _ in range(_FINISH_TRIES):
            taken = claim_row(self.store, LEASES[0], job, done)
            if taken is NotImplemented:
                item = self.store.get(LEASES, job)
                after = done(dict(item.value) if item else None)
                return after is not None and self._swap_in_memory(job, ours, after)
            if taken is not None:
                return True
            if not ours(self.last(job)):
                return False
            # still ours: another replica's claim holds the row this instant (PostgreSQL's
            # SKIP LOCKED, SQLite's compare-and-swap lost); a claim is short, so try again
            time.sleep(0.01)
        return False

    def last(self, job: str) -> dict | None:
        item = self.store.get(LEASES, job)
        return dict(item.value) if item else None

    def _swap_in_memory(self, job: str, ok: Callable[[dict | None], bool], new: dict) -> bool:
        with _memory_lock:
            item = self.store.get(LEASES, job)
            if not ok(dict(item.value) if item else None):
                return False
            self.store.put(LEASES, job, new, index=False)
            return True


def _iso(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat()


class Scheduler:
    """Runs ``jobs`` every ``interval_s`` (or each job's own period), one replica per slot."""

    def __init__(
        self,
        jobs: list[Job],
        store: BaseStore,
        interval_s: float,
        *,
        clock: Callable[[], float] = time.time,
        holder: str | None = None,
    ) -> None:
        self.jobs, self.interval_s, self.clock = list(jobs), interval_s, clock
        self.leases = SlotLeases(store)
        self.holder = holder or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        """Names this replica in the lease rows (for whoever reads them)."""
        self._tried: dict[str, int] = {}
        self.counts: Counter[tuple[str, Outcome]] = Counter()
        """(job, outcome) -> how many times, since this replica started (for /metrics)."""
        self.recent: deque[tuple[str, int, Outcome]] = deque(maxlen=500)
        """The latest (job, slot, outcome) of this replica, newest last."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self, now: float | None = None) -> dict[str, Outcome]:
        """Claim and run each job whose slot this replica has not yet tried."""
        now = self.clock() if now is None else now
        outcomes: dict[str, Outcome] = {}
        for job in self.jobs:
            slot = int(now // (job.every_s or self.interval_s))
            if self._tried.get(job.name) == slot:
                continue
            self._tried[job.name] = slot
            outcome = outcomes[job.name] = self._run(job, slot)
            self.counts[job.name, outcome] += 1
            self.recent.append((job.name, slot, outcome))
        return outcomes

    def _run(self, job: Job, slot: int) -> Outcome:
        hold = job.max_run_s or max(60.0, 10 * self.interval_s)
        try:
            if not self.leases.claim(job.name, slot, self.holder, self.clock(), hold):
                return "skipped"
        except Exception:  # noqa: BLE001 - a database blip skips a slot, never the loop
            log.exception(
                "scheduler: cannot claim %s (slot %d); trying next interval", job.name, slot
            )
            self._tried.pop(job.name, None)
            return "lock_failed"
        started = time.monotonic()
        outcome: Outcome = "ran"
        try:
            job.run()
        except Exception:  # noqa: BLE001 - one failing job never stops the others
            log.exception("scheduler: job %s failed; it runs again next interval", job.name)
            self._tried.pop(job.name, None)
            outcome = "failed"
        try:
            self.leases.finish(job.name, slot, self.holder, failed=outcome == "failed")
        except Exception:  # noqa: BLE001 - the lease frees itself when busy_until passes
            log.warning("scheduler: could not free %s", job.name, exc_info=True)
        log.info("scheduler: %s %s in %.3f s", job.name, outcome, time.monotonic() - started)
        return outcome

    # -- the loop ---------------------------------------------------------------------

    def start(self) -> Scheduler:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="escalate-scheduler", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop after the job in flight; True when the thread has ended."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - tick already guards each job; belt and braces
                log.exception("scheduler: tick failed")
            # wake just after the next boundary, when every replica wakes too
            self._stop.wait(self.interval_s - self.clock() % self.interval_s + 0.005)
