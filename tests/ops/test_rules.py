import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.errors import ConfigError
from agent.ops.rules import FALLBACK, RouteFacts, RoutingRule, default_rules, route
from agent.routing import route as default_route
from agent.routing import route_decision
from agent.settings import Settings
from agent.state import TRIGGER_KINDS, TriggerHit


def legacy_route(hits, intent, topics, is_vip):
    """agent.routing.route() as it was hard-coded before the rules: the oracle."""
    kinds = {h.kind for h in hits}
    if "sensitive" in kinds:
        money = ("chargeback", "fraud", "account_takeover", "payment")
        return "billing" if any(m in t for t in topics for m in money) else "compliance"
    if "vip" in kinds or (is_vip and kinds & {"sentiment", "explicit", "low_confidence"}):
        return "vip"
    if "account_action" in kinds:
        return "billing" if intent in ("refund", "billing") else "orders"
    if "purchase_intent" in kinds:
        return "sales"
    if "complexity" in kinds:
        return "general"
    intents = {"technical": "technical", "warranty": "technical", "billing": "billing",
               "refund": "billing", "order_problem": "orders", "order_status": "orders",
               "shipping": "orders", "returns": "orders", "purchase": "sales"}  # fmt: skip
    return intents.get(intent, "general")


INTENTS = ["technical", "warranty", "billing", "refund", "order_problem", "order_status",
           "shipping", "returns", "purchase", "account", "product", "other", "complaint"]  # fmt: skip
TOPICS = ["global.chargeback", "global.fraud", "global.account_takeover", "global.payment_issue",
          "supplements.dosage", "electronics.battery", "global.legal_threat"]  # fmt: skip


@given(
    kinds=st.lists(st.sampled_from(TRIGGER_KINDS), max_size=4),
    intent=st.sampled_from(INTENTS),
    topics=st.lists(st.sampled_from(TOPICS), max_size=3),
    vip=st.booleans(),
)
def test_default_rules_reproduce_the_hard_coded_routing(kinds, intent, topics, vip):
    hits = [TriggerHit(kind=k, reason="r") for k in kinds]
    assert default_route(hits, intent, topics, vip) == legacy_route(hits, intent, topics, vip)


def test_the_decision_names_its_rule():
    hits = [TriggerHit(kind="sensitive", reason="r")]
    decision = route_decision(hits, "billing", ["global.chargeback"], False)
    assert (decision.queue, decision.rule) == ("billing", "default.sensitive_money")
    assert route_decision([], "chitchat", [], False).rule == "default"


def test_first_match_wins_and_empty_conditions_match_everything():
    rules = [
        RoutingRule(name="big", queue="sales", min_order_value=500),
        RoutingRule(name="vip", queue="vip", is_vip=True),
        RoutingRule(name="rest", queue="general"),
    ]
    facts = RouteFacts(order_value=800, is_vip=True)
    assert route(rules, facts).rule == "big"
    assert route(rules, RouteFacts(order_value=100, is_vip=True)).rule == "vip"
    assert route(rules, RouteFacts()).rule == "rest"
    assert route([], RouteFacts()) == route([FALLBACK], RouteFacts())


@pytest.mark.parametrize(
    ("rule", "facts", "matches"),
    [
        ({"tiers": ["Gold"]}, RouteFacts(tier="gold"), True),
        ({"tiers": ["gold"]}, RouteFacts(tier=None), False),
        ({"verticals": ["beauty"]}, RouteFacts(vertical="apparel"), False),
        ({"min_order_value": 100}, RouteFacts(order_value=None), False),
        ({"max_order_value": 100}, RouteFacts(order_value=100), False),
        ({"max_order_value": 100}, RouteFacts(order_value=99.5), True),
        ({"topics": ["beauty.*"]}, RouteFacts(topics=("beauty.reaction",)), True),
        ({"topics": ["beauty.*"]}, RouteFacts(topics=("global.beauty",)), False),
        ({"topics": ["battery"]}, RouteFacts(topics=("electronics.battery_fire",)), True),
        ({"triggers": ["loop", "sentiment"]}, RouteFacts(triggers=frozenset({"sentiment"})), True),
        (
            {"triggers": ["loop"], "intents": ["returns"]},
            RouteFacts(triggers=frozenset({"loop"})),
            False,
        ),
        ({"is_vip": False}, RouteFacts(is_vip=True), False),
    ],
)
def test_conditions(rule, facts, matches):
    assert RoutingRule(name="r", queue="general", **rule).matches(facts) is matches


