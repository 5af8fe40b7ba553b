"""The text a human agent sees first, and the line they open with."""

from __future__ import annotations

from agent.llm import HandoffFacts
from agent.messages import BUNDLED, ENGLISH, Messages
from agent.package import HandoffPackage
from agent.state import Citation, Order

_OPENERS = {
    "account_action": "I can make that change for you as soon as I've confirmed a couple of details.",
    "sensitive": "I want to make sure you get the right answer, so I'm taking this over personally.",
    "sentiment": "I'm sorry this has been frustrating; I'm going to sort it out with you now.",
    "purchase_intent": "I'd be glad to help you put that order together.",
    "loop": "Let me answer that properly this time.",
}


def order_line(order: Order) -> str:
    """'NW-10482 (delivered, 129.00 USD)'."""
    details = [order.status] if order.status else []
    if order.total is not None:
        details.append(f"{order.total:.2f} {order.currency or ''}".strip())
    return f"{order.id} ({', '.join(details)})" if details else order.id


def _customer_line(p: HandoffPackage, vip: bool) -> str:
    c = p.customer
    parts = [c.name or next(iter(p.shared_details.names), "name not given")]
    if vip:
        parts.append(f"VIP ({c.tier or 'by lifetime value'})")
    if c.lifetime_value is not None:
        parts.append(f"LTV {c.lifetime_value:,.2f}")
    parts += [e for e in [c.email, *p.shared_details.emails] if e][:2]
    parts += [f"order {order_line(o)}" for o in p.orders]
    return " · ".join(dict.fromkeys(parts))


def _bot_tried(p: HandoffPackage) -> str:
    answered = p.product_context.bot_answered
    if not answered:
        return "nothing yet: handed off before answering"
    return "; ".join(
        f"answered “{a.question[:80]}” citing {', '.join(_cited(c) for c in a.citations) or 'nothing'}"
        for a in answered[-3:]
    )


def _cited(c: Citation) -> str:
    """A KB chunk by its source, path and section (the store's version suffix is noise to a
    person); a learned answer with where it came from."""
    head, at, version = c.chunk_id.rpartition("@")
    shown = head if at and version.isalnum() else c.chunk_id
    return f"{shown} ({c.provenance})" if c.source == "learned" else shown


def context_block(p: HandoffPackage, vip: bool) -> str:
    """CUSTOMER / ISSUE / BOT TRIED / SENTIMENT / SUGGESTED RESPONSE, one line each (+ why)."""
    why = "; ".join(
        f"{h.kind}: {h.reason}" + (f" [{h.evidence}]" if h.evidence else "") for h in p.triggers
    )
    return "\n".join(
        [
            f"CUSTOMER: {_customer_line(p, vip)}",
            f"ISSUE: {p.intent} — {p.summary}",
            f"BOT TRIED: {_bot_tried(p)}",
            f"SENTIMENT: {p.sentiment.label} ({p.sentiment.compound:+.2f})",
            f"SUGGESTED RESPONSE: {p.suggested_resolution.text}",
            f"WHY HANDED OFF: {why or 'not recorded'} → queue {p.route}",
            f"LANGUAGE: {_language_line(p.language)}",
        ]
    )


def _language_line(code: str) -> str:
    """ "Spanish (es): reply in Spanish"."""
    name = Messages(ENGLISH).text(f"language_name.{code}") if code in BUNDLED else code
    return f"{name} ({code}): reply in {name}"


def opening_line(facts: HandoffFacts, orders: list[Order], primary: str) -> str:
    """Acknowledge first: their name, their issue, the next action."""
    name = ((facts.customer_name or "").split() or ["there"])[0]
    about = f" about order {orders[0].id}" if orders else ""
    issue = facts.question.strip().replace("\n", " ")
    issue = issue if len(issue) <= 90 else issue[:87].rstrip() + "..."
    seen = (
        f" I've read your message{about}: “{issue}”."
        if issue
        else f" I've read your conversation{about}."
    )
    action = _OPENERS.get(primary, "I'll take it from here.")
    return f"Hi {name}, thanks for waiting.{seen} {action}"
