"""Chat shorthand is written out before the question is matched against the KB."""

from __future__ import annotations

import pytest

from agent.nodes.retrieve import matched_question, question_of
from agent.shorthand import expand


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("do u ship to canada", "do you ship to canada"),
        ("whats ur return addr pls", "whats your return address please"),
        ("cancel my pkg asap thx", "cancel my package as soon as possible thanks"),
        ("gonna return it, wanna know how", "going to return it, want to know how"),
        ("gift wrap w/ a note, w/o the receipt", "gift wrap with a note, without the receipt"),
    ],
)
def test_shorthand_is_written_out(typed, written):
    assert expand(typed) == written


@pytest.mark.parametrize("text", ["Does size U fit?", "U.S. orders only", "shipping to the usa"])
def test_letters_names_and_words_that_contain_shorthand_are_left_alone(text):
    assert expand(text) == text


def test_only_english_is_expanded():
    spanish = "¿puedo devolver 7 u 8 artículos?"  # "u" is Spanish for "or"
    assert expand(spanish, "es") == spanish
    assert expand("do u ship", "en") == expand("do u ship", None) == "do you ship"


def test_the_bot_matches_the_written_out_question_but_keeps_the_shoppers_words():
    state = {
        "transcript": [{"role": "shopper", "kind": "message", "text": "do u ship to the UK"}],
        "language": "en",
    }
    assert question_of(state) == "do u ship to the UK"
    assert matched_question(state) == "do you ship to the UK"
