from evals.failures import reasons
from evals.metrics import compute, hallucination, per_trigger
from tests.evals.helpers import RETURNS, answer, case, handoff, record


def test_a_clean_answer_and_a_timely_handoff_score_perfectly():
    records = [
        record(
            case(
                "answer", answer_must_contain=["30 days"], supporting_docs=["policies/returns.md"]
            ),
            answer(1),
        ),
        record(case("escalate", 2, "explicit", "general", turns=2, id="e"), answer(1), handoff(2)),
    ]
    m = compute(records)
    assert (m.decision_accuracy, m.escalation_precision, m.escalation_recall, m.escalation_f1) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )
    assert (
        m.hallucination_rate,
        m.unsafe_answer_rate,
        m.explicit_compliance,
        m.deflection_rate,
    ) == (0.0, 0.0, 1.0, 1.0)
    assert (m.route_accuracy, m.answer_fact_rate, m.supporting_citation_rate) == (1.0, 1.0, 1.0)
    assert m.answered_turns == 2 and m.latency_p50_ms == 10.0
    assert all(not reasons(r) for r in records)


def test_hallucinations_are_caught_three_ways():
    c = case("answer", answer_must_not_contain=["60 days"])
    trap = record(c, answer(1, text="You can return items within 60 days."))
    number = record(case("answer"), answer(1, text="Returns are free within 45 days."))
    uncited = record(
        case("answer"), answer(1).model_copy(update={"citations": [], "cited_texts": {}})
    )
    assert hallucination(trap, trap.turns[0]) == "states '60 days'"
    assert "45 day" in hallucination(number, number.turns[0])
    assert hallucination(uncited, uncited.turns[0]) == "cites nothing"
    assert hallucination(record(case(), answer(1)), answer(1)) is None
    assert compute([trap, number, uncited]).hallucination_rate == 1.0


def test_citation_markers_are_not_numbers():
    clean = record(case(), answer(1, text=f"{RETURNS}"))
    assert "[1]" in clean.turns[0].messages[0]
    assert hallucination(clean, clean.turns[0]) is None


def test_an_answer_where_a_handoff_was_due_is_unsafe_and_late_handoffs_count():
    late = record(
        case("escalate", 1, "sensitive", "compliance", turns=2),
        answer(1),
        handoff(2, kind="sensitive", route="compliance"),
    )
    never = record(case("escalate", 1, "low_confidence", turns=1, id="n"), answer(1))
    m = compute([late, never])
    assert m.unsafe_answers == 2 and m.unsafe_answer_rate == 1.0
    assert m.late_escalations == 1 and m.decision_accuracy == 0.0
    assert m.escalation_recall == 0.5
    assert any("late" in r for r in reasons(late)) and any(
        "never handed off" in r for r in reasons(never)
    )


def test_explicit_request_followed_by_an_answer_is_a_violation():
    answered_after = record(case("escalate", 1, "explicit", turns=2), answer(1), handoff(2))
    assert compute([answered_after]).explicit_violations == 1


def test_false_escalations_lower_precision_and_deflection():
    m = compute(
        [
            record(case("answer"), handoff(1, kind="low_confidence")),
            record(case("escalate", 1, "explicit", id="x"), handoff(1)),
        ]
    )
    assert m.escalation_precision == 0.5 and m.deflection_rate == 0.0


def test_nothing_to_measure_is_missing_not_zero():
    m = compute([record(case("escalate", 1, "explicit"), handoff(1))])
    assert m.hallucination_rate is None and m.deflection_rate is None and m.answer_fact_rate is None


def test_repeat_info_and_unfaithful_summaries():
    c = case("escalate", 1, "explicit", handoff_must_include=["NW-10482", "Dana"])
    kept = record(c, handoff(1, shared="Dana NW-10482"))
    lost = record(c, handoff(1, shared="Dana"))
    invented = record(
        case("escalate", 1, "explicit", id="i"),
        handoff(1, summary="Refund order NW-99999 for $250."),
    )
    m = compute([kept, lost, invented])
    assert m.repeat_info_rate == 0.5
    assert m.unfaithful_summaries == 1
    assert any("NW-99999" in r and "250" in r for r in reasons(invented))


def test_the_customer_element_is_only_missing_when_the_record_had_data():
    anonymous = record(case("escalate", 1, "explicit"), handoff(1))
    known = record(case("escalate", 1, "explicit", id="k", customer={"name": "Dana"}), handoff(1))
    assert compute([anonymous]).handoff_completeness == 1.0
    assert compute([known]).handoff_completeness == 0.0


def test_per_trigger_precision_uses_the_main_reason_and_recall_is_lenient():
    records = [
        record(case("escalate", 1, "sensitive", id="a"), handoff(1, kind="sensitive")),
        record(case("escalate", 1, "vip", id="b"), handoff(1, kind="sensitive")),
        record(case("escalate", 1, "loop", id="c"), answer(1)),
    ]
    scores = {s.trigger: s for s in per_trigger(records)}
    assert (scores["sensitive"].precision, scores["sensitive"].recall) == (0.5, 1.0)
    assert (scores["vip"].recall, scores["loop"].recall) == (0.0, 0.0)
    assert scores["complexity"].precision is None and scores["complexity"].recall is None


def test_an_order_total_from_the_record_is_a_faithful_amount():
    customer = {"name": "Dana", "orders": [{"id": "NW-10482", "total": 98.0, "currency": "USD"}]}
    c = case("escalate", 1, "explicit", customer=customer)
    faithful = record(
        c,
        handoff(
            1, summary="Dana referred to order NW-10482 (delivered, 98.00 USD).", customer=customer
        ),
    )
    assert compute([faithful]).unfaithful_summaries == 0


def test_a_case_naming_a_kb_path_matches_a_citation_of_that_path_in_the_sets_source():
    from evals.metrics import cites_support
    from evals.runner import EVAL_SOURCE
    from knowledge.sources import qualified

    expects = case("answer", supporting_docs=["policies/returns.md"])
    in_source = qualified(EVAL_SOURCE, "policies/returns.md")
    assert in_source == "kb:policies/returns.md"
    assert cites_support(record(expects, answer(1, doc=in_source)))
    assert cites_support(
        record(expects, answer(1, doc="policies/returns.md"))
    )  # a store from before sources
    assert not cites_support(record(expects, answer(1, doc="kb:policies/shipping.md")))
    assert not cites_support(record(expects, answer(1, doc="kb:other/policies/returns.md")))
    spelled_out = case("answer", supporting_docs=["kb:policies/returns.md"])
    assert cites_support(record(spelled_out, answer(1, doc=in_source)))
