"""How much a question hinges on a word the knowledge base never uses (agent.hinge)."""

from __future__ import annotations

import pytest

from agent.hinge import HINGE_FULL, hinges, without
from knowledge.embeddings import LocalMiniLM


@pytest.fixture(scope="module")
def minilm() -> LocalMiniLM:
    return LocalMiniLM()


def test_without_takes_out_the_whole_word_in_any_case():
    assert without("Do you ship to Toronto?", "toronto") == "Do you ship to ?"
    assert without("ship my kibbles", "kibble") == "ship my kibbles"


def test_a_word_a_short_question_is_about_counts_in_full(minilm):
    assert hinges("can I pay with bitcoin?", ["bitcoin"], minilm.embed)["bitcoin"] == 1.0
    assert hinges("do you ship to toronto?", ["toronto"], minilm.embed)["toronto"] == 1.0


def test_a_story_word_a_long_question_barely_hinges_on_counts_little(minilm):
    question = "My puppy slept on the new bed for one night and I hate the colour. Can I return it?"
    slept = hinges(question, ["slept"], minilm.embed)["slept"]
    bitcoin = hinges("can I pay with bitcoin?", ["bitcoin"], minilm.embed)["bitcoin"]
    assert slept < 0.7 < bitcoin


def test_toronto_counts_less_in_a_long_question_than_bitcoin_in_a_short_one(minilm):
    long = "I moved to Toronto last spring, can you still send the frozen raw dog food to my flat?"
    toronto = hinges(long, ["toronto"], minilm.embed)["toronto"]
    bitcoin = hinges("can I pay with bitcoin?", ["bitcoin"], minilm.embed)["bitcoin"]
    assert toronto < bitcoin


def test_a_word_the_question_lacks_counts_in_full(minilm):
    assert hinges("do you ship to Narnia?", ["mordor"], minilm.embed) == {"mordor": 1.0}
    assert hinges("anything", [], minilm.embed) == {}
    assert 0 < HINGE_FULL < 1
