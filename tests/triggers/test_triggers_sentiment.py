"""Sentiment: VADER scores, labels, and when an upset shopper is handed off."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.triggers.sentiment import is_shouting
from tests.triggers.trigger_helpers import run

UPSET = [
    "This is ridiculous, worst service ever, I'm furious",
    "I am so frustrated, nobody helps me!!!",
    "I hate this company",
    "THIS IS THE WORST COMPANY EVER",
    "I AM NOT HAPPY WITH THIS AT ALL",
    "i'm so angry right now",
]

CALM = [
    "my package is late, where is it?",
    "the zipper broke",
    "the item arrived damaged",
    "I was charged twice",
    "WHERE IS MY ORDER",
    "I NEED THIS ORDER BY FRIDAY PLEASE",
    "killer deal, I'll take two",
    "I'm dying to get this dress",
    "do you ship to PO boxes?",
    "does it kill 99.9% of bacteria?",
    "what is the worst case delivery time",
    "Thanks so much!",
    "¡Esto es ridículo, estoy furiosa!",  # VADER is English-only: other languages score ~0
]


def sentiment_hits(message: str, settings: TriggerSettings | None = None) -> list:
    return [h for h in run(message, settings).hits if h.kind == "sentiment"]


@pytest.mark.parametrize("message", UPSET)
def test_upset_shoppers_fire_with_the_score_carried(message: str) -> None:
    result = run(message)
    hits = [h for h in result.hits if h.kind == "sentiment"]
    assert hits, (message, result.sentiment)
    assert hits[0].score == result.sentiment.compound < -0.05


@pytest.mark.parametrize("message", CALM)
def test_plain_reports_and_slang_do_not_fire(message: str) -> None:
    assert sentiment_hits(message) == [], (message, run(message).sentiment)


def test_labels() -> None:
    assert run("Thanks so much, I love it!").sentiment.label == "positive"
    assert run("where is my order?").sentiment.label == "neutral"
    assert run("the zipper broke").sentiment.label == "negative"
    assert (
        run("This is ridiculous, worst service ever, I'm furious").sentiment.label == "distressed"
    )
    assert run("THIS IS TERRIBLE, I HATE IT").sentiment.label == "distressed"


def test_very_negative_without_cues_is_negative_not_distressed() -> None:
    result = run("I hate this")
    assert result.sentiment.compound <= -0.55
    assert result.sentiment.label == "negative"
    assert sentiment_hits("I hate this")


def test_threshold_setting_is_honoured() -> None:
    compound = run("I hate this").sentiment.compound  # about -0.57, and no distress cue
    assert -0.6 < compound <= -0.55
    assert sentiment_hits("I hate this", TriggerSettings(sentiment_threshold=-0.55))
    assert sentiment_hits("I hate this", TriggerSettings(sentiment_threshold=-0.6)) == []


def test_a_distress_cue_fires_below_the_threshold_only_with_a_negative_score() -> None:
    hits = sentiment_hits("I am so frustrated, nobody helps me!!!")
    assert hits[0].reason == "distress cue with negative sentiment"
    assert "frustrat" in hits[0].evidence
    assert sentiment_hits("I was frustrated with my old blender, this one is great!") == []


def test_shouting_with_a_mildly_negative_score_fires() -> None:
    message = "YOU PEOPLE ARE USELESS"
    result = run(message)
    assert -0.55 < result.sentiment.compound < -0.05
    assert [h.reason for h in result.hits if h.kind == "sentiment"] == [
        "shouting with negative sentiment"
    ]


def test_shouting_needs_twelve_letters_and_a_majority_of_capitals() -> None:
    assert is_shouting("WHERE IS MY ORDER")
    assert not is_shouting("NOT OK")  # too short to call shouting
    assert not is_shouting("I bought the XL and the XXL")
    assert not is_shouting("مرحبا كيف حالك اليوم")  # no cased letters at all


def test_empty_and_symbol_only_messages_are_neutral() -> None:
    for message in ("", "   ", "???", "\u200f\u200e"):
        result = run(message)
        assert result.sentiment.compound == 0.0 and result.sentiment.label == "neutral"
        assert sentiment_hits(message) == []
