"""Freshdesk: automation rules ("Trigger webhook") that POST the body we document.

Freshdesk does not sign its webhooks. The rule sends our shared secret as a custom header,
``X-Escalate-Webhook-Secret`` (or a relay in front of us signs the body: see
:func:`~agent.helpdesk.inbound.common.verify_shared`). The secret proves the sender knows
it, nothing more: it never changes and there is no timestamp, so a captured request can be
replayed; the seen-event store turns a replay into a no-op. Use HTTPS.

Three rules on ticket updates, each with ``Content: JSON`` and this body (``event`` a literal
per rule; docs/helpdesk-sync.md)::

    {"event": "reply",                 <- "reply" (Reply is sent), "assigned" (Agent is
     "ticket_id": "{{ticket.id}}",         updated), "solved" (Status is Resolved / Closed)
     "status": "{{ticket.status}}",
     "agent": "{{ticket.agent.name}}",
     "comment": "{{ticket.latest_public_comment}}"}

The ticket is found by its id, which the outbox recorded when it delivered the handoff.
"""

from __future__ import annotations

from dataclasses import replace

from agent.helpdesk.inbound.common import (
    InboundEvent,
    field,
    fingerprint,
    json_object,
    text_of,
    verify_shared,
)

verify = verify_shared


def parse(body: bytes) -> InboundEvent:
    data = json_object(body)
    ticket = field(data, "ticket_id")
    if ticket is None:
        raise ValueError("ticket_id is missing")
    event = (field(data, "event") or "").lower()
    status = (field(data, "status") or "").lower()
    who = field(data, "agent") or "agent"
    base = InboundEvent(event_id="", kind="other", vendor="freshdesk", ticket_id=ticket, agent=who)
    if event == "reply":
        text = text_of(data.get("comment"))
        # Freshdesk's placeholders carry no comment id: one ticket's identical replies are one event
        return replace(
            base,
            event_id=f"freshdesk:{ticket}:reply:{fingerprint(text)}",
            kind="reply",
            text=text,
        )
    if event == "note":
        return replace(base, event_id=f"freshdesk:{ticket}:note", kind="note")
    if event == "assigned":
        return replace(base, event_id=f"freshdesk:{ticket}:assigned:{who}", kind="assigned")
    if event == "solved" or status in ("resolved", "closed", "4", "5"):
        return replace(
            base,
            event_id=f"freshdesk:{ticket}:solved",
            kind="solved",
            resolution=text_of(field(data, "resolution")) or None,
        )
    return replace(base, event_id=f"freshdesk:{ticket}:other:{event}", kind="other")
