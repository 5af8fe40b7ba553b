"""Claims, not words: each check of agent/claim_check.py, agent/numbers.py, agent/notes_check.py."""

import pytest

from agent.claim_check import check_claim, clauses, lemmas, polarity
from agent.contacts import contacts
from agent.llm import HandoffNotes
from agent.notes_check import marker, vet_notes
from agent.numbers import normalise_numbers

RETURNS = (
    "Returns > Return window\nYou can return unworn items within 30 days of delivery. "
    "Items must have their original tags. Final-sale items can't be returned. "
    "Start a return at northwindgoods.example/returns or email returns@northwind.example."
)
SHIPPING = (
    "Shipping > Rates\nStandard shipping costs $5.95 and takes 5–7 business days. "
    "Express shipping costs $14.95 and takes 2 business days. Orders over $75 ship free."
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("within forty-five days", "within 45 days"),
        ("Forty five days", "45 days"),
        ("a dozen pairs", "12 pairs"),
        ("half a dozen", "6"),
        ("two dozen", "24"),
        ("a hundred dollars", "100 dollars"),
        ("on the fourteenth day", "on the 14th day"),
        ("the twenty-first of May", "the 21st of May"),
        ("your first order and a second pair", "your first order and a second pair"),
        ("thirty days", "thirty days"),  # single words are read by the quantity check
    ],
)
def test_numbers_in_words_become_digits(text, expected):
    assert normalise_numbers(text) == expected


def test_stemming_keeps_shipping_and_ship_together():
    assert lemmas("Shipping is shipped") == lemmas("ship ships")
    assert "not" not in lemmas("not never no")  # polarity is its own check


@pytest.mark.parametrize(
    "text, expected",
    [
        ("You can return it.", set()),
        ("You can not return it.", {"not"}),
        ("You can't return it.", {"not"}),
        ("You won’t be charged.", {"not"}),
        ("We never charge twice.", {"not"}),
        ("Only unworn items.", {"only"}),
        ("All items except sale items unless faulty.", {"except", "unless"}),
    ],
)
def test_polarity(text, expected):
    assert polarity(text) == expected


def test_clauses_split_where_a_new_claim_starts():
    assert clauses("Returns are free, and we also give every customer a gift card.") == [
        "Returns are free",
        "we also give every customer a gift card",
    ]
    assert clauses("Returns are free; exchanges too and we also pay") == [
        "Returns are free",
        "exchanges too",
        "we also pay",
    ]
    assert clauses("Black and white tees") == ["Black and white tees"]


def test_contacts_are_normalised():
    found = contacts("Go to https://www.Evil.com/claim. Mail x@y.com or call +1 (800) 555-0199.")
    assert found == {"evil.com/claim", "x@y.com", "18005550199"}
    assert contacts("Ship in 5-7 days for $5.95, order NW-10482.") == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "You can return unworn items within 30 days of delivery.",
        "Yes, you can return unworn items within thirty days of delivery.",
        "Unworn items can be returned within 30 days of delivery.",
        "Final-sale items cannot be returned.",
        "Start a return at northwindgoods.example/returns.",
    ],
)
def test_faithful_restatements_pass(sentence):
    assert check_claim(sentence, [RETURNS]) == []


@pytest.mark.parametrize(
    "sentence, named",
    [
        ("You can not return unworn items within 30 days of delivery.", "'not'"),
        ("Final-sale items can be returned.", "'not'"),
        ("You can only return unworn items within 30 days of delivery.", "'only'"),
        ("You can return unworn items within 30 days of delivery unless opened.", "unless"),
        ("You can return worn items within 30 days of delivery.", "unworn"),
        ("You can return unworn items within forty-five days of delivery.", "45 day"),
        ("You can return unworn items within 30 days at https://n0rthwind.com/x.", "n0rthwind"),
        ("Start a return at northwindgoods.example/claim-refund.", "claim-refund"),
        ("You can email refunds@northwind-help.com to return items.", "refunds@"),
        ("Call 1-800-555-0199 to return unworn items.", "18005550199"),
        ("You can return unworn items within 30 days for $5.", "5 money"),
        ("You can return unworn items, and we also give every customer a free gift card.", "gift"),
        ("Items must have their original receipts.", "receipt"),
    ],
)
def test_each_kind_of_fault_fails_and_says_why(sentence, named):
    problems = check_claim(sentence, [RETURNS])
    assert problems and named in " ".join(problems), problems


def test_a_clause_must_restate_one_source_sentence():
    # every word is in the chunk, but the price belongs to another sentence's service
    assert check_claim("Express shipping costs $5.95.", [SHIPPING])
    assert check_claim("Express shipping costs $14.95.", [SHIPPING]) == []
    # a summary may combine several sources
    assert check_claim("Express shipping costs $5.95.", [SHIPPING], single_source=False) == []


def test_the_title_may_name_what_a_sentence_is_about():
    chunk = "Aero Buds Pro > Battery\nUp to 8 hours of playback per charge."
    assert (
        check_claim("The Aero Buds Pro have up to 8 hours of playback per charge.", [chunk]) == []
    )


def test_notes_keep_what_the_sources_say_and_drop_and_mark_the_rest():
    sources = ["shopper: can I return my unworn tee from NW-10482?", RETURNS]
    notes = HandoffNotes(
        summary="The shopper asks to return an unworn tee from NW-10482. They want $999 back.",
        suggested_resolution="Refund $999 and give 90% off. Offer a gift card too.",
        citations=["policies/returns.md#0"],
    )
    vetted = vet_notes(notes, sources)
    assert vetted.summary == (
        "The shopper asks to return an unworn tee from NW-10482. " + marker(1)
    )
    assert vetted.suggested_resolution == marker(2) == "[unverified: dropped 2 sentences]"
    assert vetted.citations == []


def test_notes_with_citation_markers_are_checked_without_them():
    notes = HandoffNotes(
        summary="The shopper asks about returns.",
        suggested_resolution="Unworn items can be returned within 30 days of delivery "
        "[policies/returns.md#0].",
        citations=["policies/returns.md#0"],
    )
    assert vet_notes(notes, ["shopper: returns?", RETURNS]) == notes


def test_a_claims_scope_must_be_the_sources():
    source = (
        "If we lower the price of an item within 14 days of your order, "
        "we refund the difference once per item."
    )
    moved = "If we lower the price of an item within 14 days of your order, we refund the difference once per order."
    assert any("per order" in p for p in check_claim(moved, [source]))
    assert check_claim("We refund the difference once per item.", [source]) == []
    per_order = "Standard shipping costs $5.95 per order, however many items it holds."
    problems = check_claim("Standard shipping costs $5.95 per item.", [per_order])
    assert any("per item" in p for p in problems)


def test_a_hyphenated_negation_the_source_also_uses_is_no_flip():
    source = "You can return a ridden non-electric bike within 14 days of delivery."
    assert check_claim(source, [source]) == []
    flipped = check_claim("You can return a ridden electric bike within 14 days.", [source])
    assert any("flips the source" in p for p in flipped)
    added = check_claim(
        "You can return a ridden non-electric bike within 14 days.",
        ["You can return a ridden electric bike within 14 days."],
    )
    assert any("non-electric flips the source" in p for p in added)
