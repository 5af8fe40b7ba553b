"""The gate's checks read what is quoted, not words of the question out of context: each
test is one mechanism that declined answerable questions (a bicycle shop's help centre)."""

from __future__ import annotations

from agent.answer_type import expected, unmet_check
from agent.answerability import conflict, heights
from agent.claim_check import check_claim
from agent.passages import units
from tests.fakes import chunk

SIZE_GUIDE = [
    chunk(
        "guides/size.md#1",
        "| Size | Rider height |\n|---|---|\n| M | 170–180 cm (5'7\"–5'11\") |\n"
        "| L | 180–190 cm (5'11\"–6'3\") |",
        "Sizing Guide",
        "Kestrel Trail Bike",
    ),
    chunk(
        "guides/size.md#2",
        "| Size | Rider height | Frame |\n|---|---|---|\n| S | 150–165 cm | low-step only |\n"
        "| M | 165–180 cm | diamond |\n| L | 180–195 cm | diamond |",
        "Sizing Guide",
        "Ambler Town Bike",
    ),
    chunk(
        "guides/size.md#3",
        "If you fall between two sizes, pick the smaller one for a relaxed, upright ride.",
        "Sizing Guide",
        "Between two sizes",
    ),
]
PARCELS = (
    "Delivery > Parcels\n| Destination | Price | Free over | Time |\n|---|---|---|---|\n"
    "| Mainland | £4.95 | £50 | 2–4 working days |\n"
    "| Overseas | £14.95 | never free | 5–10 working days |"
)


def test_a_yes_no_policy_question_naming_a_price_word_asks_no_amount():
    assert expected("do you price match road bikes?") is None
    assert expected("is the delivery fee refundable?") is None
    # the price word is what is asked about: an amount (or "free") answers
    assert expected("is there a fee for exchanges?") == "money"
    assert expected("does it cost extra?") == "money"
    assert expected("what is the price of the helmet?") == "money"
    quote = ["The promise does not apply to clearance items."]
    assert unmet_check("do you price match clearance items?", quote) is None


def test_a_purchase_in_a_condition_is_not_what_is_asked():
    quote = ["You can return any unridden bike within 30 days for a full refund."]
    assert unmet_check("do I get my money back if I then buy a bike?", quote) is None
    asked = unmet_check("can I buy a spare battery?", quote)
    assert asked is not None and asked[0] == "answer_type"


def test_a_particle_is_not_a_thing_on_offer():
    quote = ["Within 7 days of buying from us we'll refund the difference."]
    assert unmet_check("can I get the difference back?", quote) is None
    asked = unmet_check("can I get a bottle cage?", quote)
    assert asked is not None and asked[0] == "attribute"


def test_a_guides_generic_section_is_not_another_products_section():
    every = [u for c in SIZE_GUIDE for u in units(c)]
    advice = every[-1]
    question = "I'm between M and L on the Kestrel and like an upright ride, which one?"
    assert conflict(question, advice, every) is None
    # a section that names another product still is the other entity
    ambler = [u for u in every if u.heading[-1] == "Ambler Town Bike"][0]
    found = conflict("which Kestrel size suits a tall rider?", ambler, every)
    assert found is not None and found[0] == "entity"


def test_a_height_in_feet_picks_its_row_beside_the_row_a_word_names():
    assert heights("I'm 6'1\" tall") == {185.4}
    assert heights("I am 178 cm") == {178.0}
    assert heights("I have 2 in stock") == set()
    rows = units(SIZE_GUIDE[1])
    large = rows[-1]
    # "low-step" is only the S row's word, but 6'1" is the L row: the question spans rows
    assert conflict("I'm 6'1\" and want the low-step Ambler, which size?", large, rows) is None
    found = conflict("which size is the low-step Ambler?", large, rows)
    assert found is not None and found[0] == "entity"


def test_a_quoted_table_row_keeps_its_own_cells_polarity():
    row = "Destination: Overseas; Price: £14.95; Free over: never free; Time: 5–10 working days"
    assert check_claim(row, [PARCELS]) == []
    # a row that takes another row's "never free" is still caught
    mixed = "Destination: Mainland; Price: £4.95; Free over: never free; Time: 2–4 working days"
    assert any("on one side only" in p for p in check_claim(mixed, [PARCELS]))


def test_a_size_inside_a_stated_range_is_that_row_not_another_variant():
    rows = units(SIZE_GUIDE[1])
    medium = rows[1]
    assert conflict("is the M right for 178 cm?", medium, rows) is None
    found = conflict("is the M right for 190 cm?", medium, rows)
    assert found is not None and found[0] == "variant"


def test_a_guide_page_is_not_another_products_page():
    product = chunk("products/kestrel.md#0", "A light trail bike.", "Kestrel Trail Bike")
    guide = chunk(
        "guides/fit.md#0",
        "If you fall between two sizes, pick the smaller one.",
        "Bike Fit Guide: Choosing Your Size",
        "Fine-tuning",
    )
    every = [*units(product), *units(guide)]
    advice = units(guide)[0]
    assert conflict("between sizes on the Kestrel, which one?", advice, every) is None


def test_a_sentence_whose_subject_is_a_pronoun_yields_to_one_that_names_it():
    from agent.offline import best_sentences
    from knowledge.models import ScoredChunk

    faq = chunk("faq/faq.json#0", "Yes, students save 10%. It does not cover road bikes.", "Faq")
    policy = chunk(
        "policies/promise.md#0",
        "Promise rules vary. Some items differ. Our promise does not cover road bikes.",
        "Promise",
    )
    found = best_sentences(
        "does it cover road bikes?",
        [ScoredChunk(chunk=faq, score=0.6), ScoredChunk(chunk=policy, score=0.6)],
        0.3,
        limit=1,
    )
    assert [cid for _, cid in found] == ["policies/promise.md#0"]


def test_a_quote_under_a_title_with_a_colon_is_read_as_its_own_row():
    from agent.grounding import verify
    from agent.llm import Claim, Draft
    from knowledge.models import ScoredChunk

    table = chunk(
        "guides/fit.md#1",
        "| Size | Rider height |\n|---|---|\n| S | 155–167 cm |\n| M | 167–178 cm |",
        "Fit Guide: Choosing Your Size",
    )
    row = units(table)[1].quote()
    assert row.startswith("Fit Guide: Choosing Your Size: Size: M")
    draft = Draft(answerable=True, sentences=[Claim(text=row, citations=[table.id])])
    verdict = verify(
        draft, "what size for 176 cm?", [ScoredChunk(chunk=table, score=0.6)], 0.5, 0.3
    )
    assert verdict.declined_by != "variant"
