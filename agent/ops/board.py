"""The queue board: who is waiting in which queue, kept in the records store.

The runtime reports what happens (a handoff opened, picked up, closed; how
many agents are on shift) and asks the board two things: the state of a queue
(for an honest wait estimate) and which shoppers are due their second update.
Nothing here runs on its own: no thread, no timer.

Records (namespace ``("queue_board", ...)``):
    handoffs/<handoff id>  {conversation_id, queue, status, opened_at, picked_up_at,
                            closed_at, update_sent}   status: waiting|picked_up|closed
    staff/<queue>          {agents_on_shift, at}
    handle_times/<queue>   {samples: [[closed_at, seconds], ...]}  (trailing window)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from langgraph.store.base import BaseStore

from agent.errors import InputError
from agent.ops.waits import QueueState, WaitEstimate, estimate_wait, update_phrase

if TYPE_CHECKING:
    from agent.settings import HandoffSettings

HANDOFFS = ("queue_board", "handoffs")
STAFF = ("queue_board", "staff")
HANDLE_TIMES = ("queue_board", "handle_times")
_PAGE = 200
_DEFAULT_HANDLE_S = 300.0


@dataclass(frozen=True)
class DueUpdate:
    conversation_id: str
    handoff_id: str
    message: str
    """The second update, with a fresh estimate (in English; see ``estimate``)."""
    estimate: WaitEstimate | None = field(default=None, compare=False)
    """The fresh estimate, to say the update in the shopper's language."""


