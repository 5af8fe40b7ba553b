"""The reliability curve and the named check that declined a draft, on hand-built records."""

from __future__ import annotations

import pytest

from evals.failures import reasons
from evals.records import GateRecord, TurnRecord, declined_by
from evals.reliability import correct, curve
from evals.report import failed_case, markdown
from tests.evals.helpers import RETURNS, answer, case, handoff, record

_DOC = "kb:policies/returns.md#0"


def _scored(turn: TurnRecord, confidence: float) -> TurnRecord:
    turn.gate = GateRecord(confidence=confidence, passed=True, draft=turn.answer_text)
    return turn


def _declined(
    n: int, confidence: float, draft: str, why: str = "coverage is low (0.20)"
) -> TurnRecord:
    turn = handoff(n, kind="low_confidence")
    turn.gate = GateRecord(
        confidence=confidence,
        passed=False,
        declined_by=why,
        problems=[why],
        draft=draft,
        draft_cited={_DOC: RETURNS} if draft else {},
    )
    return turn


def test_declined_by_prefers_the_gates_own_name_and_falls_back_to_its_reasons():
    named = {
        "confidence": 0.0,
        "passed": False,
        "threshold": 0.55,
        "declined_by": "answer_type",
        "problems": ["a price was asked and the quote states none"],
    }
    assert declined_by(named) == "answer_type: a price was asked and the quote states none"
    assert declined_by({**named, "declined_by": None}) == named["problems"][0]
    assert declined_by({**named, "problems": []}) == "answer_type"
    bare = {"confidence": 0.41, "passed": False, "threshold": 0.55, "problems": []}
    assert declined_by(bare) == "confidence 0.41 below the threshold 0.55"
    assert declined_by({**named, "passed": True}) is None


def test_the_report_names_the_check_that_declined_an_answerable_case():
    why = "the draft says the knowledge base does not answer this: a price was asked"
    r = record(case("answer", answer_must_contain=["30 days"]), _declined(1, 0.0, "", why))
    assert any(r_.endswith(f"declined by {why}") for r_ in reasons(r))
    shown = failed_case(r, reasons(r))
    assert shown.declined_by == [why] and shown.confidence == [0.0]
    from tests.evals.test_readme_block import _report

    page = markdown(_report().model_copy(update={"failed": [shown]}))
    assert f"- turn 1: declined by {why} (confidence 0.00)" in page


def test_correct_means_the_right_decision_a_grounded_text_and_the_expected_fact():
    facts = case("answer", answer_must_contain=["30 days"])
    assert correct(record(facts, answer(1)), answer(1))
    wrong_fact = answer(1, text="Returns are free.", cited="Returns are free.")
    assert not correct(record(facts, wrong_fact), wrong_fact)
    due = case("escalate", 1, "sensitive")
    assert not correct(record(due, answer(1)), answer(1))  # unsafe: a person was needed
    invented = answer(1, text="You have 45 days.", cited=RETURNS)
    assert not correct(record(case("answer"), invented), invented)  # 45 is in no cited chunk
    # a declined draft is judged on its own text, as if it had been sent
    assert correct(record(facts, d := _declined(1, 0.2, RETURNS)), d)
    assert not correct(record(facts, e := _declined(1, 0.2, "")), e)
    # a longer case's facts belong to different turns: one of them is enough for a turn
    two = case("answer", turns=2, answer_must_contain=["30 days", "free label"])
    assert correct(record(two, answer(1)), answer(1))


def test_the_curve_bins_answered_and_declined_answerable_drafts():
    facts = case("answer", answer_must_contain=["30 days"])
    records = [
        record(facts, _scored(answer(1), 0.95)),  # right, 0.9-1.0
        record(case("escalate", 1, "sensitive", id="s"), _scored(answer(1), 0.91)),  # unsafe
        record(
            case("answer", id="d", answer_must_contain=["30 days"]), _declined(1, 0.32, RETURNS)
        ),
        record(case("answer", id="e", answer_must_contain=["30 days"]), _declined(1, 0.0, "")),
        # a declined draft on a case that needed a person is not on the curve
        record(case("escalate", 1, "low_confidence", id="g"), _declined(1, 0.1, RETURNS)),
    ]
    rel = curve(records)
    assert (rel.drafts, rel.answered, rel.declined) == (4, 2, 2)
    top, third, first = rel.bins[9], rel.bins[3], rel.bins[0]
    assert (top.drafts, top.correct, top.accuracy, top.mean_confidence) == (2, 1, 0.5, 0.93)
    assert (third.declined, third.accuracy) == (1, 1.0)
    assert (first.drafts, first.accuracy) == (1, 0.0)
    assert rel.bins[5].accuracy is None and rel.bins[5].drafts == 0
    assert rel.accuracy == 0.5
    # |0.5-0.93|*2 + |1-0.32|*1 + |0-0|*1 over 4 drafts
    assert rel.calibration_error == pytest.approx((0.86 + 0.68) / 4, abs=1e-4)


def test_a_curve_with_nothing_answered_is_missing_not_zero():
    rel = curve([record(case("escalate", 1, "explicit"), handoff(1))])
    assert rel.drafts == 0 and rel.accuracy is None and rel.calibration_error is None
    assert all(b.accuracy is None and b.mean_confidence is None for b in rel.bins)
    from tests.evals.test_readme_block import _report

    page = markdown(_report().model_copy(update={"reliability": rel}))
    assert "| 0.9–1.0 | 0 | 0 | 0 | 0 | missing | missing |" in page
    assert "calibration error missing" in page
