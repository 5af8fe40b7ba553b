"""What the shopper's widget is owed outside a reply: a person's line, a pick-up, the end of
a person's turn, a wait update. One ordered list per conversation, kept in the records store
(so every process sharing the database sees it); the service's event stream reads it with a
cursor (``GET /v1/conversations/{id}/events``, ``Last-Event-ID``).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Literal

from langgraph.store.base import BaseStore
from pydantic import BaseModel, ConfigDict

FeedKind = Literal["agent_message", "picked_up", "resolved", "wait_update", "notice"]
_NS = "feed"
_last = 0
_seq_lock = threading.Lock()


def _next_seq() -> int:
    """Nanoseconds since the epoch, strictly increasing within this process."""
    global _last
    with _seq_lock:
        _last = max(time.time_ns(), _last + 1)
        return _last


class FeedItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    seq: int
    """Orders a conversation's items (nanoseconds since the epoch, made unique)."""
    kind: FeedKind
    text: str = ""
    """What the shopper is shown ('' for a pure state change)."""
    agent: str | None = None
    at: str
    """ISO-8601 (UTC)."""
    data: dict[str, Any] = {}


class Feed:
    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def append(
        self,
        conversation_id: str,
        kind: FeedKind,
        *,
        at: str,
        text: str = "",
        agent: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> FeedItem:
        item = FeedItem(
            conversation_id=conversation_id,
            seq=_next_seq(),
            kind=kind,
            text=text,
            agent=agent,
            at=at,
            data=data or {},
        )
        key = f"{item.seq:020d}-{uuid.uuid4().hex[:8]}"
        self.store.put((_NS, conversation_id), key, item.model_dump(mode="json"), index=False)
        return item

    def since(self, conversation_id: str, seq: int = 0, limit: int = 100) -> list[FeedItem]:
        """Items after ``seq``, oldest first (at most ``limit``)."""
        found = self.store.search((_NS, conversation_id), filter={"seq": {"$gt": seq}}, limit=limit)
        return sorted((FeedItem(**i.value) for i in found), key=lambda i: i.seq)

    def last_seq(self, conversation_id: str) -> int:
        """The newest item's ``seq`` (0 when there is none): a cursor to resume after."""
        last, batch = 0, self.since(conversation_id, 0)
        while batch:
            last = batch[-1].seq
            batch = self.since(conversation_id, last)
        return last

    def forget(self, conversation_id: str) -> int:
        """Delete a conversation's items (erasure and retention); returns how many."""
        gone = 0
        while True:
            batch = self.store.search((_NS, conversation_id), limit=500)
            if not batch:
                return gone
            for item in batch:
                self.store.delete(item.namespace, item.key)
            gone += len(batch)
