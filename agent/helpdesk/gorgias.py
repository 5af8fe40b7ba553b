"""Gorgias: one ``POST /api/tickets`` carrying the shopper's message and the internal note.

The ticket is on the ``api`` channel; its messages are the transcript as an
incoming message from the customer (when their email is known) and the
context block as an ``internal-note`` from the API user. Tags are
``[{"name": ...}]``; ``external_id`` is our idempotency key. Auth is basic
``{email}:{api_key}`` against ``https://{domain}.gorgias.com``.

Gorgias has no idempotency key, but a ticket's ``external_id`` (the handoff id here)
can be listed by: the outbox records "create sent" before the POST, and a retry after a
create whose answer never came (a timeout, a crash) first asks ``GET
/api/tickets?external_id=<id>`` and takes the ticket it finds instead of creating another.
"""

from __future__ import annotations

from typing import Any

from agent.errors import PermanentDeliveryError
from agent.helpdesk.base import MemoryProgress, Progress, Receipt
from agent.helpdesk.http import HelpdeskHTTP
from agent.helpdesk.item import OutboxItem
from agent.helpdesk.settings import GorgiasSettings, HelpdeskSettings
from agent.helpdesk.ticket import (
    as_html,
    comment_text,
    note_text,
    requester,
    subject,
    tags,
    transcript_text,
)
from agent.package import HandoffPackage


class Gorgias:
    """Tickets in a Gorgias helpdesk."""

    name = "gorgias"

    def __init__(self, settings: HelpdeskSettings) -> None:
        gs: GorgiasSettings = settings.gorgias  # type: ignore[assignment]  # checked by HelpdeskSettings
        self.site = (settings.base_url or f"https://{gs.host}").rstrip("/")
        self.agent_email = gs.email
        self.http = HelpdeskHTTP(
            "gorgias",
            self.site,
            timeout_s=settings.timeout_s,
            auth=(gs.email, gs.api_key.get_secret_value()),
        )

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        progress = progress or MemoryProgress()
        if progress.get("create_sent"):  # a create may have landed unanswered: look first
            found = self.http.get("/api/tickets", params={"external_id": key, "limit": "1"})
            tickets = [t for t in found.get("data") or [] if isinstance(t, dict) and "id" in t]
            if tickets:
                return self._receipt(tickets[0]["id"])
        progress.record("create_sent", True)
        body = self.http.post("/api/tickets", json_body=ticket_body(package, key, self.agent_email))
        if "id" not in body:
            raise PermanentDeliveryError(
                f"gorgias answered 2xx without a ticket id; check Gorgias for external_id {key} before retrying"
            )
        return self._receipt(body["id"])

    def add_comment(
        self, ticket_id: str, text: str, key: str, handoff: OutboxItem, author: str | None = None
    ) -> Receipt:
        """The shopper's line as their own message on the ticket (``from_agent`` false), or as
        an internal note when their email is unknown; an agent's line (``author``), already
        sent in the chat, as an internal note (a message from the agent would be sent again)."""
        who = requester(HandoffPackage(**handoff.package)) if handoff.package else None
        if author is None and who is not None and who.email:
            sender = {"email": who.email, **({"name": who.name} if who.name else {})}
            message = _message("api", False, sender, text)
        else:
            message = _message(
                "internal-note", True, {"email": self.agent_email}, comment_text(text, author)
            )
        created = self.http.post(f"/api/tickets/{ticket_id}/messages", json_body=message)
        return Receipt(
            external_id=str(created.get("id") or key), url=f"{self.site}/app/ticket/{ticket_id}"
        )

    def _receipt(self, ticket_id: Any) -> Receipt:
        return Receipt(external_id=str(ticket_id), url=f"{self.site}/app/ticket/{ticket_id}")

    def close(self) -> None:
        self.http.close()


def _message(channel: str, from_agent: bool, sender: dict[str, str], text: str) -> dict[str, Any]:
    return {
        "channel": channel,
        "via": "api",
        "from_agent": from_agent,
        "sender": sender,
        "body_text": text,
        "body_html": as_html(text),
    }


def ticket_body(package: HandoffPackage, key: str, agent_email: str) -> dict[str, Any]:
    """Create Ticket: customer, subject, tags, and the messages (shopper's, then the note)."""
    who = requester(package)
    note = _message("internal-note", True, {"email": agent_email}, note_text(package))
    body: dict[str, Any] = {
        "subject": subject(package),
        "channel": "api",
        "via": "api",
        "from_agent": not who.email,
        "external_id": key,
        "tags": [{"name": t} for t in tags(package)],
        "messages": [note],
    }
    if who.email:  # Gorgias finds or creates the customer by email
        customer = {"email": who.email, **({"name": who.name} if who.name else {})}
        shopper = _message("api", False, customer, transcript_text(package) or package.summary)
        body["customer"] = customer
        body["messages"] = [{**shopper, "subject": body["subject"]}, note]
    return body
