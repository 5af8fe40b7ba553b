"""How the label limits are chosen (evals/calibrate_labels.py) and what is shipped."""

from __future__ import annotations

import numpy as np

from agent.routing import route
from agent.state import TriggerHit
from agent.triggers.banks import Bank
from agent.triggers.nearest import IntentIndex, Limits, Thresholds, thresholds_for
from evals.calibrate_labels import LabelRow, calibrate_labels, probe_half, value
from knowledge.embeddings import LocalMiniLM

LOW = TriggerHit(kind="low_confidence", reason="the gate refused")
STRICT = Thresholds(k=3, trigger={"account_action": Limits(min_votes=3, floor=0.95)})


def _index() -> IntentIndex:
    banks = {
        "refund": Bank(trigger="account_action", intent="refund", examples=("a", "b", "c")),
        "faq": Bank(trigger="answer", intent="shipping", examples=("d", "e", "f")),
    }
    # two banks on two axes; messages lean on the first from a third axis (no rival nearby)
    return IntentIndex(banks, np.repeat(np.eye(3, dtype=np.float32)[:2], 3, axis=0))


def _row(similarity: float, expected: str | None, queue: str | None) -> LabelRow:
    vector = np.array([similarity, 0.0, np.sqrt(1 - similarity**2)], dtype=np.float32)
    verdict = _index().classify(vector, 3)
    assert verdict.label == "refund"
    hits = [LOW]
    return LabelRow("dev", "text", expected, queue, hits, "other", [], False, [verdict], "general")


def test_the_floor_sits_between_the_wrong_labels_and_the_right_ones() -> None:
    rows = [_row(0.65, "account_action", "billing")] * 3 + [_row(0.55, "low_confidence", None)]
    rows += [_row(0.5, None, None)] * 2  # answerable messages the gate handed off
    chosen = calibrate_labels(rows, STRICT)
    mine = chosen["account_action"]
    assert 0.55 < mine.floor <= 0.65  # above every wrong label, at most the right ones
    labelled = STRICT.model_copy(update={"label": chosen})
    # 3 right reasons and 3 queues put right (general -> billing), nothing wrong
    assert value(rows, labelled) == (6, 3, 0, 3, 0)
    assert route([LOW], "refund", [], False) == "billing"


def test_a_label_that_is_wrong_more_often_than_right_is_not_shipped() -> None:
    rows = [_row(0.6, "account_action", None)] + [_row(0.6, "low_confidence", "general")] * 2
    assert "account_action" not in calibrate_labels(rows, STRICT)


def test_the_shipped_label_limits_ask_fewer_agreeing_neighbours_than_a_handoff() -> None:
    limits = thresholds_for(LocalMiniLM().name)
    assert limits is not None
    assert set(limits.label) == {"account_action", "answer"}
    for trigger, mine in limits.label.items():
        assert mine.min_votes <= limits.trigger[trigger].min_votes


def test_the_tune_half_is_the_probe_tests_half() -> None:
    from tests.triggers.test_probe_phrasings import half

    for text in ("cancel my order", "wo ist mein Paket", "I want a person", "refund pls"):
        assert probe_half(text) == half(text)
