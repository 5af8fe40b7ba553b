"""Freshdesk: ``POST /api/v2/tickets``, then the context block as a private note.

The ticket's description is the chat transcript (the requester may see it);
the context block goes in ``POST /api/v2/tickets/{id}/notes`` with
``private: true``. Auth is basic ``{api_key}:X``.

Freshdesk has no idempotency key, so each ticket carries the handoff id as a tag
(``escalate_ref_<id>``). The outbox records "create sent" before the POST and the ticket
id the moment Freshdesk returns it. A retry after a create whose answer never came (a
timeout, a crash) first looks the tag up with Filter Tickets (``GET
/api/v2/search/tickets?query="tag:'escalate_ref_...'"``) and adopts the ticket it finds,
then adds only the missing note. (Freshdesk's search index may lag a new ticket a little;
the outbox's first retry comes 30 s later by default.)
"""

from __future__ import annotations

import re
from typing import Any

from agent.errors import PermanentDeliveryError
from agent.helpdesk.base import MemoryProgress, Progress, Receipt
from agent.helpdesk.http import HelpdeskHTTP
from agent.helpdesk.item import OutboxItem
from agent.helpdesk.settings import FreshdeskSettings, HelpdeskSettings
from agent.helpdesk.ticket import (
    as_html,
    comment_text,
    note_text,
    priority,
    requester,
    subject,
    tags,
    transcript_text,
)
from agent.package import HandoffPackage

STATUS_OPEN = 2
SOURCE_CHAT = 7
PRIORITY = {"normal": 2, "high": 3}


class Freshdesk:
    """Tickets in a Freshdesk account."""

    name = "freshdesk"

    def __init__(self, settings: HelpdeskSettings) -> None:
        fd: FreshdeskSettings = settings.freshdesk  # type: ignore[assignment]  # checked by HelpdeskSettings
        self.site = (settings.base_url or f"https://{fd.host}").rstrip("/")
        self.http = HelpdeskHTTP(
            "freshdesk",
            self.site,
            timeout_s=settings.timeout_s,
            auth=(fd.api_key.get_secret_value(), "X"),
        )

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        progress = progress or MemoryProgress()
        ticket_id = progress.get("ticket_id")
        if ticket_id is None and progress.get("create_sent"):  # it may exist: look first
            ticket_id = self._find(ref_tag(package.id))
            if ticket_id is not None:
                progress.record("ticket_id", ticket_id)
        if ticket_id is None:
            progress.record("create_sent", True)
            created = self.http.post("/api/v2/tickets", json_body=ticket_body(package))
            if "id" not in created:
                raise PermanentDeliveryError(
                    f"freshdesk answered 2xx without a ticket id; look for [{package.id}] before retrying"
                )
            ticket_id = created["id"]
            progress.record("ticket_id", ticket_id)  # before anything else can fail
        if progress.get("note_id") is None:
            note = self.http.post(
                f"/api/v2/tickets/{ticket_id}/notes",
                json_body={"body": as_html(note_text(package)), "private": True},
            )
            progress.record("note_id", note.get("id", "?"))
        return Receipt(external_id=str(ticket_id), url=f"{self.site}/a/tickets/{ticket_id}")

    def add_comment(
        self, ticket_id: str, text: str, key: str, handoff: OutboxItem, author: str | None = None
    ) -> Receipt:
        """The shopper's line, or an agent's (``author``) already sent in the chat, as a
        private note (a reply would be emailed to the shopper)."""
        note = self.http.post(
            f"/api/v2/tickets/{ticket_id}/notes",
            json_body={"body": as_html(comment_text(text, author)), "private": True},
        )
        return Receipt(
            external_id=str(note.get("id") or key), url=f"{self.site}/a/tickets/{ticket_id}"
        )

    def _find(self, tag: str) -> Any:
        """The id of a ticket already tagged with this handoff's reference, if any."""
        found = self.http.get("/api/v2/search/tickets", params={"query": f"\"tag:'{tag}'\""})
        results = found.get("results") or []
        return results[0].get("id") if results and isinstance(results[0], dict) else None

    def close(self) -> None:
        self.http.close()


def ref_tag(handoff_id: str) -> str:
    """The tag that names a handoff's ticket (looked up before a second create)."""
    return "escalate_ref_" + re.sub(r"[^a-z0-9]+", "_", handoff_id.lower()).strip("_")


def ticket_body(package: HandoffPackage) -> dict[str, Any]:
    """Create Ticket: a requester (email, else phone, else an external id), the transcript, tags."""
    who = requester(package)
    body: dict[str, Any] = {
        "subject": subject(package),
        "description": as_html(transcript_text(package) or package.summary),
        "status": STATUS_OPEN,
        "priority": PRIORITY[priority(package)],
        "source": SOURCE_CHAT,
        "tags": [*tags(package), ref_tag(package.id)],
    }
    if who.email:
        body["email"] = who.email
    elif who.phone:
        body["phone"] = who.phone
    else:  # Freshdesk needs some requester; this one is stable per conversation
        body["unique_external_id"] = f"escalate-{package.conversation_id}"
    # a name is required when the contact is created from a phone or an external id
    body["name"] = who.name or f"Shopper {package.conversation_id}"
    return body
