"""Labelling a handoff that happens anyway by its nearest examples (agent/triggers/leaning.py)."""

from __future__ import annotations

import numpy as np

from agent.routing import route
from agent.state import TriggerHit
from agent.triggers.banks import Bank
from agent.triggers.leaning import label, leaning
from agent.triggers.nearest import IntentIndex, Limits, Thresholds

LOW = TriggerHit(kind="low_confidence", reason="grounding confidence 0.10 below 0.50")


def _index() -> IntentIndex:
    banks = {
        "promo": Bank(trigger="account_action", intent="billing", examples=("p1", "p2", "p3")),
        "ship": Bank(trigger="answer", intent="shipping", examples=("s1", "s2", "s3")),
        "dispute": Bank(
            trigger="sensitive", intent="billing", topic="chargeback", examples=("d1", "d2", "d3")
        ),
    }
    rows = np.repeat(np.eye(3, dtype=np.float32), 3, axis=0)  # three examples per bank
    return IntentIndex(banks, rows)


STRICT = {
    "account_action": Limits(min_votes=3, floor=0.9),
    "answer": Limits(min_votes=3, floor=0.9),
    "sensitive": Limits(min_votes=3, floor=0.9),
}
LABEL = {
    "account_action": Limits(min_votes=3, floor=0.4),
    "answer": Limits(min_votes=3, floor=0.4),
    "sensitive": Limits(min_votes=3, floor=0.4),
}
LIMITS = Thresholds(k=3, trigger=STRICT, label=LABEL)


def _unit(*xs: float) -> list[float]:
    v = np.array(xs, dtype=np.float32)
    return list(v / np.linalg.norm(v))


def test_a_vote_between_the_label_floor_and_the_strict_one_labels_the_handoff() -> None:
    verdict = _index().classify(_unit(0.6, 0.3, 0.3), 3)  # 0.82 to the promo examples
    assert verdict.label == "promo" and not verdict.fires(LIMITS)
    assert leaning([verdict], LIMITS) is verdict
    out = label([LOW], "other", [], verdict, "my promo code won't apply at checkout")
    assert [h.kind for h in out.hits] == ["account_action", "low_confidence"]
    assert "labels the handoff" in out.hits[0].reason and "promo" in out.hits[0].reason
    assert out.intent == "billing" and out.by is verdict
    # the route comes from the winning intent: a money account action goes to billing
    assert route([LOW], "other", [], False) == "general"
    assert route(out.hits, out.intent, out.topics, False) == "billing"


def test_a_vote_below_the_label_floor_keeps_the_keyword_route() -> None:
    far = _index().classify(_unit(0.3, 0.25, 0.25), 3)  # 0.65 to the promo examples
    assert far.label == "promo"
    high = Thresholds(k=3, trigger=STRICT, label={"account_action": Limits(min_votes=3, floor=0.7)})
    assert leaning([far], high) is None
    out = label([LOW], "shipping", [], leaning([far], high), "quasar telemetry reads 42")
    assert [h.kind for h in out.hits] == ["low_confidence"]
    assert out.intent == "shipping" and out.by is None
    assert route(out.hits, out.intent, out.topics, False) == "orders"


def test_no_label_limits_means_no_label() -> None:
    verdict = _index().classify(_unit(0.6, 0.3, 0.3), 3)
    assert leaning([verdict], Thresholds(k=3, trigger=STRICT)) is None


def test_a_sure_vote_already_labelled_the_turn_so_the_handoff_keeps_it() -> None:
    sure = _index().classify(_unit(1.0, 0.0, 0.0), 3)
    assert sure.fires(LIMITS)
    assert leaning([sure], LIMITS) is None


def test_an_answer_vote_names_the_intent_and_adds_no_reason() -> None:
    verdict = _index().classify(_unit(0.3, 0.6, 0.3), 3)
    assert verdict.bank.trigger == "answer" and leaning([verdict], LIMITS) is verdict
    out = label([LOW], "other", [], verdict, "when will it come")
    assert [h.kind for h in out.hits] == ["low_confidence"]
    assert out.intent == "shipping"
    assert route(out.hits, out.intent, out.topics, False) == "orders"


def test_a_sensitive_label_names_its_topic_and_an_existing_reason_is_not_repeated() -> None:
    verdict = _index().classify(_unit(0.3, 0.3, 0.6), 3)
    assert verdict.label == "dispute"
    out = label([LOW], "other", ["global.x"], verdict, "my bank is on it")
    assert [h.kind for h in out.hits] == ["sensitive", "low_confidence"]
    assert out.topics == ["global.x", "examples.chargeback"]
    already = TriggerHit(kind="sensitive", reason="rule")
    again = label([already, LOW], "billing", [], verdict, "my bank is on it")
    assert [h.reason for h in again.hits] == ["rule", LOW.reason]


def test_escalating_labels_rank_before_an_answer_label_across_questions() -> None:
    index = _index()
    answer = index.classify(_unit(0.3, 0.6, 0.3), 3)
    action = index.classify(_unit(0.6, 0.3, 0.3), 3)
    assert leaning([answer, action], LIMITS) is action