def test_every_default_rule_is_named_once():
    names = [r.name for r in default_rules()]
    assert len(names) == len(set(names)) and names[-1] == "default"


STORE = """
[handoff.queues.returns_team]
team = "our returns desk"
skills = ["returns", "exchanges"]
typical_handle_minutes = 7

[handoff.queues.vip]
wait_minutes = 1

[[handoff.rules]]
name = "returns"
queue = "returns_team"
intents = ["returns"]

[[handoff.rules]]
name = "big_orders"
queue = "sales"
min_order_value = 1000
tiers = ["wholesale"]
"""


def load(tmp_path, text):
    path = tmp_path / "store.toml"
    path.write_text(text)
    return Settings.load(path)


def test_store_rules_and_queues_from_toml(tmp_path):
    handoff = load(tmp_path, STORE).handoff
    rules = handoff.routing_rules()
    assert [r.name for r in rules[:2]] == ["returns", "big_orders"]
    assert rules[2:] == list(default_rules())
    assert route_decision([], "returns", [], False, rules=rules).queue == "returns_team"
    wholesale = route_decision(
        [], "shipping", [], False, rules=rules, tier="Wholesale", order_value=2500
    )
    assert (wholesale.queue, wholesale.rule) == ("sales", "big_orders")
    assert route_decision([], "shipping", [], False, rules=rules).rule == "default.intent_orders"
    returns = handoff.queues["returns_team"]
    assert (returns.team, returns.skills, returns.typical_handle_s) == (
        "our returns desk", ["returns", "exchanges"], 420.0)  # fmt: skip
    assert handoff.queues["vip"].team == "your dedicated VIP concierge"  # only wait_minutes changed
    assert handoff.queues["vip"].wait_minutes == 1
    assert handoff.queues["billing"].team == "our billing team"


def test_replacing_the_defaults(tmp_path):
    text = '[handoff]\nreplace_default_rules = true\n[[handoff.rules]]\nname = "vip"\nqueue = "vip"\nis_vip = true\n'
    rules = load(tmp_path, text).handoff.routing_rules()
    assert [r.name for r in rules] == ["vip"]
    assert route_decision([], "returns", [], False, rules=rules).rule == "fallback"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '[[handoff.rules]]\nname = "r1"\nqueue = "retruns"\n',
            r"rule 'r1' routes to unknown queue 'retruns'",
        ),
        (
            '[[handoff.rules]]\nname = "default"\nqueue = "general"\n',
            r"two rules are named 'default'",
        ),
        (
            '[[handoff.rules]]\nname = "r1"\nqueue = "sales"\ntirggers = ["vip"]\n',
            r"handoff.rules.0.tirggers: unknown key",
        ),
        (
            '[[handoff.rules]]\nname = "r1"\nqueue = "sales"\ntriggers = ["vipp"]\n',
            r"handoff.rules.0.triggers.0",
        ),
        (
            '[handoff.queues.returns_team]\nskills = ["returns"]\n',
            r"handoff.queues.returns_team.team: Field required",
        ),
        ('[handoff.queues."Returns Team"]\nteam = "x"\n', r"handoff.queues.Returns Team"),
    ],
)
def test_bad_rules_and_queues_are_named(tmp_path, text, error):
    with pytest.raises(ConfigError, match=error):
        load(tmp_path, text)
