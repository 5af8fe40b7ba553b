"""Complexity: many distinct questions at once, or topic hopping nobody answered."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.triggers.complexity import questions
from agent.triggers.text import Text
from tests.triggers.trigger_helpers import chat, run


def complexity_hits(
    message: str, settings: TriggerSettings | None = None, **fields: object
) -> list:
    return [h for h in run(message, settings, **fields).hits if h.kind == "complexity"]


@pytest.mark.parametrize(
    "message",
    [
        "Where is my order? Do you ship to Canada? What is the warranty on the blender?",
        "what sizes do you have. is it machine washable. when will it ship",
        "¿Tienen talla M? ¿Cuánto cuesta el envío? ¿Puedo devolverlo?",
    ],
)
def test_three_distinct_questions_fire(message: str) -> None:
    hits = complexity_hits(message)
    assert hits and hits[0].score == 3.0, message


@pytest.mark.parametrize(
    "message",
    [
        "Where is my order???",
        "Hi! Is this in stock?",
        "Is this in stock? Is this in stock? Is this in stock?",
        "What? Really? Why?",
        "Can you tell me where my order is and when it will arrive and whether I can change the colour?",
        "Have a nice day. Will do. Thanks!",
        "I love it. Can't wait! Is it shipped yet?",
    ],
)
def test_ordinary_messages_do_not_fire(message: str) -> None:
    assert complexity_hits(message) == [], questions(Text(message))


def test_question_count_setting() -> None:
    message = "Where is my order? Do you ship to Canada?"
    assert complexity_hits(message) == []
    assert complexity_hits(message, TriggerSettings(complexity_questions=2))


HOPPING = chat(
    ("shopper", "where is my order 1234?"),
    ("shopper", "also what size should I get in the jeans"),
    ("shopper", "and is the blender covered by warranty"),
)


def test_topic_hopping_with_no_bot_answer_fires() -> None:
    hits = complexity_hits("how do I reset the app, it shows error code 5", history=HOPPING)
    assert hits and hits[0].reason.startswith("topic changed 3 times")
    assert hits[0].evidence == "order_status -> sizing -> warranty -> technical"


def test_topic_hopping_the_bot_answered_does_not_fire() -> None:
    answered = [*HOPPING[:2], *chat(("bot", "Size M fits most.")), HOPPING[2]]
    assert complexity_hits("how do I reset the app, it shows error code 5", history=answered) == []


def test_staying_on_one_topic_does_not_fire() -> None:
    history = chat(
        ("shopper", "where is my order?"), ("shopper", "tracking number?"), ("shopper", "hello??")
    )
    assert complexity_hits("where is my parcel", history=history) == []


@pytest.mark.parametrize(
    "message",
    [
        "Three things: 1) is the rack included 2) mudguards? 3) can I collect on Saturday",
        "a) do you deliver to Jersey b) does the lock come with two keys c) is there a kids size",
        "Quick list:\n- what tyre pressure for gravel\n- is the bell included?\n- delivery to Cork?",
    ],
)
def test_a_list_of_questions_counts_item_by_item(message: str) -> None:
    assert complexity_hits(message), questions(Text(message))


@pytest.mark.parametrize(
    "message",
    [
        "What happened: 1) I ordered a bike 2) it arrived scratched 3) I emailed you. Help?",
        "I ordered size 10. Then 2. Then 3. what now",
        "Tried:\n- charging it\n- a reset\n- another cable\nstill dead",
    ],
)
def test_lists_of_facts_or_stray_numbers_are_not_questions(message: str) -> None:
    assert complexity_hits(message) == [], questions(Text(message))


def test_indirect_questions_count() -> None:
    message = (
        "the lights flicker, and I'd like to know if you stock spare mounts"
        " and how long a wheel true takes and what the tyre sizes are"
    )
    assert complexity_hits(message)


def test_after_announcing_a_few_things_two_questions_are_enough() -> None:
    history = chat(("shopper", "hello, I've got a couple of questions"), ("bot", "Sure, go on."))
    message = "the saddle creaks. can I get it looked at on Monday? and do you sell seat posts?"
    hits = complexity_hits(message, history=history)
    assert hits and "couple of questions" in hits[0].reason
    assert complexity_hits(message) == []  # without the announcement: two questions only
    assert complexity_hits("where is my order?", history=history) == []
