"""Stale-wait clean-up: the queue board forgets handoffs nobody is waiting on any more.

The board (agent/ops/board.py) counts a handoff as ahead of others while its record says
``waiting``, and sends its second wait update while it says so. It learns of pick-ups and
closes from the runtime; when that word never comes, the record would linger. The sweep
looks at every ``waiting`` and ``picked_up`` record and:

- **gone**: the conversation has no saved state any more (deleted by hand, or a forget cut
  short between the conversation and its records) -> closed, reason ``gone``;
- **not waiting**: the conversation is back with the bot (resolved) -> closed, ``resolved``;
- **superseded**: the conversation waits on a newer handoff -> closed, ``superseded``;
- **stuck**: still waiting, but opened more than ``board.stale_after`` ago (12 h by
  default) -> status ``stale``: it no longer counts as ahead of anyone and gets no
  update. The conversation itself is untouched (it still waits for a person, and its
  ticket is still in the helpdesk); the sweep logs a warning naming it.

A record opened less than ``GRACE_S`` ago is left alone: the board hears of a handoff
during its turn, before the turn's state is saved, so a sweep at that instant would find
the conversation "not waiting yet" and must not take it for resolved or gone.

A record closed here adds no handle time (nobody observed the close). Nothing else changes:
no conversation is resumed, resolved or deleted.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from agent.ops.board import HANDOFFS, QueueBoard

log = logging.getLogger(__name__)

_PAGE = 200
GRACE_S = 600.0
"""Far longer than any turn (their deadline is seconds)."""
ConversationLookup = Callable[[str], dict | None]
"""A conversation's saved state (its ``mode`` and ``handoff``), or None when it is gone."""


def _records(board: QueueBoard, status: str) -> list[tuple[str, dict]]:
    found, offset = [], 0
    while True:
        page = board.store.search(HANDOFFS, filter={"status": status}, limit=_PAGE, offset=offset)
        found += [(item.key, dict(item.value)) for item in page]
        if len(page) < _PAGE:
            return found
        offset += _PAGE


def _reason(handoff_id: str, state: dict | None) -> str | None:
    if not state:
        return "gone"
    if state.get("mode") != "human":
        return "resolved"
    if (state.get("handoff") or {}).get("id") != handoff_id:
        return "superseded"
    return None


def sweep_stale(
    board: QueueBoard, lookup: ConversationLookup, grace_s: float = GRACE_S
) -> dict[str, int]:
    """Retire what no one waits on; returns counts by reason (gone, resolved, superseded, stuck)."""
    now: datetime = board.clock()
    oldest, newest = now - board.stale_after, now - timedelta(seconds=grace_s)
    counts: Counter[str] = Counter()
    for status in ("waiting", "picked_up"):
        for key, record in _records(board, status):
            if datetime.fromisoformat(record["opened_at"]) > newest:
                continue  # its turn may not be saved yet
            reason = _reason(key, lookup(record["conversation_id"]))
            if reason is not None:
                closed = {"status": "closed", "closed_at": now.isoformat(), "closed_by": reason}
                board.store.put(HANDOFFS, key, {**record, **closed}, index=False)
                counts[reason] += 1
            elif status == "waiting" and datetime.fromisoformat(record["opened_at"]) < oldest:
                board.store.put(HANDOFFS, key, {**record, "status": "stale"}, index=False)
                log.warning(
                    "handoff %s (conversation %s) has waited since %s without a pick-up",
                    key, record["conversation_id"], record["opened_at"],
                )  # fmt: skip
                counts["stuck"] += 1
    return dict(counts)
