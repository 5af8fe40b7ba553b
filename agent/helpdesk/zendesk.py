"""Zendesk Support: one ``POST /api/v2/tickets`` per handoff.

The context block is the ticket's first comment, posted as an internal note
(``public: false``), so the shopper never sees it. Tags carry each trigger and
the route; ``external_id`` and the ``Idempotency-Key`` header carry our key, so
a retry after a timeout returns the ticket the first attempt created instead of
opening a second one (Zendesk keeps keys for about two hours; the outbox's
backoff stays well inside that for the first attempts). Auth is an API token:
basic ``{email}/token:{api_token}``.
"""

from __future__ import annotations

from typing import Any

from agent.errors import PermanentDeliveryError
from agent.helpdesk.base import Progress, Receipt
from agent.helpdesk.http import HelpdeskHTTP
from agent.helpdesk.item import OutboxItem
from agent.helpdesk.settings import HelpdeskSettings, ZendeskSettings
from agent.helpdesk.ticket import comment_text, note_text, priority, requester, subject, tags
from agent.package import HandoffPackage


class Zendesk:
    """Tickets in a Zendesk Support account."""

    name = "zendesk"

    def __init__(self, settings: HelpdeskSettings) -> None:
        zd: ZendeskSettings = settings.zendesk  # type: ignore[assignment]  # checked by HelpdeskSettings
        self.site = (settings.base_url or f"https://{zd.host}").rstrip("/")
        self.http = HelpdeskHTTP(
            "zendesk",
            self.site,
            timeout_s=settings.timeout_s,
            auth=(f"{zd.email}/token", zd.api_token.get_secret_value()),
        )

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        body = self.http.post(
            "/api/v2/tickets",
            json_body={"ticket": ticket_body(package, key)},
            headers={"Idempotency-Key": key},
        )
        ticket = body.get("ticket") or {}
        if "id" not in ticket:
            raise PermanentDeliveryError(
                f"zendesk answered 2xx without a ticket id; check Zendesk for external_id {key} before retrying"
            )
        return Receipt(
            external_id=str(ticket["id"]), url=f"{self.site}/agent/tickets/{ticket['id']}"
        )

    def add_comment(
        self, ticket_id: str, text: str, key: str, handoff: OutboxItem, author: str | None = None
    ) -> Receipt:
        """The shopper's line, or an agent's (``author``) already sent in the chat, as an
        internal note (a public comment by our API user would be emailed to the shopper, and
        would look like an agent's reply to our webhook)."""
        self.http.put(
            f"/api/v2/tickets/{ticket_id}",
            json_body={
                "ticket": {"comment": {"body": comment_text(text, author), "public": False}}
            },
            headers={"Idempotency-Key": key},
        )
        return Receipt(external_id=key, url=f"{self.site}/agent/tickets/{ticket_id}")

    def close(self) -> None:
        self.http.close()


def ticket_body(package: HandoffPackage, key: str) -> dict[str, Any]:
    """The ``ticket`` object of Zendesk's Create Ticket request."""
    who = requester(package)
    body: dict[str, Any] = {
        "subject": subject(package),
        "comment": {"body": note_text(package), "public": False},
        "tags": tags(package),
        "priority": priority(package),
        "external_id": key,
    }
    if who.email or who.name:  # Zendesk finds the end user by email, or creates one
        body["requester"] = {"name": who.name or who.email}
        if who.email:
            body["requester"]["email"] = who.email
    return body
