"""The retention sweep: what is older than N days goes.

- conversations whose last line is older: every checkpoint deleted;
- outbox items, local-inbox tickets and queue-board entries (each holds a handoff package:
  transcript, customer, orders) older than that: deleted;
- the message journal (what the shopper wrote and was told, per message) of a deleted
  conversation, or older than that: deleted;
- metric events older than that keep their counts and times but lose the shopper's words
  (``question``, ``questions``), so reports over old periods still add up;
- learned answers are left alone: they are scrubbed shop knowledge a curator approved.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from agent.errors import InputError
from agent.retention.checkpoints import threads
from agent.retention.compact import compact
from agent.retention.records import JOURNAL, PERSONAL, all_items, record_time, under
from agent.retention.report import Report, place

__all__ = ["PERSONAL_EVENT_FIELDS", "sweep"]

PERSONAL_EVENT_FIELDS = {"question": "", "questions": []}
"""Metric event fields that hold what the shopper wrote, and what they become."""


def sweep(
    checkpointer: BaseCheckpointSaver,
    store: BaseStore,
    days: int,
    now: datetime,
    *,
    apply: bool = False,
    lock: Callable[[str], AbstractContextManager[object]] = lambda cid: nullcontext(),
) -> Report:
    """Delete (``apply``) or count (the default) what is older than ``days`` days at ``now``."""
    if not isinstance(days, int) or days < 1:
        raise InputError(f"retention days must be a whole number, 1 or more, not {days!r}")
    if now.tzinfo is None:
        raise InputError("now must be a timezone-aware datetime")
    cutoff = now - timedelta(days=days)
    report = Report(applied=apply)
    report.conversations = sorted(
        t.thread_id for t in threads(checkpointer) if t.last_active < cutoff
    )
    if apply:
        for cid in report.conversations:
            with lock(cid):
                checkpointer.delete_thread(cid)
    gone = set(report.conversations)
    for item in all_items(store):
        namespace = tuple(item.namespace)
        if under(namespace, JOURNAL) and item.value.get("conversation_id") in gone:
            report.removed[place(namespace)] += 1  # goes with its conversation, whatever its age
            if apply:
                store.delete(namespace, item.key)
            continue
        if record_time(item) >= cutoff:
            continue
        if under(namespace, (*PERSONAL, *JOURNAL)):
            report.removed[place(namespace)] += 1
            if apply:
                store.delete(namespace, item.key)
        elif namespace[0] == "events" and _personal(item.value):
            report.redacted[f"{place(namespace)} (the shopper's words)"] += 1
            if apply:
                store.put(namespace, item.key, {**item.value, **_cleared(item.value)}, index=False)
    if apply and not report.empty:
        report.notes.append(compact(checkpointer))
    return report


def _personal(value: dict) -> bool:
    return any(value.get(k) for k in PERSONAL_EVENT_FIELDS)


def _cleared(value: dict) -> dict:
    return {k: empty for k, empty in PERSONAL_EVENT_FIELDS.items() if k in value}
