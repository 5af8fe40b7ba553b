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
from dataclasses import dataclass
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


def _oldest_first(notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Owed notices, oldest message first."""
    return sorted(notices, key=lambda n: (n["received_ns"], n["message_id"]))


@dataclass(frozen=True)
class Start:
    """What :meth:`Journal.start` found at the start of a turn."""

    done: Entry | None
    """The reply already filed for this message (a retry), else None."""
    entry: Entry
    """The message as stored: accepted now, or by an earlier attempt."""
    earlier: list[Entry]
    """The conversation's other open messages (a killed process left them), oldest first."""
    owed: list[dict[str, Any]]
    """The replies the conversation still owes (:meth:`Journal.owed`), oldest first."""


class Journal:
    """Accepted messages, their replies, and the notices a crash left owed."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def done(self, cid: str, mid: str) -> Entry | None:
        found = self.store.get(DONE, _key(cid, mid))
        return Entry(**found.value) if found else None

    def begin(self, entry: Entry) -> tuple[Entry | None, Entry, list[Entry]]:
        """:meth:`start` without the owed notices: (done, entry, earlier)."""
        started = self.start(entry)
        return started.done, started.entry, started.earlier

    def start(self, entry: Entry) -> Start:
        """The start of a turn in one read and (for a new message) one write: the reply
        already filed for this message (a retry: nothing else is done), else the message as
        stored (accepted now, or earlier), the conversation's other open messages, oldest
        first, and the replies it still owes (:meth:`owed`, without this message's). The
        same as :meth:`done`, :meth:`accept`, :meth:`open_entries` and :meth:`owed` called
        in turn, with two round trips instead of five."""
        cid, mid = entry.conversation_id, entry.message_id
        key = _key(cid, mid)
        found = self.store.batch(
            [
                GetOp(DONE, key),
                GetOp(OPEN, key),
                SearchOp(OPEN, filter={"conversation_id": cid}, limit=_PAGE),
                SearchOp(NOTICES, filter={"conversation_id": cid}, limit=_PAGE),
            ]
        )
        done, opened, page, notices = found
        if isinstance(done, Item):
            return Start(Entry(**done.value), entry, [], [])
        owing = notices if isinstance(notices, list) else []
        owed = [i.value for i in owing if isinstance(i, Item) and i.key != key]
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
        return Start(None, entry, [e for e in others if e.message_id != mid], _oldest_first(owed))

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

    def finish(self, entry: Entry, reply: dict[str, Any], *, owed: bool) -> dict[str, Any] | None:
        """File the reply and close the message, in one transaction; ``owed``: until
        :meth:`told`, the reply counts as not yet seen by the shopper. Returns the notice
        filed (as :meth:`owed` would list it), None when none was."""
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
            notice = {**notice, "reply": reply}
            ops.append(PutOp(NOTICES, key, notice, index=False))
        self.store.batch(ops)
        return notice if owed else None

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
        return _oldest_first(
            [i.value for i in self.store.search(NOTICES, filter=where, limit=_PAGE)]
        )

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
        return _oldest_first([i.value for i in items if isinstance(i, Item) and i.key != key])
