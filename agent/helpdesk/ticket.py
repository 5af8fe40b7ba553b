"""The parts of a ticket every adapter derives the same way from a handoff package."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict

from agent.package import HandoffPackage

Priority = Literal["normal", "high"]
_SUBJECT_MAX = 150
_URGENT_TRIGGERS = frozenset({"sensitive", "vip"})
TRANSCRIPT_MAX = 30_000
"""Characters of transcript in a ticket: helpdesks refuse very long comments (422)."""


class Requester(BaseModel):
    """The shopper as the helpdesk should know them: the record first, then what they typed."""

    model_config = ConfigDict(frozen=True)
    name: str | None = None
    email: str | None = None
    phone: str | None = None


def requester(p: HandoffPackage) -> Requester:
    shared = p.shared_details
    return Requester(
        name=p.customer.name or next(iter(shared.names), None),
        email=p.customer.email or next(iter(shared.emails), None),
        phone=p.customer.phone or next(iter(shared.phones), None),
    )


def _first_question(p: HandoffPackage) -> str:
    asked = p.product_context.questions or [
        t.text for t in p.transcript if t.role == "shopper" and t.kind == "message" and t.text
    ]
    return " ".join((asked[0] if asked else "").split())


def subject(p: HandoffPackage) -> str:
    """'Returns: Dana Reyes [HO-1A2B3C4D]', or the first question when the name is unknown."""
    topic = p.intent.replace("_", " ").strip().capitalize() or "Support"
    who = requester(p).name or _first_question(p) or "shopper"
    tail = f" [{p.id}]"
    room = _SUBJECT_MAX - len(topic) - len(tail) - 2
    if len(who) > room:
        who = who[: max(room - 3, 0)].rstrip() + "..."
    return f"{topic}: {who}{tail}"


def _tag(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")


def tags(p: HandoffPackage) -> list[str]:
    """escalate, escalate_trigger_<kind> for each trigger, escalate_route_<queue>,
    escalate_intent_<intent>, and escalate_channel_<channel> when the channel is known."""
    found = ["escalate"]
    found += [f"escalate_trigger_{_tag(t.kind)}" for t in p.triggers]
    found += [f"escalate_route_{_tag(p.route)}", f"escalate_intent_{_tag(p.intent)}"]
    if p.channel:
        found.append(f"escalate_channel_{_tag(p.channel)}")
    return list(dict.fromkeys(t for t in found if not t.endswith("_")))


def priority(p: HandoffPackage) -> Priority:
    """High for sensitive topics, VIPs and distressed shoppers; normal otherwise."""
    urgent = any(t.kind in _URGENT_TRIGGERS for t in p.triggers)
    return "high" if urgent or p.sentiment.label == "distressed" else "normal"


def transcript_text(p: HandoffPackage, limit: int = TRANSCRIPT_MAX) -> str:
    """'role: text' lines; a long chat keeps its latest lines and says how many it left out."""
    lines = [f"{t.role}: {t.text}" for t in p.transcript if t.text]
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        size += len(line) + 1
        if size > limit:
            break
        kept.append(line)
    cut = len(lines) - len(kept)
    head = [f"({cut} earlier line(s) left out; the handoff package has them all)"] if cut else []
    return "\n".join(head + kept[::-1])


def shopper_line(p: HandoffPackage) -> str | None:
    """'SHOPPER: email · language pt · locale pt-PT · time zone Europe/Lisbon (03:00 there at
    handoff)', or None when the runtime said none of channel, locale and time zone."""
    if not (p.channel or p.locale or p.timezone):
        return None
    parts = [p.channel or "channel not given", f"language {p.language}"]
    if p.locale:
        parts.append(f"locale {p.locale}")
    if p.timezone:
        try:
            there = datetime.fromisoformat(p.created_at).astimezone(ZoneInfo(p.timezone))
            parts.append(f"time zone {p.timezone} ({there:%H:%M} there at handoff)")
        except (ValueError, ZoneInfoNotFoundError):
            parts.append(f"time zone {p.timezone}")
    return "SHOPPER: " + " · ".join(parts)


def note_text(p: HandoffPackage) -> str:
    """The internal note: the context block first, then where it came from and the transcript."""
    where = shopper_line(p)
    return "\n".join(
        [
            p.context_block.strip() or f"ISSUE: {p.intent} — {p.summary}",
            "",
            f"HANDOFF: {p.id} · conversation {p.conversation_id} · {p.team} ({p.route}) · {p.created_at}",
            *([where] if where else []),
            f"OPENING LINE: {p.opening_line}",
            "",
            "TRANSCRIPT:",
            transcript_text(p),
        ]
    )


def as_html(text: str) -> str:
    """Plain text as safe HTML (Freshdesk and Gorgias bodies are HTML)."""
    return "<br>".join(html.escape(line) for line in text.split("\n"))


COMMENT_PREFIX = "Shopper (via chat): "


def comment_text(text: str, author: str | None = None) -> str:
    """A line of the chat as it is added to the ticket while a person owns the chat: the
    shopper's, or (``author``) an agent's written on our side and already sent to the shopper."""
    if author is None:
        return COMMENT_PREFIX + text
    return f"{author} (in the chat, sent to the shopper): {text}"
