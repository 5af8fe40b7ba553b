"""Which queue a handoff goes to, from its triggers, topics, intent and customer."""

from __future__ import annotations

from agent.settings import Queue
from agent.state import TriggerHit

_MONEY_TOPICS = ("chargeback", "fraud", "account_takeover", "payment")
_INTENT_QUEUES: dict[str, Queue] = {
    "technical": "technical",
    "warranty": "technical",
    "billing": "billing",
    "refund": "billing",
    "order_problem": "orders",
    "order_status": "orders",
    "shipping": "orders",
    "returns": "orders",
    "purchase": "sales",
    "account": "general",
}


def route(hits: list[TriggerHit], intent: str, topics: list[str], is_vip: bool) -> Queue:
    """First match wins: safety/legal, money disputes, VIP, account actions, sales, intent."""
    kinds = {h.kind for h in hits}
    if "sensitive" in kinds:
        if any(m in t for t in topics for m in _MONEY_TOPICS):
            return "billing"
        return "compliance"
    if "vip" in kinds or (is_vip and kinds & {"sentiment", "explicit", "low_confidence"}):
        return "vip"
    if "account_action" in kinds:
        return "billing" if intent in ("refund", "billing") else "orders"
    if "purchase_intent" in kinds:
        return "sales"
    if "complexity" in kinds:
        return "general"  # several topics at once: no single specialist queue fits
    return _INTENT_QUEUES.get(intent, "general")
