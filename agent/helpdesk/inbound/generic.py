"""The generic signed webhook: any system that can sign as Standard Webhooks do.

Signed exactly like our outgoing ``handoff.created`` events (agent/helpdesk/webhook.py):
``webhook-id``, ``webhook-timestamp`` (5 minutes' tolerance) and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``), with ``[helpdesk.webhook] secret``.
``webhook-id`` is the event's id: a retry or a replay of it changes nothing.

The body::

    {"type": "ticket.reply",          <- ticket.reply | ticket.note | ticket.assigned | ticket.solved
     "handoff_id": "HO-1A2B3C4D",     <- from the handoff.created event we sent (or "ticket_id":
                                         the id your 2xx answer gave us)
     "agent": "Sam",
     "text": "I've refunded you.",     <- ticket.reply (ticket.solved: "resolution")
     "resolution": "Refunded in full."}
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.helpdesk.inbound.common import EventKind, InboundEvent, field, json_object, text_of
from agent.helpdesk.webhook import verify as _verify_standard

KINDS: dict[str, EventKind] = {
    "ticket.reply": "reply",
    "ticket.note": "note",
    "ticket.assigned": "assigned",
    "ticket.solved": "solved",
}


def verify(
    body: bytes, headers: Mapping[str, str], secret: str, *, now: float | None = None
) -> None:
    _verify_standard(body, headers, secret, now=now)


def parse(body: bytes, headers: Mapping[str, str]) -> InboundEvent:
    data = json_object(body)
    msg_id = {k.lower(): v for k, v in headers.items()}.get("webhook-id", "")
    reference, ticket = field(data, "handoff_id"), field(data, "ticket_id")
    if reference is None and ticket is None:
        raise ValueError("handoff_id or ticket_id is required")
    kind = KINDS.get((field(data, "type") or "").lower(), "other")
    return InboundEvent(
        vendor="generic",
        event_id=f"generic:{msg_id}",
        kind=kind,
        ticket_id=ticket,
        reference=reference,
        text=text_of(data.get("text")),
        agent=field(data, "agent") or "agent",
        resolution=text_of(field(data, "resolution")) or None,
    )
