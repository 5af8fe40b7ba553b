"""Which queue a handoff goes to: the routing rules (``agent/ops/rules.py``) applied to it.

The built-in rules (``agent/ops/default_rules.toml``), first match wins: safety
and legal, money disputes, VIP, account actions, sales, several topics at once,
then the intent; ``general`` otherwise. A store's own rules come first.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.ops.rules import RouteDecision, RouteFacts, RoutingRule, default_rules
from agent.ops.rules import route as apply_rules
from agent.state import TriggerHit

__all__ = ["RouteDecision", "RouteFacts", "route", "route_decision"]


def route_decision(
    hits: list[TriggerHit],
    intent: str,
    topics: list[str],
    is_vip: bool,
    *,
    rules: Sequence[RoutingRule] | None = None,
    vertical: str = "general",
    channel: str | None = None,
    tier: str | None = None,
    order_value: float | None = None,
) -> RouteDecision:
    """The queue and the name of the rule that chose it.

    ``rules``: ``settings.handoff.routing_rules()`` (the store's, then the built-in
    ones); None: the built-in ones only.
    """
    facts = RouteFacts.of(
        hits,
        intent,
        topics,
        vertical=vertical,
        channel=channel,
        tier=tier,
        order_value=order_value,
        is_vip=is_vip,
    )
    return apply_rules(default_rules() if rules is None else rules, facts)


def route(hits: list[TriggerHit], intent: str, topics: list[str], is_vip: bool) -> str:
    """The queue the built-in rules choose (see :func:`route_decision` for store rules)."""
    return route_decision(hits, intent, topics, is_vip).queue
