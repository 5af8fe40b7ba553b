"""While a person owns the chat, its lines go to the ticket too: the shopper's, and the
agent's when written on our side (our inbox page, the API, ``escalate reply``).

The runtime calls :func:`queue_shopper_line` after such a line is saved; it becomes an
outbox item of kind ``comment`` (keyed by the handoff and the message id, so a retried
message is queued once), delivered like a handoff, with the same lease and retries, through
the vendor's add-comment call (Zendesk: a ticket update with an internal comment; Freshdesk:
a private note; Gorgias: a message from the customer; webhook: a ``shopper.message`` event).
It waits, without counting failures, until the handoff's own ticket exists.

An agent's line written on our side (:func:`queue_agent_line`) was already shown to the
shopper: it goes to the ticket as an internal note (Zendesk, Freshdesk, Gorgias) or an
``agent.message`` event (webhook), never as a public reply the vendor would send again. A
line that came from the ticket (the vendor's webhook) is not queued: it is already there.

The built-in inbox needs none of this: its pages read the transcript itself. The line's text
is remembered per handoff (agent/helpdesk/inbound/sync.py) so that, coming back through the
vendor's webhook, it is never taken for a new reply from the ticket (no echo, no loop).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from agent.helpdesk.inbound.sync import remember_posted
from agent.helpdesk.ticket import comment_text

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent

log = logging.getLogger(__name__)


def queue_shopper_line(agent: EscalationAgent, state: dict, text: str, message_id: str) -> None:
    """Queue ``text`` for the ticket of the conversation's handoff (never raises)."""
    handoff_id = (state.get("handoff") or {}).get("id")
    if not handoff_id or not text or agent.settings.helpdesk.kind == "local":
        return
    try:
        cid = str((state.get("handoff") or {}).get("conversation_id") or "")
        remember_posted(agent, handoff_id, cid, text)
        remember_posted(agent, handoff_id, cid, comment_text(text))
        agent.outbox.enqueue_comment(handoff_id, f"{handoff_id}:line:{message_id}"[:255], text)
    except Exception:  # noqa: BLE001 - the shopper's turn is saved; the ticket line is extra
        log.warning(
            "a shopper's line for %s was not queued for its ticket", handoff_id, exc_info=True
        )


def queue_agent_line(agent: EscalationAgent, state: dict, text: str, author: str) -> None:
    """Queue an agent's ``text`` (sent to the shopper on our side) for the ticket of the
    conversation's handoff (never raises)."""
    handoff_id = (state.get("handoff") or {}).get("id")
    if not handoff_id or not text or agent.settings.helpdesk.kind == "local":
        return
    try:
        cid = str((state.get("handoff") or {}).get("conversation_id") or "")
        remember_posted(agent, handoff_id, cid, text)
        remember_posted(agent, handoff_id, cid, comment_text(text, author))
        key = f"{handoff_id}:agent:{uuid.uuid4().hex}"[:255]  # each call is a new line
        agent.outbox.enqueue_comment(handoff_id, key, text, author=author)
    except Exception:  # noqa: BLE001 - the shopper has the line; the ticket's copy is extra
        log.warning(
            "an agent's line for %s was not queued for its ticket", handoff_id, exc_info=True
        )
