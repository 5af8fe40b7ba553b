import pytest

from agent.routing import route
from agent.state import TriggerHit


def hit(kind, reason="r"):
    return TriggerHit(kind=kind, reason=reason)


@pytest.mark.parametrize(
    ("hits", "intent", "topics", "vip", "queue"),
    [
        ([hit("sensitive")], "product", ["supplements.dosage"], False, "compliance"),
        ([hit("sensitive")], "billing", ["global.chargeback"], True, "billing"),
        ([hit("sensitive")], "account", ["global.account_takeover"], False, "billing"),
        ([hit("vip")], "order_problem", [], True, "vip"),
        ([hit("explicit")], "shipping", [], True, "vip"),
        ([hit("account_action")], "refund", [], False, "billing"),
        ([hit("account_action")], "order_status", [], False, "orders"),
        ([hit("purchase_intent")], "purchase", [], False, "sales"),
        ([hit("complexity")], "shipping", [], False, "general"),
        ([hit("low_confidence")], "technical", [], False, "technical"),
        ([hit("explicit")], "other", [], False, "general"),
    ],
)
def test_first_matching_rule_wins(hits, intent, topics, vip, queue):
    assert route(hits, intent, topics, vip) == queue
