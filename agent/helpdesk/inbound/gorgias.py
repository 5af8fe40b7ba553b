"""Gorgias: two HTTP integrations (Settings > Integrations > HTTP) that POST the body we document.

Gorgias does not sign its HTTP integrations' requests. Each integration sends our shared
secret as a header, ``X-Escalate-Webhook-Secret`` (or a relay signs the body: see
:func:`~agent.helpdesk.inbound.common.verify_shared`). As with Freshdesk, the secret proves
the sender knows it; a replay is caught only by the seen-event store. Use HTTPS.

Integration 1, trigger "Ticket message created" (``ticket-message-created``)::

    {"event": "message",
     "ticket_id": "{{ticket.id}}", "external_id": "{{ticket.external_id}}",
     "message": {"id": "{{message.id}}", "from_agent": "{{message.from_agent}}",
                 "public": "{{message.public}}", "channel": "{{message.channel}}",
                 "sender": "{{message.sender.name}}", "body_text": "{{message.body_text}}"}}

Integration 2, trigger "Ticket updated" (``ticket-updated``)::

    {"event": "updated",
     "ticket_id": "{{ticket.id}}", "external_id": "{{ticket.external_id}}",
     "status": "{{ticket.status}}",
     "assignee": {"id": "{{ticket.assignee_user.id}}", "name": "{{ticket.assignee_user.name}}"}}

A closed ticket is solved; otherwise an assignee is a pick-up. A message from the customer
(``from_agent`` false: the shopper's own lines we append) or an internal note never reaches
the shopper.
"""

from __future__ import annotations

from dataclasses import replace

from agent.helpdesk.inbound.common import (
    EventKind,
    InboundEvent,
    field,
    fingerprint,
    flag,
    json_object,
    obj,
    text_of,
    verify_shared,
)

verify = verify_shared


def parse(body: bytes) -> InboundEvent:
    data = json_object(body)
    ticket = field(data, "ticket_id")
    if ticket is None:
        raise ValueError("ticket_id is missing")
    base = InboundEvent(
        event_id="",
        kind="other",
        vendor="gorgias",
        ticket_id=ticket,
        reference=field(data, "external_id"),
    )
    event = (field(data, "event") or "").lower()
    if event == "message":
        message = obj(data, "message")
        text = text_of(message.get("body_text") or message.get("body_html"))
        mid = field(message, "id") or fingerprint(text)
        from_agent = flag(message.get("from_agent"))
        note = flag(message.get("public")) is False or field(message, "channel") == "internal-note"
        kind: EventKind = "other" if from_agent is False else "note" if note else "reply"
        return replace(
            base,
            event_id=f"gorgias:{ticket}:message:{mid}",
            kind=kind,
            text=text,
            agent=field(message, "sender") or "agent",
        )
    assignee = obj(data, "assignee")
    who = field(assignee, "name")
    if (field(data, "status") or "").lower() == "closed":
        return replace(
            base,
            event_id=f"gorgias:{ticket}:solved",
            kind="solved",
            agent=who or "agent",
            resolution=text_of(field(data, "resolution")) or None,
        )
    if who or field(assignee, "id"):
        return replace(
            base,
            event_id=f"gorgias:{ticket}:assigned:{field(assignee, 'id') or who}",
            kind="assigned",
            agent=who or "agent",
        )
    return replace(base, event_id=f"gorgias:{ticket}:other:{event}", kind="other")
