"""The built-in helpdesk: tickets kept in the records store, for stores without one (and the demo).

Tickets live in the ``("inbox",)`` namespace, keyed by the idempotency key, so
delivering the same handoff twice returns the first ticket. A ticket's id is
the handoff id, the reference the shopper was given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from langgraph.store.base import BaseStore
from pydantic import BaseModel, ConfigDict

from agent.errors import TransientDeliveryError
from agent.helpdesk.base import Progress, Receipt, utc_now
from agent.helpdesk.ticket import Priority, priority, subject, tags
from agent.package import HandoffPackage

INBOX = ("inbox",)
_PAGE = 200


class Ticket(BaseModel):
    """One handoff waiting in the local inbox."""

    model_config = ConfigDict(extra="forbid")
    id: str
    key: str
    created_at: str
    conversation_id: str
    route: str
    team: str
    subject: str
    priority: Priority
    tags: list[str]
    status: Literal["open", "closed"] = "open"
    package: dict[str, Any]
    """The handoff as JSON (kept raw so an older ticket still lists after the schema grows)."""

    def handoff(self) -> HandoffPackage:
        return HandoffPackage(**self.package)


class LocalInbox:
    """A helpdesk that is just a table in our own database."""

    name = "local"

    def __init__(self, store: BaseStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        try:
            existing = self.store.get(INBOX, key)
        except Exception as exc:  # the store's driver errors (sqlite3, psycopg) vary
            raise TransientDeliveryError(f"local inbox: cannot read the store: {exc}") from exc
        if existing is not None:
            return Receipt(external_id=Ticket(**existing.value).id)
        ticket = Ticket(
            id=package.id,
            key=key,
            created_at=self.clock().isoformat(timespec="seconds"),
            conversation_id=package.conversation_id,
            route=package.route,
            team=package.team,
            subject=subject(package),
            priority=priority(package),
            tags=tags(package),
            package=package.model_dump(mode="json"),
        )
        try:
            self.store.put(INBOX, key, ticket.model_dump(mode="json"), index=False)
        except Exception as exc:
            raise TransientDeliveryError(f"local inbox: cannot write the store: {exc}") from exc
        return Receipt(external_id=ticket.id)

    def tickets(self, status: str | None = None) -> list[Ticket]:
        """Every ticket (or those with ``status``), oldest first."""
        found: list[Ticket] = []
        while True:
            page = self.store.search(
                INBOX,
                filter={"status": status} if status else None,
                limit=_PAGE,
                offset=len(found),
            )
            found += [Ticket(**item.value) for item in page]
            if len(page) < _PAGE:
                return sorted(found, key=lambda t: (t.created_at, t.id))

    def ticket(self, ticket_id: str) -> Ticket | None:
        """A ticket by its id (the handoff id) or its idempotency key."""
        direct = self.store.get(INBOX, ticket_id)
        if direct is not None:
            return Ticket(**direct.value)
        return next((t for t in self.tickets() if t.id == ticket_id), None)

    def close_ticket(self, ticket_id: str) -> bool:
        """Mark a ticket closed (its conversation was resolved); False if there is none."""
        item = self.store.get(INBOX, ticket_id)
        if item is None:
            return False
        self.store.put(INBOX, ticket_id, {**item.value, "status": "closed"}, index=False)
        return True

    def close(self) -> None:
        """Nothing to release: the store belongs to the caller."""
