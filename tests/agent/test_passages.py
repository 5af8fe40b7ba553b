"""Structure-aware units: what a quote is made of."""

from __future__ import annotations

from agent.claim_check import check_claim
from agent.passages import Unit, source_sentences, units
from tests.fakes import chunk

WRAPPED = """Autoship delivers your order on a schedule you choose, from every 2 weeks to
every 12 weeks. Once opened, keep the bag sealed and use it within 6
weeks."""


def _bodies(text: str, title: str = "Guide", heading: str = "") -> list[str]:
    return [u.body for u in units(chunk("guide.md#0", text, title, heading))]


def test_wrapped_lines_are_joined_and_cut_at_sentence_ends():
    assert _bodies(WRAPPED) == [
        "Autoship delivers your order on a schedule you choose, from every 2 weeks to every 12 weeks.",
        "Once opened, keep the bag sealed and use it within 6 weeks.",
    ]


def test_list_items_keep_their_intro_and_the_intro_is_not_a_unit():
    text = "We cannot ship:\n- frozen food to Canada\n- live plants\n\nAll else ships."
    found = units(chunk("s.md#0", text, "Shipping"))
    assert [u.body for u in found] == [
        "We cannot ship: frozen food to Canada",
        "We cannot ship: live plants",
        "All else ships.",
    ]
    assert [u.kind for u in found] == ["item", "item", "sentence"]


def test_an_intro_before_a_blank_line_still_introduces_its_list():
    text = "Not covered:\n\n- chewing damage\n- lost buckles"
    assert _bodies(text) == ["Not covered: chewing damage", "Not covered: lost buckles"]


def test_a_wrapped_list_item_stays_one_item():
    text = "You can return:\n- unopened bags within 30 days of\n  delivery\n- toys"
    assert _bodies(text)[0] == "You can return: unopened bags within 30 days of delivery"


def test_table_rows_are_read_with_their_header():
    text = "| Size | Burn time |\n|---|---|\n| 8 oz | 40 hours |\n| 14 oz | 70 hours |"
    found = units(chunk("candles.md#1", text, "Candles", "Sizes"))
    assert [u.body for u in found] == [
        "Size: 8 oz; Burn time: 40 hours",
        "Size: 14 oz; Burn time: 70 hours",
    ]
    assert {u.kind for u in found} == {"row"}


def test_a_table_flattened_from_html_keeps_its_header_line():
    text = "Size Chest girth\nS 17–22 in\nM 22–30 in\nL 27–36 in"
    assert _bodies(text)[1] == "Size Chest girth: M 22–30 in"


def test_a_short_line_alone_heads_the_paragraphs_below_it():
    text = (
        "Vitamin C Serum\n\nUse within 3 months of opening.\n\n"
        "Retinal Night Serum\n\nOnce opened, use within 6 months."
    )
    found = units(chunk("serums.md#0", text, "Serums", "Care"))
    assert [u.heading for u in found] == [
        ("Serums", "Care", "Vitamin C Serum"),
        ("Serums", "Care", "Retinal Night Serum"),
    ]
    assert found[1].quote() == "Care › Retinal Night Serum: Once opened, use within 6 months."


def test_a_quote_names_its_section_unless_it_already_does():
    u = Unit("Once opened, use within 6 months.", "sentence", ("Serums", "Retinal Night Serum"))
    assert u.quote() == "Serums › Retinal Night Serum: Once opened, use within 6 months."
    named = Unit("The Retinal Night Serum keeps 6 months.", "sentence", ("Retinal Night Serum",))
    assert named.quote() == named.body


def test_a_label_never_states_a_figure_the_sentence_does_not_give():
    u = Unit("Free from gluten.", "sentence", ("Magnesium — 120 capsules", "Other ingredients"))
    assert "120" not in u.quote()
    assert u.quote() == "Magnesium › Other ingredients: Free from gluten."
    faq = Unit("Linen creases naturally.", "sentence", ("Care", "How do I get wrinkles out?"))
    assert faq.quote() == "Care: Linen creases naturally."


def test_a_joined_sentence_passes_the_claim_check_against_its_wrapped_source():
    source = f"Autoship > Schedule\n{WRAPPED}"
    for body in _bodies(WRAPPED):
        assert check_claim(body, [source]) == []
    assert "Once opened, keep the bag sealed and use it within 6 weeks." in source_sentences(
        WRAPPED
    )


def test_a_learned_answer_is_quoted_without_the_shoppers_question_as_its_heading():
    learned = chunk("learned/abc.md#0", "Yes, it comes in Sage and Oat.", "Learned answers")
    learned = learned.model_copy(update={"source": "learned", "heading": "got it in grey"})
    (unit,) = units(learned)
    assert unit.heading == () and unit.quote() == "Yes, it comes in Sage and Oat."


def test_a_row_quote_names_its_product_even_when_a_column_shares_a_word_with_it():
    text = "| skin tone | kit size | price |\n|---|---|---|\n| dark | professional | $253.98 |"
    (row,) = units(chunk("kit.md#2", text, "Makeup Kit", "Colours"))
    assert (
        row.quote()
        == "Makeup Kit › Colours: skin tone: dark; kit size: professional; price: $253.98"
    )
    sizes = "| Size | Burn time |\n|---|---|\n| 14 oz | 60 hours |"
    (row,) = units(chunk("cedar.md#3", sizes, "Cedar Candle", "Sizes"))
    assert row.quote() == "Cedar Candle: Size: 14 oz; Burn time: 60 hours"  # "Sizes": said


def test_an_unfinished_sentence_is_quoted_with_the_next_unit_of_its_section():
    from agent.passages import continuation

    text = (
        "## Where we ship\n\nWe deliver to these regions:\n\n| Region | Days |\n|---|---|\n"
        "| Canada | 7 |\n\n## Returns\n\nRefunds go back to the card you paid with,\n\n## Other\n\nDone."
    )
    c = chunk("ship.md#0", text, "Shipping")
    found = units(c)
    intro = next(u for u in found if u.text == "We deliver to these regions:")
    assert intro.unfinished
    assert continuation(c, intro).text == "Region: Canada; Days: 7"
    cut = next(u for u in found if u.text == "Refunds go back to the card you paid with,")
    assert cut.unfinished and continuation(c, cut) is None  # the next unit is another section
    whole = next(u for u in found if u.text == "Done.")
    assert not whole.unfinished and continuation(c, whole) is None


def test_the_offline_draft_quotes_what_a_list_intro_introduces():
    from agent.offline import best_sentences
    from knowledge.models import ScoredChunk

    text = (
        "Orders to Alaska and Hawaii take longer. We deliver to these regions:\n\n"
        "| Region | Days |\n|---|---|\n| Canada | 7 |"
    )
    sc = ScoredChunk(chunk=chunk("ship.md#0", text, "Shipping"), score=0.7)
    picked = best_sentences("which regions do you deliver to?", [sc], 0.3, limit=1)
    assert [t for t, _ in picked] == [
        "Shipping: We deliver to these regions:",
        "Shipping: Region: Canada; Days: 7",
    ]
