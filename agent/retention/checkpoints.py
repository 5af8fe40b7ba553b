"""Conversations in the checkpointer: prune each to its latest checkpoint, list them, delete them.

LangGraph writes a new checkpoint with the whole state at every turn and keeps them all, so
a conversation's bytes grow with the square of its length. Resuming (and the interrupt a
handoff waits in) needs only the latest checkpoint of each namespace and the pending writes
that hang off it: :func:`prune_thread` keeps exactly that. PostgreSQL's saver has this built
in (``prune(strategy="keep_latest")``); SQLite's saver has not, so it is done here with two
statements. The graph uses no ``DeltaChannel``, whose values would need older checkpoints.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

log = logging.getLogger(__name__)

__all__ = ["Thread", "delete_thread", "prune_thread", "threads"]

_OLDER = (
    "checkpoint_id < (SELECT max(c.checkpoint_id) FROM checkpoints c"
    " WHERE c.thread_id = {t}.thread_id AND c.checkpoint_ns = {t}.checkpoint_ns)"
)
_SQLITE_PRUNE = (
    f"DELETE FROM writes WHERE thread_id = ? AND {_OLDER.format(t='writes')}",
    f"DELETE FROM checkpoints WHERE thread_id = ? AND {_OLDER.format(t='checkpoints')}",
)


def prune_thread(checkpointer: BaseCheckpointSaver, thread_id: str) -> bool:
    """Keep only what resuming ``thread_id`` needs. False when this saver cannot prune
    (the in-memory saver of tests); a failure is logged, never raised: a turn must not
    fail because old checkpoints stayed."""
    try:
        if isinstance(checkpointer, SqliteSaver):
            with checkpointer.cursor() as cur:
                for sql in _SQLITE_PRUNE:
                    cur.execute(sql, (thread_id,))
            return True
        checkpointer.prune([thread_id], strategy="keep_latest")
        return True
    except NotImplementedError:
        return False
    except Exception:  # noqa: BLE001 - any database's error; the next turn prunes again
        log.warning("pruning the checkpoints of %s failed", thread_id, exc_info=True)
        return False


def delete_thread(checkpointer: BaseCheckpointSaver, thread_id: str) -> None:
    """Every checkpoint, write and blob of one conversation."""
    checkpointer.delete_thread(thread_id)


@dataclass(frozen=True)
class Thread:
    """One conversation as its latest checkpoint has it."""

    thread_id: str
    values: dict[str, Any]
    last_active: datetime
    """The last transcript line's time (the turn's clock), else when it was checkpointed."""


def threads(checkpointer: BaseCheckpointSaver) -> Iterator[Thread]:
    """Every conversation once, from its latest checkpoint (newest conversations first)."""
    seen: set[str] = set()
    for saved in checkpointer.list(None):
        configurable = saved.config["configurable"]
        thread_id = str(configurable["thread_id"])
        if configurable.get("checkpoint_ns") or thread_id in seen:
            continue
        seen.add(thread_id)
        values = dict(saved.checkpoint.get("channel_values") or {})
        yield Thread(thread_id, values, _last_active(values, saved.checkpoint.get("ts", "")))


def _last_active(values: dict[str, Any], checkpointed: str) -> datetime:
    lines = values.get("transcript") or []
    for raw in (lines[-1].get("at") if lines else None, checkpointed):
        try:
            at = datetime.fromisoformat(str(raw))
        except ValueError:
            continue
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    return datetime.now(UTC)
