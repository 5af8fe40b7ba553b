"""The offline draft picks the unit that answers: synonyms of the thing asked about, the
number the question names, a lead-in's next sentence, hours questions at the floor."""

from __future__ import annotations

import pytest

from agent.answer_type import expected, names_asked, unmet
from agent.offline import best_sentences
from knowledge.models import ScoredChunk
from tests.fakes import chunk


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        (
            "If I use the guarantee do I get my money back on my card?",
            "The guarantee refunds the full price as store credit.",
        ),
        ("do I get the autoship discount on meds?", "Autoship orders save 5% on food."),
        ("do you ship to canada", "We deliver to Canada in 7 days."),
    ],
)
def test_the_kb_word_for_the_thing_asked_about_counts(question, quote):
    assert unmet(question, [quote]) is None


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        ("do I get my money back?", "Orders leave the warehouse in 2 days."),
        ("do I get a discount on meds?", "Autoship orders arrive every 2 weeks."),
        ("do you sell heated beds?", "Our beds are machine washable."),
    ],
)
def test_a_synonym_table_does_not_let_an_unrelated_quote_through(question, quote):
    assert unmet(question, [quote]) is not None


def test_the_unit_that_names_the_thing_asked_about_is_preferred():
    text = (
        "Prescription items need your vet's approval. We check with your vet within a day.\n\n"
        "Autoship savings do not apply to prescription medication or gift cards."
    )
    sc = ScoredChunk(chunk=chunk("rx.md#0", text, "Pharmacy"), score=0.6)
    assert names_asked("do I get the autoship discount on my prescription meds?", text)
    picked = best_sentences(
        "do I get the autoship discount on my prescription meds?", [sc], 0.3, limit=1
    )
    assert [t for t, _ in picked] == [
        "Pharmacy: Autoship savings do not apply to prescription medication or gift cards."
    ]


def test_the_unit_with_the_number_the_question_names_is_preferred():
    text = (
        "Bark Points: you earn 1 point per $1 spent on points orders. "
        "500 points are worth a $10 reward."
    )
    sc = ScoredChunk(chunk=chunk("rewards.md#0", text, "Rewards"), score=0.7)
    picked = best_sentences("how much are 500 bark points worth", [sc], 0.3, limit=1)
    assert "$10" in " ".join(t for t, _ in picked)


def test_a_lead_in_is_quoted_with_the_next_sentence_that_states_the_answer():
    text = "Standard shipping goes with our regional carrier. Orders arrive in 3 to 5 days."
    sc = ScoredChunk(chunk=chunk("ship.md#0", text, "Shipping"), score=0.7)
    picked = best_sentences("how long does standard shipping take with the carrier?", [sc], 0.3, 1)
    quoted = [t for t, _ in picked]
    assert len(quoted) == 2
    assert quoted[0].endswith("Standard shipping goes with our regional carrier.")
    assert quoted[1].endswith("Orders arrive in 3 to 5 days.")


@pytest.mark.parametrize(
    "question",
    [
        "are you open on saturdays",
        "is customer support open on sunday",
        "are you closed on holidays",
    ],
)
def test_open_on_a_day_asks_for_hours(question):
    assert expected(question) == "time"


def test_is_the_store_open_to_visitors_is_not_an_hours_question():
    assert expected("is the warehouse open to visitors?") is None


def test_hours_just_under_the_floor_are_still_read():
    text = "Our team is available Monday to Friday 8 am to 8 pm, and Saturday 9 am to 5 pm."
    sc = ScoredChunk(chunk=chunk("contact.md#0", text, "Contact us"), score=0.29)
    assert best_sentences("are you open on saturdays", [sc], 0.3)
    other = ScoredChunk(chunk=chunk("faq.md#0", "We are an online shop.", "FAQ"), score=0.29)
    assert not best_sentences("are you open on saturdays", [other], 0.3)


def test_how_do_i_get_is_a_how_to_not_an_availability_question():
    assert (
        unmet(
            "how do i get coffee stains off the ceramic dripper",
            ["To lift coffee stains, soak them in warm water with baking soda."],
        )
        is None
    )
    assert unmet("do I get a ceramic dripper with the set?", ["A glass carafe."]) is not None


def test_a_fee_question_is_answered_by_the_thing_being_free():
    assert (
        unmet("do I have to pay the label fee for an exchange?", ["Exchange labels are free."])
        is None
    )
    assert unmet("How much is the Loft Fleece?", ["Free returns within 30 days."]) is not None


def test_coverage_counts_the_kb_word_for_the_shoppers_word():
    from agent.grounding import score_features
    from agent.passages import units

    c = chunk("autoship.md#0", "Every Autoship order saves 5%.", "Autoship")
    sc = ScoredChunk(chunk=c, score=0.6)
    features = score_features("is there an autoship discount?", list(units(c)), [sc], [])
    assert features["coverage"] > 0.85  # "discount" said as "saves"


def test_hours_are_found_when_the_question_uses_other_words_than_the_kb():
    text = "Our customer care team is available Monday to Friday 8 am to 8 pm."
    sc = ScoredChunk(chunk=chunk("contact.md#0", text, "Contact us"), score=0.33)
    assert best_sentences("what time does support close", [sc], 0.3)


def test_coverage_counts_the_kb_word_for_the_shoppers_phrase():
    from agent.grounding import score_features
    from agent.passages import units

    c = chunk("returns.md#0", "The guarantee refunds the full price.", "Returns")
    sc = ScoredChunk(chunk=c, score=0.6)
    features = score_features(
        "do I get my money back with the guarantee?", list(units(c)), [sc], []
    )
    assert features["coverage"] > 0.8


def test_a_phrase_with_a_word_between_counts_too():
    from agent.answer_type import phrases_in

    assert phrases_in("how long do I have to send clothes back?") == [("send * back", "return")]
    assert phrases_in("do you send a tracking link?") == []


def test_no_synonym_credit_when_the_question_names_what_the_kb_never_does():
    from agent.grounding import score_features
    from agent.passages import units

    c = chunk("ship.md#0", "International shipping is a flat $19.95 per order.", "Shipping")
    sc = ScoredChunk(chunk=c, score=0.6)
    question = "can you deliver to mexico? how much is international shipping"
    with_unknown = score_features(question, list(units(c)), [sc], ["mexico"])
    without = score_features(question, list(units(c)), [sc], [])
    assert with_unknown["coverage"] < without["coverage"]


def test_a_question_on_the_page_is_never_quoted_as_an_answer():
    text = (
        "Seen it cheaper? We match the price of any UK retailer selling the same item new, "
        "in stock, including delivery."
    )
    sc = ScoredChunk(chunk=chunk("price-match.md#0", text, "Price Match Promise"), score=0.7)
    quoted = [t for t, _ in best_sentences("will it be cheaper somewhere else?", [sc], 0.3)]
    assert quoted and not any(q.rstrip().endswith("?") for q in quoted)
    assert any("We match the price" in q for q in quoted)
    alone = ScoredChunk(chunk=chunk("faq.md#0", "Seen it cheaper?", "Price Match"), score=0.7)
    assert best_sentences("is it cheaper anywhere?", [alone], 0.3) == []
