from typing import Any

from agent.state import TriggerHit
from evals.failures import reasons
from evals.metrics import compute, hallucination, per_trigger, unfaithful
from evals.records import CaseRecord
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
    kept = record(c, handoff(1, "Dana here, NW-10482", shared="Dana NW-10482"))
    lost = record(c, handoff(1, "Dana here, NW-10482", shared="Dana"))
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


def test_repeat_info_counts_only_what_the_shopper_said_before_the_handoff():
    c = case("escalate", 1, "explicit", turns=2, handoff_must_include=["NW-10482", "dana@x.io"])
    # the email comes in a later message the bot never saw: nobody will ask for it "again"
    unsaid = record(c, handoff(1, "Order NW-10482 is wrong", shared="NW-10482"))
    assert compute([unsaid]).repeat_info_rate == 0.0
    # said before the handoff and dropped from the package: the person must ask again
    dropped = record(c, handoff(1, "Order NW-10482, mail DANA@x.io", shared="NW-10482"))
    assert compute([dropped]).repeat_info_rate == 1.0
    assert any("dana@x.io" in r for r in reasons(dropped))
    # nothing on the list was said before the handoff: nothing to measure
    silent = record(c, handoff(1, "a person please"))
    assert compute([silent]).repeat_info_rate is None


def _suggesting(text: str, cited: str, chunk: str, **kw: Any) -> CaseRecord:
    from agent.package import SuggestedResolution
    from agent.state import Citation

    turn = handoff(1, "my light stopped working", **kw)
    assert turn.handoff is not None
    suggestion = SuggestedResolution(
        text=text, citations=[Citation(chunk_id=chunk, doc_id=chunk.split("#")[0])], grounded=True
    )
    turn.handoff = turn.handoff.model_copy(update={"suggested_resolution": suggestion})
    turn.cited_texts = {chunk: cited}
    return record(case("escalate", 1, "explicit"), turn)


def test_a_word_inside_a_citation_id_is_not_a_claim():
    cited = "Charge it fully before first use."
    page = _suggesting(
        f"Check the charge. From the knowledge base: {cited} [kb:products/lantern.md#0]",
        cited,
        "kb:products/lantern.md#0",
    )
    assert unfaithful(page, ["Lantern"]) == []
    numbered = _suggesting(
        f"From the knowledge base: {cited} [kb:faq/orders.md#1042]", cited, "kb:faq/orders.md#1042"
    )
    assert unfaithful(numbered, []) == []
    # the same words as a claim outside the id still count
    named = _suggesting(
        f"Send a new Lantern. {cited} [kb:faq/orders.md#1042]", cited, "kb:faq/orders.md#1042"
    )
    assert unfaithful(named, ["Lantern"]) == ["product Lantern"]


def test_a_trigger_reason_or_rule_name_is_not_a_claim():
    hit = TriggerHit(kind="sensitive", reason="sensitive topic store.ember_recall (Ember recall)")
    turn = handoff(
        1,
        "is my candle safe?",
        summary="Handed to a person because: sensitive "
        "(sensitive topic store.ember_recall (Ember recall)).",
    )
    assert turn.handoff is not None
    turn.handoff = turn.handoff.model_copy(update={"triggers": [hit]})
    assert unfaithful(record(case("escalate", 1, "sensitive"), turn), ["Ember"]) == []
    # a model's own wording of the rule name, without the reason's text
    loose = handoff(1, "is my candle safe?", summary="Escalated under store.ember_recall.")
    assert unfaithful(record(case("escalate", 1, "sensitive"), loose), ["Ember"]) == []


def test_a_product_name_inside_another_word_is_not_named():
    turn = handoff(1, "hello", summary="The shopper asked about content of the box.")
    assert unfaithful(record(case("escalate", 1, "explicit"), turn), ["Tent"]) == []


def test_a_polite_decline_is_an_answer_without_claims():
    decline = answer(1, text="I can only help with questions about Northwind's orders.")
    decline = decline.model_copy(update={"kind": "decline", "citations": [], "cited_texts": {}})
    fine = record(case("answer"), decline)
    assert hallucination(fine, decline) is None  # cites nothing, and claims nothing either
    m = compute([fine])
    assert (m.decision_accuracy, m.answered_turns, m.hallucination_rate) == (1.0, 1, 0.0)
    assert m.unsafe_answer_rate == 0.0
    due = record(case("escalate", 1, "explicit", turns=1, id="d"), decline)
    assert compute([fine, due]).unsafe_answers == 1  # a person was needed: declining is unsafe
