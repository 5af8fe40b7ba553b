"""Helpdesks calling back: an agent's reply, an assignment, a solved ticket, as runtime calls.

    POST /v1/webhooks/{vendor}  (agent/service/webhooks.py)
        -> <vendor>.verify(body, headers, secret)   signature or shared secret, timestamp
        -> <vendor>.parse(body)                     -> InboundEvent
        -> sync.apply(agent, event)                 -> agent_message | picked_up | resolve

- zendesk.py    webhook signing (base64 HMAC-SHA256 of timestamp + body), a trigger's body
- freshdesk.py  an automation rule's "Trigger webhook" (a shared-secret header: Freshdesk signs nothing)
- gorgias.py    an HTTP integration (a shared-secret header: Gorgias signs nothing)
- generic.py    Standard Webhooks, the same scheme our outgoing webhook uses
- common.py     the event, the shared-secret check, HTML to text
- sync.py       the ticket -> conversation lookup, replays, the loop guard, the runtime calls

The body each vendor is configured to send is documented in docs/helpdesk-sync.md.
"""

from __future__ import annotations

from agent.helpdesk.inbound.common import VENDORS, InboundEvent, WebhookVerificationError

__all__ = [
    "VENDORS",
    "InboundEvent",
    "WebhookVerificationError",
    "freshdesk",
    "generic",
    "gorgias",
    "zendesk",
]
