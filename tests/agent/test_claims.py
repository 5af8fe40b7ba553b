import pytest

from agent.claims import content_words, quantities, sentences, unsupported_quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 30 days", {(30.0, "day")}),
        ("a thirty-day window", {(30.0, "day")}),
        ("costs $5.95", {(5.95, "money")}),
        ("save 15% today", {(15.0, "%")}),
        ("takes 5–7 business days", {(5.0, "day"), (7.0, "day")}),
        ("a 20,000 mAh cell", {(20000.0, "")}),
        ("8 hours of battery", {(8.0, "hour")}),
        ("one of our bestsellers", set()),
    ],
)
def test_quantities_reads_values_and_units(text, expected):
    assert quantities(text) == expected


def test_changed_number_is_unsupported():
    assert unsupported_quantities(
        "Returns are accepted within 45 days.", ["within 30 days of delivery"]
    ) == [(45.0, "day")]


def test_same_value_with_other_unit_is_unsupported():
    # "30 hours" is not supported by a chunk that says "30 days"
    assert unsupported_quantities("It lasts 30 hours.", ["Return within 30 days."]) == [
        (30.0, "hour")
    ]


def test_supported_quantities_pass():
    assert (
        unsupported_quantities(
            "Shipping is $5.95 and free over $75.", ["costs $5.95 ... over $75 ship free"]
        )
        == []
    )


def test_sentences_split_prose_and_lists():
    assert sentences("We ship fast. Returns are free!\n- Tags on\n- Unworn") == [
        "We ship fast.",
        "Returns are free!",
        "Tags on",
        "Unworn",
    ]


def test_content_words_drop_stopwords_and_stem():
    assert content_words("How do I return the shoes?") == {"return", "shoe"}


def test_number_words_are_whole_words():
    assert quantities("within sixty days") == {(60.0, "day")}
    assert quantities("fourteen days") == {(14.0, "day")}
    assert unsupported_quantities("Return within sixty days.", ["Return within 30 days."]) == [
        (60.0, "day")
    ]
