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

from langgraph.store.base import BaseStore, GetOp, Item, PutOp, SearchOp
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
    channel: str | None = None
    locale: str | None = None
    timezone: str | None = None
    received_ns: int = 0
    """When it was accepted (orders the open messages of one conversation)."""
    reply: dict[str, Any] | None = None
    """The BotReply as JSON, once the turn is done."""


def _key(cid: str, mid: str) -> str:
    return json.dumps([cid, mid])  # unambiguous whatever the ids contain


def _received(entry: Entry) -> tuple[int, str]:
    return entry.received_ns, entry.message_id


class Journal:
    """Accepted messages, their replies, and the notices a crash left owed."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def done(self, cid: str, mid: str) -> Entry | None:
        found = self.store.get(DONE, _key(cid, mid))
        return Entry(**found.value) if found else None

    def begin(self, entry: Entry) -> tuple[Entry | None, Entry, list[Entry]]:
        """The start of a turn in one read and (for a new message) one write: the reply
        already filed for this message (a retry: nothing else is done), else the message as
        stored (accepted now, or earlier) and the conversation's other open messages,
        oldest first. The same as :meth:`done`, :meth:`accept` and :meth:`open_entries`
        called in turn, with two round trips instead of four."""
        cid, mid = entry.conversation_id, entry.message_id
        key = _key(cid, mid)
        found = self.store.batch(
            [
                GetOp(DONE, key),
                GetOp(OPEN, key),
                SearchOp(OPEN, filter={"conversation_id": cid}, limit=_PAGE),
            ]
        )
        done, opened, page = found
        if isinstance(done, Item):
            return Entry(**done.value), entry, []
        if isinstance(opened, Item):
            entry = Entry(**opened.value)
        else:
            entry = entry.model_copy(update={"received_ns": time.time_ns()})
            self.store.put(OPEN, key, entry.model_dump(), index=False)
        items = [i for i in page if isinstance(i, Item)] if isinstance(page, list) else []
        if len(items) >= _PAGE:  # a full page: read them all
            others = self.open_entries(cid)
        else:
            others = sorted((Entry(**i.value) for i in items), key=_received)
        return None, entry, [e for e in others if e.message_id != mid]

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
                return sorted(found, key=_received)

    def owed(self, cid: str | None = None) -> list[dict[str, Any]]:
        """Replies not yet seen (one conversation, or all), oldest message first."""
        where = {"conversation_id": cid} if cid is not None else None
        found = [i.value for i in self.store.search(NOTICES, filter=where, limit=_PAGE)]
        return sorted(found, key=lambda n: (n["received_ns"], n["message_id"]))

    def told(self, cid: str, mid: str) -> None:
        self.store.delete(NOTICES, _key(cid, mid))

    def told_then_owed(self, cid: str, mid: str) -> list[dict[str, Any]]:
        """:meth:`told` for this message, then :meth:`owed` for its conversation, in one
        transaction."""
        key = _key(cid, mid)
        search = SearchOp(NOTICES, filter={"conversation_id": cid}, limit=_PAGE)
        # SQLite's store reads before it writes, whatever the order: this message's notice
        # may be read too, and is left out
        _, found = self.store.batch([PutOp(NOTICES, key, None), search])
        items = found if isinstance(found, list) else []
        owed = [i.value for i in items if isinstance(i, Item) and i.key != key]
        return sorted(owed, key=lambda n: (n["received_ns"], n["message_id"]))
