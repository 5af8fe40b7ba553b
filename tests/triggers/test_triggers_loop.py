"""Loops: the same question a third time, and answers the shopper keeps rejecting."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.triggers.loop import content, similarity
from agent.triggers.text import flat
from tests.triggers.trigger_helpers import chat, run, turn


def loop_hits(message: str, settings: TriggerSettings | None = None, **fields: object) -> list:
    return [h for h in run(message, settings, **fields).hits if h.kind == "loop"]


ASKED_TWICE = chat(
    ("shopper", "Where is my order?"),
    ("bot", "You can track it under Account > Orders."),
    ("shopper", "where is my order 4521??"),
    ("bot", "Orders ship within 2 days."),
)


def test_third_time_the_same_question_fires_with_its_similarity() -> None:
    hits = loop_hits("hi, where is my order", history=ASKED_TWICE)
    assert [h.reason for h in hits] == ["same question asked 3 times"]
    assert hits[0].score is not None and hits[0].score >= 0.72
    assert "Where is my order?" in hits[0].evidence


def test_second_time_does_not_fire_with_default_repeats() -> None:
    assert loop_hits("where is my order", history=ASKED_TWICE[:2]) == []


def test_loop_repeats_setting() -> None:
    assert loop_hits("where is my order", TriggerSettings(loop_repeats=1), history=ASKED_TWICE[:2])
    assert (
        loop_hits("where is my order", TriggerSettings(loop_repeats=3), history=ASKED_TWICE) == []
    )


def test_loop_similarity_setting() -> None:
    history = chat(
        ("shopper", "what sizes does the dress come in"),
        ("shopper", "what sizes does the dress come in"),
    )
    message = "what sizes does the dres come in"  # a typo: similar, not identical
    assert loop_hits(message, history=history)
    assert loop_hits(message, TriggerSettings(loop_similarity=1.0), history=history) == []


def test_different_questions_on_the_same_product_are_not_a_loop() -> None:
    history = chat(
        ("shopper", "what sizes do you have for the blue dress"),
        ("bot", "XS to XL."),
        ("shopper", "what sizes do you have for the red dress"),
        ("bot", "S to L."),
    )
    assert loop_hits("what sizes do you have for the green dress", history=history) == []


def test_acknowledgements_never_count_as_a_repeated_question() -> None:
    history = chat(
        ("shopper", "ok thanks"),
        ("bot", "Anything else?"),
        ("shopper", "ok thanks"),
        ("bot", "Bye!"),
    )
    assert loop_hits("ok thanks", history=history) == []


def test_only_shopper_lines_after_the_last_agent_count() -> None:
    history = [*ASKED_TWICE, turn("agent", "Hi, Sam here, looking into it.")]
    assert loop_hits("where is my order", history=history) == []
    bot_echo = chat(("bot", "where is my order"), ("bot", "where is my order"))
    assert loop_hits("where is my order", history=bot_echo) == []


def test_button_presses_are_not_questions() -> None:
    history = [turn("shopper", "talk to a person", kind="button")] * 3
    assert loop_hits("talk to a person please", history=history) == []


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("where is my order", "where is my order 4521??", True),
        ("where's my pakage", "where is my package", True),
        ("do you ship to canada", "do you ship to mexico", False),
        ("when will my order arrive", "where is my order", False),
        ("return policy", "what is your return policy", True),
        ("hello", "hello", False),
    ],
)
def test_similarity(a: str, b: str, same: bool) -> None:
    score = similarity(content(flat(a).split()), content(flat(b).split()))
    assert (score >= 0.72) is same, score


REJECTIONS = [
    "that's not what I asked",
    "That doesn't help",
    "you already said that",
    "no, I mean the blue one",
    "that didn't answer my question",
    "useless answer",
    "still not answered",
    "eso no es lo que pregunté",
    "ce n'est pas ce que j'ai demandé",
    "das hilft mir nicht",
    "isso não ajuda",
]


@pytest.mark.parametrize("message", REJECTIONS)
def test_rejections_are_recognised_after_a_bot_answer(message: str) -> None:
    history = chat(("shopper", "which sizes?"), ("bot", "Our return window is 30 days."))
    assert run(message, history=history).answer_rejected, message


@pytest.mark.parametrize(
    "message",
    [
        "that helps, thanks",
        "I meant to order a medium, can I still?",
        "it doesn't help with my acne",
        "no",
    ],
)
def test_non_rejections(message: str) -> None:
    history = chat(("shopper", "which sizes?"), ("bot", "XS to XL."))
    assert not run(message, history=history).answer_rejected, message


def test_rejection_only_counts_right_after_a_bot_line() -> None:
    assert not run("that's not what I asked").answer_rejected  # no history
    after_agent = chat(("bot", "30 days."), ("agent", "Hi, I'm Sam."))
    assert not run("that's not what I asked", history=after_agent).answer_rejected
    shopper_between = chat(("bot", "30 days."), ("shopper", "hm"))
    assert run("that's not what I asked", history=shopper_between).answer_rejected


def test_failed_answers_fire_at_the_configured_count() -> None:
    history = chat(("shopper", "which sizes?"), ("bot", "Our return window is 30 days."))
    assert loop_hits("that doesn't help", history=history, failed_answers=0) == []
    hits = loop_hits("that doesn't help", history=history, failed_answers=1)
    assert [h.reason for h in hits] == ["2 bot answers rejected in a row"]
    assert hits[0].score == 2.0
    assert loop_hits(
        "that doesn't help", TriggerSettings(failed_answers=1), history=history, failed_answers=0
    )
    assert (
        loop_hits(
            "that doesn't help",
            TriggerSettings(failed_answers=3),
            history=history,
            failed_answers=1,
        )
        == []
    )


def test_a_rejection_without_a_bot_answer_never_fires() -> None:
    assert loop_hits("that doesn't help", failed_answers=5) == []


@pytest.mark.parametrize(
    "message",
    [
        "no, that's the warranty. what's the return window for shoes?",
        "you're still not answering. what's the return window for shoes",
        "I know but what's the return window for shoes",
    ],
)
def test_rejecting_the_answer_and_asking_again_is_a_loop(message: str) -> None:
    history = chat(
        ("shopper", "what's the return window for shoes?"),
        ("bot", "Shoes carry a one-year warranty."),
    )
    hits = loop_hits(message, history=history, failed_answers=0)
    assert hits and "asked again" in hits[0].reason, message


@pytest.mark.parametrize("message", ["no, that's all thanks", "no that's fine", "I know, thanks!"])
def test_closing_replies_are_not_rejections(message: str) -> None:
    history = chat(("shopper", "where is my order?"), ("bot", "It ships tomorrow."))
    assert not run(message, history=history).answer_rejected, message


def test_a_rejection_with_a_new_question_needs_a_second_rejection() -> None:
    history = chat(("shopper", "where is my order?"), ("bot", "It ships tomorrow."))
    assert loop_hits("no, that's the old order. do you sell tyres?", history=history) == []


def test_ok_but_rejects_only_when_the_question_comes_again() -> None:
    history = chat(("shopper", "when does my parcel get here?"), ("bot", "Orders ship in 2 days."))
    hits = loop_hits("ok but when will MY parcel get here", history=history)
    assert hits and "asked again" in hits[0].reason
    assert loop_hits("ok but do you sell gloves?", history=history) == []
    assert not run("ok but do you sell gloves?", history=history).answer_rejected


@pytest.mark.parametrize(
    "message",
    ["I'm asking when it arrives", "no like how many hours of battery", "seriously, how long?"],
)
def test_restating_what_was_asked_is_a_rejection(message: str) -> None:
    history = chat(("shopper", "how long does the battery last?"), ("bot", "It charges in 2h."))
    assert run(message, history=history).answer_rejected, message
