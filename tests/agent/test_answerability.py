"""Does the quote answer *this* question: variant, entity, restriction, and the one score."""

from __future__ import annotations

import pytest

from agent.answer_type import expected, unmet_check
from agent.answerability import conflict, restriction, sizes
from agent.grounding import FEATURES, Score, calibrated, score_features, unknown_terms, verify
from agent.llm import Claim, Draft
from agent.offline import OfflineBackend
from agent.passages import units
from knowledge.models import ScoredChunk
from tests.fakes import chunk

CANDLES = chunk(
    "products/candles.md#1",
    "| Size | Burn time |\n|---|---|\n| 8 oz | 40 hours |\n| 14 oz | 70 hours |",
    "Cedar Candle",
    "Sizes",
)
CANDLE_8OZ_ONLY = chunk(
    "products/candles.md#2", "The 8 oz candle burns for about 40 hours.", "Cedar Candle", "Burn"
)
SERUMS = chunk(
    "products/serums.md#0",
    "Vitamin C Serum\n\nA brightening serum with 15% vitamin C.\n\n"
    "Retinal Night Serum\n\nOnce opened, use within 6 months.",
    "Serums",
    "Our serums",
)
SHIPPING = chunk(
    "policies/shipping.md#0",
    "We ship to all 50 US states and to Canada.\n"
    "We do not ship frozen food to Canada, Alaska or Hawaii.",
    "Shipping",
)


def _scored(*chunks, score=0.6):
    return [ScoredChunk(chunk=c, score=score) for c in chunks]


def _claims(chunk_, *texts):
    return Draft(answerable=True, sentences=[Claim(text=t, citations=[chunk_.id]) for t in texts])


def test_sizes_are_read_with_their_unit():
    assert sizes("burn time of the 14 oz candle?") == {(14.0, "oz")}
    assert sizes("a 24-lb bag and 2 in stock") == {(24.0, "lb")}


def test_a_row_about_another_size_is_a_variant_conflict():
    rows = units(CANDLES)
    small, large = rows
    question = "What is the burn time of the 14 oz candle?"
    assert conflict(question, small, rows) == (
        "variant",
        "asked about 14 oz; the quote is about 8 oz",
    )
    assert conflict(question, large, rows) is None


def test_a_sentence_about_the_other_size_is_declined_by_the_gate():
    question = "burn time of the 14 oz candle?"
    draft = _claims(CANDLE_8OZ_ONLY, "The 8 oz candle burns for about 40 hours.")
    verdict = verify(draft, question, _scored(CANDLE_8OZ_ONLY), 0.5, 0.3)
    assert not verdict.passed
    assert verdict.declined_by == "variant"


def test_a_sentence_from_a_sibling_section_is_an_entity_conflict():
    every = units(SERUMS)
    retinal = every[-1]
    question = "How long is the vitamin C serum good once opened?"
    found = conflict(question, retinal, every)
    assert found is not None and found[0] == "entity"
    # asked about the retinal serum, the same sentence is the answer
    assert conflict("How long is the retinal serum good once opened?", retinal, every) is None


def test_the_gate_names_the_entity_check_for_the_retinal_line_and_passes_the_right_one():
    retrieved = _scored(SERUMS)
    draft = _claims(SERUMS, "Retinal Night Serum: Once opened, use within 6 months.")
    wrong = verify(draft, "how long is the vitamin C serum good once opened?", retrieved, 0.5, 0.3)
    assert wrong.declined_by == "entity" and wrong.confidence == 0.0
    right = verify(draft, "how long is the retinal serum good once opened?", retrieved, 0.5, 0.3)
    assert right.declined_by != "entity"


def test_the_offline_backend_quotes_the_14_oz_row_with_its_header():
    draft = OfflineBackend().draft_answer(
        "What's the burn time of the 14 oz candle?", _scored(CANDLES), []
    )
    assert [c.text for c in draft.sentences] == ["Cedar Candle: Size: 14 oz; Burn time: 70 hours"]


def test_a_yes_without_the_sections_exception_is_declined_as_a_restriction():
    section = units(SHIPPING)
    yes, rule = section
    question = "Can you ship frozen food to Canada?"
    assert restriction(question, [yes], section) is not None
    assert restriction(question, [yes, rule], section) is None
    assert restriction("What countries do you ship to?", [yes], section) is None  # not yes/no
    verdict = verify(_claims(SHIPPING, yes.body), question, _scored(SHIPPING), 0.5, 0.3)
    assert verdict.declined_by == "restriction"


def test_a_weight_question_is_not_read_as_a_price_question():
    assert expected("how much does it weigh?") == "measure"
    assert expected("how much does it cost?") == "money"
    assert unmet_check("how much does the kettle weigh?", ["It weighs 1.2 kg empty."]) is None
    found = unmet_check("how much does the kettle cost?", ["It weighs 1.2 kg empty."])
    assert found is not None and found[0] == "answer_type"


def test_the_shoppers_name_and_wanna_are_not_unknown_words():
    vocabulary = frozenset({"return", "day", "item"})
    question = "Hi, Priyanka here, I wanna know how many days to return an item"
    assert unknown_terms(question, vocabulary, ignore={"priyanka"}) == []


def test_coverage_counts_shipping_as_ship():
    unit_chunk = chunk(
        "policies/shipping.md#1", "We ship orders within 2 business days.", "Shipping"
    )
    features = score_features(
        "what about shipping orders?", units(unit_chunk), _scored(unit_chunk), [], None
    )
    assert features["coverage"] == 1.0


def test_a_correct_retrieval_at_similarity_0_45_passes():
    # a verbatim, on-topic quote of the right chunk, retrieved at 0.45
    unit_chunk = chunk(
        "policies/returns.md#0", "Unworn items can be returned within 30 days.", "Returns"
    )
    draft = _claims(unit_chunk, "Unworn items can be returned within 30 days.")
    verdict = verify(
        draft, "how many days to return unworn items?", _scored(unit_chunk, score=0.45), 0.5, 0.3
    )
    assert verdict.passed, verdict


def test_every_check_that_declines_is_named():
    draft = Draft(answerable=False, sentences=[], note="answer_type: a price was asked")
    verdict = verify(draft, "how much is it?", _scored(SHIPPING), 0.5, 0.3)
    assert verdict.declined_by == "answer_type"
    bare = verify(Draft(answerable=False, sentences=[]), "hm?", _scored(SHIPPING), 0.5, 0.3)
    assert bare.declined_by == "no_answer"


BASE = {"similarity": 0.5, "retrieval": 0.5, "coverage": 0.5, "unknown": 0.0, "typed": 0.0}


@pytest.mark.parametrize(
    ("feature", "direction"),
    [("similarity", 1), ("retrieval", 1), ("coverage", 1), ("typed", 1), ("unknown", -1)],
)
def test_the_fitted_score_moves_the_right_way_with_each_signal(feature, direction):
    score = calibrated()
    assert set(score.weights) == set(FEATURES)
    low, high = dict(BASE), dict(BASE)
    low[feature], high[feature] = 0.0, 1.0
    assert (score.probability(high) - score.probability(low)) * direction > 0


def test_a_score_file_must_weigh_every_signal(tmp_path):
    bad = tmp_path / "score.json"
    bad.write_text('{"weights": {"similarity": 1.0}, "bias": 0}', encoding="utf-8")
    with pytest.raises(ValueError, match="weights must be given"):
        Score.load(bad)


def test_an_accented_word_the_kb_uses_is_not_unknown():
    # the KB's vocabulary is accent-folded
    assert unknown_terms("¿Cuántos días tengo?", frozenset({"cuantos", "dias", "tengo"})) == []