def _stamp(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InputError("the queue board needs aware datetimes (UTC from the clock)")
    return at.astimezone(UTC).isoformat()


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


class QueueBoard:
    """Open handoffs, staffing and recent handle times per queue, over a ``BaseStore``."""

    def __init__(
        self,
        store: BaseStore,
        clock: Callable[[], datetime],
        typical_handle_s: Mapping[str, float] | None = None,
        *,
        assumed_agents: int = 1,
        window_count: int = 50,
        window_days: float = 7,
        stale_after_s: float = 12 * 3600,
    ) -> None:
        self.store, self.clock = store, clock
        self.typical_handle_s = dict(typical_handle_s or {})
        """Per queue: the configured handle time used until a queue has history."""
        self.assumed_agents = assumed_agents
        """Agents on shift for a queue whose presence the runtime never reported."""
        self.window_count, self.window = window_count, timedelta(days=window_days)
        self.stale_after = timedelta(seconds=stale_after_s)
        """A handoff still 'waiting' this long was closed without the runtime telling us
        (no picked_up/closed call): it no longer counts as ahead of anyone."""

    @classmethod
    def for_settings(
        cls, store: BaseStore, handoff: HandoffSettings, clock: Callable[[], datetime]
    ) -> QueueBoard:
        typical = {name: q.typical_handle_s for name, q in handoff.queues.items()}
        return cls(store, clock, typical)

    # -- what happened ----------------------------------------------------------------

    def opened(
        self, handoff_id: str, conversation_id: str, queue: str, at: datetime | None = None
    ) -> None:
        """A handoff joined ``queue``. Reporting it twice changes nothing."""
        if self.store.get(HANDOFFS, handoff_id) is not None:
            return
        record = {
            "conversation_id": conversation_id,
            "queue": queue,
            "status": "waiting",
            "opened_at": _stamp(at or self.clock()),
            "picked_up_at": None,
            "closed_at": None,
            "update_sent": False,
        }
        self.store.put(HANDOFFS, handoff_id, record, index=False)

    def picked_up(self, handoff_id: str, at: datetime | None = None) -> None:
        """An agent took the handoff: it no longer waits."""
        self._change(
            handoff_id, "waiting", status="picked_up", picked_up_at=_stamp(at or self.clock())
        )

    def closed(self, handoff_id: str, at: datetime | None = None) -> None:
        """The agent is done (or the shopper left); a picked-up handoff adds a handle time."""
        record = self._record(handoff_id)
        if record is None or record["status"] == "closed":
            return
        when = at or self.clock()
        self._change(handoff_id, record["status"], status="closed", closed_at=_stamp(when))
        if record["picked_up_at"]:
            seconds = (when - _time(record["picked_up_at"])).total_seconds()
            self._add_handle_time(record["queue"], when, max(seconds, 0.0))

    def set_staff(self, queue: str, agents_on_shift: int) -> None:
        """The runtime's report of how many agents work ``queue`` now."""
        value = {"agents_on_shift": max(agents_on_shift, 0), "at": _stamp(self.clock())}
        self.store.put(STAFF, queue, value, index=False)

    def update_sent(self, handoff_id: str) -> None:
        """The second update went out: never send it again."""
        record = self._record(handoff_id)
        if record is not None:
            self.store.put(HANDOFFS, handoff_id, {**record, "update_sent": True}, index=False)

    # -- what the runtime asks ----------------------------------------------------------

    def staff(self, queue: str) -> int:
        item = self.store.get(STAFF, queue)
        return int(item.value["agents_on_shift"]) if item else self.assumed_agents

    def state(self, queue: str, before_handoff_id: str | None = None) -> QueueState:
        """Staff, handoffs waiting ahead (all waiting ones, or those opened before the given one)
        and recent handle times."""
        waiting = self._waiting(queue)
        mine = next((r for k, r in waiting if k == before_handoff_id), None)
        if mine is not None:
            cutoff = _time(mine["opened_at"])
            ahead = sum(1 for _, r in waiting if _time(r["opened_at"]) < cutoff)
        else:
            ahead = len(waiting)
        return QueueState(self.staff(queue), ahead, self.handle_times(queue))

    def estimate(self, queue: str, before_handoff_id: str | None = None) -> WaitEstimate:
        """``estimate_wait`` on the queue's state, with its configured handle time as fallback."""
        typical = self.typical_handle_s.get(queue, _DEFAULT_HANDLE_S)
        return estimate_wait(self.state(queue, before_handoff_id), typical)

    def handle_times(self, queue: str) -> list[float]:
        """Handle times (seconds) of the last ``window_count`` closes within ``window_days``."""
        item = self.store.get(HANDLE_TIMES, queue)
        since = self.clock() - self.window
        samples = item.value["samples"] if item else []
        return [s for stamp, s in samples if _time(stamp) >= since][-self.window_count :]

    def due_updates(self, now: datetime | None = None, after_s: float = 120) -> list[DueUpdate]:
        """Handoffs waiting ``after_s`` or longer that have not had their second update.

        Call ``update_sent`` once a message is delivered; until then it stays due.
        """
        cutoff = (now or self.clock()) - timedelta(seconds=after_s)
        due = [
            (record["opened_at"], key, record)
            for key, record in self._waiting(None)
            if not record["update_sent"] and _time(record["opened_at"]) <= cutoff
        ]
        updates = []
        for _, key, r in sorted(due, key=lambda d: (d[0], d[1])):
            estimate = self.estimate(r["queue"], key)
            updates.append(DueUpdate(r["conversation_id"], key, update_phrase(estimate), estimate))
        return updates

    def open_handoffs(self, queue: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Handoffs waiting for a person or owned by one (oldest first), for the agents' inbox."""
        found = self._waiting(queue)
        where = {"status": "picked_up", **({"queue": queue} if queue is not None else {})}
        offset = 0
        while True:
            page = self.store.search(HANDOFFS, filter=where, limit=_PAGE, offset=offset)
            found += [(item.key, dict(item.value)) for item in page]
            if len(page) < _PAGE:
                break
            offset += _PAGE
        return sorted(found, key=lambda kr: (kr[1]["opened_at"], kr[0]))

    # -- records ------------------------------------------------------------------------

    def _with_status(self, status: str) -> list[tuple[str, dict[str, Any]]]:
        found, offset = [], 0
        while True:
            page = self.store.search(
                HANDOFFS, filter={"status": status}, limit=_PAGE, offset=offset
            )
            found += [(item.key, dict(item.value)) for item in page]
            if len(page) < _PAGE:
                return found
            offset += _PAGE

    def _record(self, handoff_id: str) -> dict[str, Any] | None:
        item = self.store.get(HANDOFFS, handoff_id)
        return dict(item.value) if item else None

    def _change(self, handoff_id: str, from_status: str, **changes: Any) -> None:
        record = self._record(handoff_id)
        if record is not None and record["status"] == from_status:
            self.store.put(HANDOFFS, handoff_id, {**record, **changes}, index=False)

    def _waiting(self, queue: str | None) -> list[tuple[str, dict[str, Any]]]:
        where = {"status": "waiting", **({"queue": queue} if queue is not None else {})}
        found, offset = [], 0
        while True:
            page = self.store.search(HANDOFFS, filter=where, limit=_PAGE, offset=offset)
            found += [(item.key, dict(item.value)) for item in page]
            if len(page) < _PAGE:
                break
            offset += _PAGE
        oldest = self.clock() - self.stale_after
        for key, record in found:
            if _time(record["opened_at"]) < oldest:  # retire it, so it is not read again
                self.store.put(HANDOFFS, key, {**record, "status": "stale"}, index=False)
        return [(k, r) for k, r in found if _time(r["opened_at"]) >= oldest]

    def _add_handle_time(self, queue: str, at: datetime, seconds: float) -> None:
        item = self.store.get(HANDLE_TIMES, queue)
        since = at - self.window
        samples = [s for s in (item.value["samples"] if item else []) if _time(s[0]) >= since]
        samples = [*samples, [_stamp(at), seconds]][-self.window_count :]
        self.store.put(HANDLE_TIMES, queue, {"samples": samples}, index=False)
