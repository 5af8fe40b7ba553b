"""Zendesk: a webhook (signed by Zendesk) that three triggers call with the body we document.

Zendesk signs every webhook request: ``X-Zendesk-Webhook-Signature`` is the base64
HMAC-SHA256, keyed with the webhook's signing secret, of
``X-Zendesk-Webhook-Signature-Timestamp`` (ISO 8601, e.g. ``2021-03-25T05:09:27Z``)
followed directly by the raw body. We refuse a timestamp more than 5 minutes from our clock.

A trigger's webhook body is whatever the trigger defines; ours (docs/helpdesk-sync.md) is::

    {"event": "reply",                       <- "reply", "assigned" or "solved": one trigger each
     "ticket_id": "{{ticket.id}}",
     "external_id": "{{ticket.external_id}}", <- our handoff id, set when the ticket was created
     "status": "{{ticket.status}}",
     "comment": {"id": "{{ticket.latest_comment.id}}",
                 "public": "{{ticket.latest_comment.is_public}}",
                 "author": "{{ticket.latest_comment.author.name}}",
                 "body": "{{ticket.latest_comment.value}}"},
     "assignee": {"id": "{{ticket.assignee.id}}", "name": "{{ticket.assignee.name}}"},
     "resolution": ""}                        <- optional: a custom field's placeholder
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from agent.helpdesk.inbound.common import (
    TOLERANCE_S,
    InboundEvent,
    WebhookVerificationError,
    field,
    fingerprint,
    flag,
    json_object,
    obj,
    text_of,
)

SIGNATURE = "x-zendesk-webhook-signature"
TIMESTAMP = "x-zendesk-webhook-signature-timestamp"


def sign(timestamp: str, body: bytes, secret: str) -> str:
    """What Zendesk puts in ``X-Zendesk-Webhook-Signature``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def _when(stamp: str) -> float:
    try:
        return float(int(stamp))
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError as exc:
        raise WebhookVerificationError(f"{TIMESTAMP} is not a time: {stamp!r}") from exc


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: float | None = None,
    tolerance_s: float = TOLERANCE_S,
) -> None:
    given = {k.lower(): v for k, v in headers.items()}
    signature, stamp = given.get(SIGNATURE, ""), given.get(TIMESTAMP, "")
    if not (signature and stamp):
        raise WebhookVerificationError(f"missing {SIGNATURE} or {TIMESTAMP}")
    when = _when(stamp)
    if abs((time.time() if now is None else now) - when) > tolerance_s:
        raise WebhookVerificationError(f"{TIMESTAMP} is outside the tolerance window")
    if not hmac.compare_digest(signature.strip(), sign(stamp, body, secret)):
        raise WebhookVerificationError(f"{SIGNATURE} does not match the body")


def parse(body: bytes) -> InboundEvent:
    data = json_object(body)
    ticket = field(data, "ticket_id")
    if ticket is None:
        raise ValueError("ticket_id is missing")
    reference = field(data, "external_id")
    event = (field(data, "event") or "").lower()
    base = InboundEvent(
        event_id="", kind="other", vendor="zendesk", ticket_id=ticket, reference=reference
    )
    if event in ("reply", "comment"):
        comment = obj(data, "comment")
        text = text_of(comment.get("body"))
        public = flag(comment.get("public"))
        cid = field(comment, "id") or fingerprint(text)
        return replace(
            base,
            event_id=f"zendesk:{ticket}:comment:{cid}",
            kind="note" if public is False else "reply",
            text=text,
            agent=field(comment, "author") or "agent",
        )
    if event == "assigned":
        assignee = obj(data, "assignee")
        who = field(assignee, "name") or "agent"
        return replace(
            base,
            event_id=f"zendesk:{ticket}:assigned:{field(assignee, 'id') or who}",
            kind="assigned",
            agent=who,
        )
    status = (field(data, "status") or "").lower()
    if event == "solved" or status in ("solved", "closed"):
        assignee = obj(data, "assignee")
        return replace(
            base,
            event_id=f"zendesk:{ticket}:solved",
            kind="solved",
            agent=field(assignee, "name") or "agent",
            resolution=text_of(field(data, "resolution")) or None,
        )
    return replace(base, event_id=f"zendesk:{ticket}:other:{event}", kind="other")
