"""The outbox's items in the records store, and the lease that lets one sender at a time have one.

A claim writes ``lease_owner``/``lease_until`` in one atomic database step
(agent/helpdesk/lease.py: a compare-and-swap UPDATE on SQLite, ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so of two senders, in threads or processes, one gets it.
:meth:`Ledger.still_ours` re-reads the lease just before the request.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timedelta
from typing import Any

from langgraph.store.base import BaseStore

from agent.helpdesk.item import OutboxItem, iso
from agent.helpdesk.lease import claim_row

OUTBOX = ("outbox",)
_PAGE = 200
_CLAIMS = threading.Lock()  # every claim in this process, whichever Ledger makes it
Lock = Callable[[str], AbstractContextManager[object]]


class Ledger:
    """Outbox items by id, in ``("outbox",)``."""

    def __init__(self, store: BaseStore, lock: Lock | None = None) -> None:
        self.store = store
        self._lock: Lock = lock or (lambda name: nullcontext())

    @contextmanager
    def locked(self, item_id: str) -> Iterator[None]:
        """Hold the item against other threads and, given a storage lock, other processes."""
        with self._lock(f"outbox:{item_id}"), _CLAIMS:
            yield

    def get(self, item_id: str) -> OutboxItem | None:
        found = self.store.get(OUTBOX, item_id)
        return OutboxItem(**found.value) if found else None

    def put(self, item: OutboxItem) -> None:
        self.store.put(OUTBOX, item.id, item.model_dump(mode="json"), index=False)

    def items(self, status: str | None = None) -> list[OutboxItem]:
        """Every item (or those with ``status``), oldest first."""
        found: list[OutboxItem] = []
        where = {"status": status} if status else None
        while True:
            page = self.store.search(OUTBOX, filter=where, limit=_PAGE, offset=len(found))
            found += [OutboxItem(**i.value) for i in page]
            if len(page) < _PAGE:
                return sorted(found, key=lambda i: (i.created_at, i.id))

    def claim(self, item_id: str, owner: str, now: datetime, lease_s: float) -> OutboxItem | None:
        """Take a due, unleased item for ``lease_s`` seconds (counting an attempt), or None.

        One atomic step in the database (agent/helpdesk/lease.py): of two senders, one wins.
        """
        lease = f"{owner}:{uuid.uuid4().hex[:6]}"

        def take(value: dict[str, Any]) -> dict[str, Any] | None:
            item = OutboxItem(**value)
            if not item.due(now):
                return None
            return item.model_copy(
                update={
                    "lease_owner": lease,
                    "lease_until": iso(now + timedelta(seconds=lease_s)),
                    "attempts": item.attempts + 1,
                }
            ).model_dump(mode="json")

        with self._lock(f"outbox:{item_id}"):
            taken = claim_row(self.store, OUTBOX[0], item_id, take)
        if taken is NotImplemented:  # no database (an in-memory store): this process's lock
            with self.locked(item_id):
                found = self.store.get(OUTBOX, item_id)
                taken = take(found.value) if found else None
                if taken is not None:
                    self.store.put(OUTBOX, item_id, taken, index=False)
        return OutboxItem(**taken) if taken else None

    def still_ours(self, item: OutboxItem, settle_s: float) -> bool:
        """Pause, then check that our lease is the one in the store.

        Two processes can both read "free" and both write a lease; the later
        write wins. A pause longer than a read-then-write takes lets the loser
        see the winner's lease and step back.
        """
        if settle_s > 0:
            time.sleep(settle_s)
        current = self.get(item.id)
        return bool(
            current and current.status == "pending" and current.lease_owner == item.lease_owner
        )

    def release(self, item: OutboxItem, **changes: Any) -> str | None:
        """Write an outcome and drop the lease; returns who holds it instead, if we lost it.

        Our lease may have expired mid-send and another sender claimed the item:
        then only a delivery is written (it must never be sent again); any other
        outcome is theirs to record.
        """
        with self.locked(item.id):
            current = self.get(item.id) or item
            lost = current.lease_owner not in (item.lease_owner, None)
            if not lost or changes.get("status") == "delivered":
                update = {"progress": current.progress, **changes}
                self.put(
                    item.model_copy(update={**update, "lease_owner": None, "lease_until": None})
                )
        return current.lease_owner if lost else None

    def record_progress(self, item_id: str, steps: dict[str, Any]) -> None:
        with self.locked(item_id):
            current = self.get(item_id)
            if current is not None:
                self.put(current.model_copy(update={"progress": dict(steps)}))


class StoredProgress:
    """A delivery's steps, written to its item at once so a retry resumes after them."""

    def __init__(self, ledger: Ledger, item: OutboxItem) -> None:
        self.ledger = ledger
        self.item_id = item.id
        self.steps = dict(item.progress)

    def get(self, step: str) -> Any:
        return self.steps.get(step)

    def record(self, step: str, value: Any) -> None:
        self.steps[step] = value
        self.ledger.record_progress(self.item_id, self.steps)
