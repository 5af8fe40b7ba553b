"""The journal: every shopper message is stored before it is processed, and its reply after.

    send(cid, text, message_id) -> accept: ("journal_open",) row, one write   (durable)
                                -> the turn runs; the checkpoint records ``message_id``
                                -> finish: ("journal",) row with the reply; open row deleted

- A retry with the same message id gets the stored reply; nothing runs twice.
- A process killed mid-turn leaves the open row: the next contact of that conversation,
  or :meth:`EscalationAgent.pending_notices`, runs it (or, when the checkpoint shows the
  turn had finished, only writes its reply).
- A reply is filed as *owed* (``("notices",)``) in the same transaction that closes the
  message, and cleared just before it is returned. One that a crash kept from the
  shopper stays owed and is given with the next reply, or by ``pending_notices()``.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from langgraph.store.base import BaseStore, PutOp
from pydantic import BaseModel, ConfigDict

OPEN = ("journal_open",)
DONE = ("journal",)
NOTICES = ("notices",)
_PAGE = 500


class Entry(BaseModel):
    """One accepted shopper message (already cleaned), and its reply once there is one."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    message_id: str
    action: Literal["message", "talk_to_person"]
    text: str
    notes: list[str] = []
    customer: dict[str, Any] | None = None
    agents_online: bool = True
    vertical: str | None = None
    received_ns: int = 0
    """When it was accepted (orders the open messages of one conversation)."""
    reply: dict[str, Any] | None = None
    """The BotReply as JSON, once the turn is done."""


def _key(cid: str, mid: str) -> str:
    return json.dumps([cid, mid])  # unambiguous whatever the ids contain


class Journal:
    """Accepted messages, their replies, and the notices a crash left owed."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def done(self, cid: str, mid: str) -> Entry | None:
        found = self.store.get(DONE, _key(cid, mid))
        return Entry(**found.value) if found else None

    def accept(self, entry: Entry) -> Entry:
        """Store the message (once: a repeat of an open message returns the stored one)."""
        found = self.store.get(OPEN, _key(entry.conversation_id, entry.message_id))
        if found is not None:
            return Entry(**found.value)
        entry = entry.model_copy(update={"received_ns": time.time_ns()})
        self.store.put(
            OPEN, _key(entry.conversation_id, entry.message_id), entry.model_dump(), index=False
        )
        return entry

    def finish(self, entry: Entry, reply: dict[str, Any], *, owed: bool) -> None:
        """File the reply and close the message, in one transaction; ``owed``: until
        :meth:`told`, the reply counts as not yet seen by the shopper."""
        key = _key(entry.conversation_id, entry.message_id)
        ops = [
            PutOp(DONE, key, {**entry.model_dump(), "reply": reply}, index=False),
            PutOp(OPEN, key, None),
        ]
        if owed:
            notice = {
                "conversation_id": entry.conversation_id,
                "message_id": entry.message_id,
                "received_ns": entry.received_ns,
            }
            ops.append(PutOp(NOTICES, key, {**notice, "reply": reply}, index=False))
        self.store.batch(ops)

    def open_entries(self, cid: str | None = None) -> list[Entry]:
        """Messages accepted and not finished (all conversations, or one), oldest first."""
        found: list[Entry] = []
        where = {"conversation_id": cid} if cid is not None else None
        while True:
            page = self.store.search(OPEN, filter=where, limit=_PAGE, offset=len(found))
            found += [Entry(**i.value) for i in page]
            if len(page) < _PAGE:
                return sorted(found, key=lambda e: (e.received_ns, e.message_id))

    def owed(self, cid: str | None = None) -> list[dict[str, Any]]:
        """Replies not yet seen (one conversation, or all), oldest message first."""
        where = {"conversation_id": cid} if cid is not None else None
        found = [i.value for i in self.store.search(NOTICES, filter=where, limit=_PAGE)]
        return sorted(found, key=lambda n: (n["received_ns"], n["message_id"]))

    def told(self, cid: str, mid: str) -> None:
        self.store.delete(NOTICES, _key(cid, mid))
