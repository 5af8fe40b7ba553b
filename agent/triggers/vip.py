"""The VIP trigger: the store's best customers reach a person, by the store's policy.

VIP status comes only from the customer record (tier or lifetime value), never
from what the shopper types: "I'm a VIP" in a message changes nothing.
"""

from __future__ import annotations

from agent.settings import TriggerSettings
from agent.state import Customer, Sentiment, TriggerHit, Turn

_PROBLEM_INTENTS = frozenset({"order_problem", "complaint"})
_UPSET = -0.4


def vip_reason(customer: Customer, settings: TriggerSettings) -> str | None:
    """Why the record makes this customer a VIP ("tier gold", "lifetime value 1840"), else None."""
    tiers = {t.strip().casefold() for t in settings.vip_tiers}
    if customer.tier and customer.tier.strip().casefold() in tiers:
        return f"tier {customer.tier.strip()}"
    floor, value = settings.vip_lifetime_value, customer.lifetime_value
    if floor is not None and value is not None and value >= floor:
        return f"lifetime value {value:g} >= {floor:g}"
    return None


def is_vip(customer: Customer, settings: TriggerSettings) -> bool:
    """Whether the customer record makes this shopper a VIP."""
    return vip_reason(customer, settings) is not None


def check(
    customer: Customer,
    history: list[Turn],
    intent: str,
    sentiment: Sentiment,
    settings: TriggerSettings,
) -> TriggerHit | None:
    """A hit when the policy says this VIP goes to a person now."""
    if settings.vip_policy == "never":
        return None
    why = vip_reason(customer, settings)
    if why is None:
        return None
    if settings.vip_policy == "always":
        if any(t.role == "shopper" for t in history):
            return None  # only the first message: after that the handoff already happened
        return TriggerHit(kind="vip", reason="VIP customer (policy: always)", evidence=why)
    # mild negativity ("too many emails") is not a problem; clear upset is
    problem = intent in _PROBLEM_INTENTS or sentiment.compound <= _UPSET

    if not problem:
        return None
    about = (
        intent
        if intent in _PROBLEM_INTENTS
        else f"{sentiment.label} sentiment {sentiment.compound:+.2f}"
    )
    return TriggerHit(kind="vip", reason=f"VIP customer with a problem ({about})", evidence=why)


def on_handoff(
    hits: list[TriggerHit], customer: Customer, settings: TriggerSettings
) -> list[TriggerHit]:
    """``hits`` with the VIP reason added when a VIP is handed to a person for another reason.

    Under the default policy a VIP reaches a person when they have a problem; a question
    the bot could not answer, or any other handoff, is one. The routing rules already send
    a VIP's handoff to the VIP queue; the reason tells the person why it is there. Whether
    the bot hands off does not change (this runs in the handoff node); under
    ``vip_policy = "never"`` nothing is added.
    """
    if settings.vip_policy == "never" or any(h.kind == "vip" for h in hits):
        return list(hits)
    why = vip_reason(customer, settings)
    if why is None:
        return list(hits)
    hit = TriggerHit(kind="vip", reason="VIP customer handed to a person", evidence=why)
    return [*hits, hit]
