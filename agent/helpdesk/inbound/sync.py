"""A helpdesk event applied to the runtime: once, to the right conversation, never looping.

- **Which conversation.** The ticket carries our key (Zendesk's and Gorgias's
  ``external_id`` is the handoff id, which is the outbox item's id), or else its own id,
  which the outbox recorded as the item's ``external_id`` when it delivered the handoff.
- **Once.** Every event has an id that is the same on each delivery (a retry, a replay); the
  ids taken are kept in the records store under ``("webhook_events", vendor)``. An event seen
  before changes nothing. Only an event that was applied or deliberately ignored is kept: one
  that failed (the database down) may be sent again.
- **No loop.** The lines we append to a ticket (agent/helpdesk/comments.py: the shopper's,
  and an agent's written on our side) are remembered by their text per handoff; a comment
  coming back with that text is ours and is not sent to the shopper. Internal notes never
  are. A reply taken from a ticket is not copied back to it (``to_ticket=False``).
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from agent.errors import ConversationError
from agent.helpdesk.inbound.common import InboundEvent, fingerprint
from agent.helpdesk.item import OutboxItem
from agent.helpdesk.ledger import OUTBOX

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent

SEEN = "webhook_events"
POSTED = "ticket_lines"
_STRIPES = [threading.Lock() for _ in range(64)]
_DELIVERED_TO = {"generic": "webhook"}


@dataclass(frozen=True)
class Outcome:
    status: Literal["applied", "duplicate", "ignored"]
    detail: str
    action: str | None = None
    """agent_message, picked_up or resolve, when applied."""
    conversation_id: str | None = None


def remember_posted(
    agent: EscalationAgent, handoff_id: str, conversation_id: str, text: str
) -> None:
    """Our own line on a ticket: when it comes back as a webhook it is not the agent's.
    Only a fingerprint of the text is kept (with the ids, so erasure and retention find it)."""
    record = {
        "handoff_id": handoff_id,
        "conversation_id": conversation_id,
        "at": agent.context.now(),
    }
    agent.store.put((POSTED, handoff_id), fingerprint(text), record, index=False)


def _posted(agent: EscalationAgent, handoff_id: str, text: str) -> bool:
    return agent.store.get((POSTED, handoff_id), fingerprint(text)) is not None


def find_handoff(agent: EscalationAgent, event: InboundEvent) -> OutboxItem | None:
    """The delivered handoff this ticket was made from."""
    ledger = agent.outbox.ledger
    if event.reference:
        item = ledger.get(event.reference)
        if item is not None and item.kind == "handoff":
            return item
    if event.ticket_id:
        found = agent.store.search(OUTBOX, filter={"external_id": event.ticket_id}, limit=20)
        items = [OutboxItem(**i.value) for i in found]
        vendor = _DELIVERED_TO.get(event.vendor, event.vendor)
        for item in items:
            if item.kind == "handoff" and item.delivered_to in (vendor, "local"):
                return item
        direct = ledger.get(event.ticket_id)  # the local inbox's ticket id is the handoff id
        if direct is not None and direct.kind == "handoff":
            return direct
    return None


def apply(agent: EscalationAgent, event: InboundEvent) -> Outcome:
    """Apply ``event`` unless it was applied before; runtime errors propagate (not kept)."""
    with _STRIPES[zlib.crc32(event.event_id.encode()) % len(_STRIPES)]:
        seen = agent.store.get((SEEN, event.vendor), event.event_id)
        if seen is not None:
            return Outcome(
                "duplicate",
                f"event {event.event_id} was already taken",
                None,
                seen.value.get("conversation_id"),
            )
        outcome = _apply(agent, event)
        agent.store.put(
            (SEEN, event.vendor),
            event.event_id,
            {
                "status": outcome.status,
                "action": outcome.action,
                "conversation_id": outcome.conversation_id,
                "at": agent.context.now(),
            },
            index=False,
        )
        return outcome


def _apply(agent: EscalationAgent, event: InboundEvent) -> Outcome:
    if event.kind in ("note", "other"):
        why = "an internal note" if event.kind == "note" else "not an event we act on"
        return Outcome("ignored", f"{why}: nothing reaches the shopper")
    item = find_handoff(agent, event)
    if item is None:
        return Outcome(
            "ignored",
            f"no handoff was delivered as {event.vendor} ticket {event.ticket_id or event.reference}",
        )
    cid = item.conversation_id
    try:
        if event.kind == "reply":
            if not event.text:
                return Outcome("ignored", "an empty reply", None, cid)
            if _posted(agent, item.handoff_id, event.text):
                return Outcome("ignored", "our own line (the shopper's), coming back", None, cid)
            agent.agent_message(cid, event.text, agent=event.agent, to_ticket=False)
            return Outcome(
                "applied", "the agent's reply was sent to the shopper", "agent_message", cid
            )
        if event.kind == "assigned":
            agent.picked_up(cid, agent=event.agent)
            return Outcome("applied", f"picked up by {event.agent}", "picked_up", cid)
        since = str(item.package.get("created_at") or "")
        resolution = (
            event.resolution
            or _last_reply(agent, cid, since)
            or (
                f"Solved in {event.vendor} (ticket {event.ticket_id}) without a written resolution."
            )
        )
        agent.resolve(cid, resolution, agent=event.agent)
        return Outcome("applied", "resolved; the conversation is back with the bot", "resolve", cid)
    except ConversationError as exc:  # resolved meanwhile, or never waited: nothing to do
        return Outcome("ignored", str(exc), None, cid)


def _last_reply(agent: EscalationAgent, cid: str, since: str) -> str | None:
    """The agent's last line to the shopper since the handoff (the resolution when the
    vendor sends none)."""
    for turn in reversed(agent.conversation(cid).transcript):
        if turn.at < since:
            return None
        if turn.role == "agent" and turn.text:
            return turn.text
    return None
