"""detect(): the public surface, hit ordering, and bad input that must not crash or fire."""

from __future__ import annotations

import time

import pytest

import agent.triggers as triggers
from agent.settings import TriggerSettings
from agent.state import Customer
from agent.triggers import TriggerContext, TriggerResult, detect
from tests.triggers.trigger_helpers import chat, kinds, run


def test_public_surface_is_pinned() -> None:
    assert sorted(triggers.__all__) == [
        "TriggerContext",
        "TriggerResult",
        "detect",
        "sensitive_topics",
    ]
    assert set(TriggerResult.model_fields) == {
        "hits",
        "sentiment",
        "intent",
        "answer_rejected",
        "topics",
        "declinable",
    }
    assert set(TriggerContext.model_fields) == {
        "message",
        "action",
        "history",
        "customer",
        "vertical",
        "failed_answers",
        "language",
        "examples",
    }


def test_context_rejects_unknown_fields_and_actions() -> None:
    with pytest.raises(ValueError):
        TriggerContext(message="hi", action="call_me")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TriggerContext(message="hi", channel="sms")  # type: ignore[call-arg]


def test_hits_come_most_important_first() -> None:
    history = chat(
        ("shopper", "I want to cancel my order 4521, it arrived damaged"),
        ("bot", "Orders can be cancelled before they ship."),
        ("shopper", "I want to cancel my order 4521, it arrived damaged!"),
        ("bot", "You can find our policy on the Returns page."),
    )
    message = (
        "I WANT TO CANCEL MY ORDER 4521, IT ARRIVED DAMAGED AND I'M FURIOUS, I'll call my lawyer. "
        "Get me a human. What's your address? Do you sell 50 units wholesale? Why is this so hard?"
    )
    result = run(message, history=history, customer=Customer(tier="vip"), failed_answers=0)
    order = [
        "explicit",
        "sensitive",
        "account_action",
        "sentiment",
        "loop",
        "vip",
        "purchase_intent",
        "complexity",
    ]
    assert [h.kind for h in result.hits] == order
    assert result.topics == ["global.legal_threat"]


def test_result_carries_sentiment_intent_and_rejection() -> None:
    history = chat(
        ("shopper", "my order arrived damaged"), ("bot", "Our return window is 30 days.")
    )
    result = run("that doesn't help, my order arrived damaged", history=history)
    assert result.intent == "order_problem"
    assert result.answer_rejected is True
    assert result.sentiment.label in ("negative", "neutral")


def test_a_plain_faq_fires_nothing() -> None:
    result = run("what is your return window?", vertical="apparel")
    assert result.hits == [] and result.topics == [] and not result.answer_rejected
    assert result.intent == "returns"


def test_empty_message() -> None:
    result = run("")
    assert result.hits == [] and result.topics == []
    assert (
        result.intent == "other"
        and result.sentiment.label == "neutral"
        and not result.answer_rejected
    )


PROSE = ("The fabric is soft and the colour is lovely, it washes well at 30 degrees. " * 300)[
    :20_000
]


@pytest.mark.parametrize(
    "message",
    [
        PROSE,
        "a" * 20_000,
        ("?!$1,000 .. 42 " * 1_500)[:20_000],
        ("how many " * 2_500)[:20_000],
        "\u200f" * 20_000,
    ],
)
def test_huge_messages_are_fast_and_quiet(message: str) -> None:
    # no pattern backtracks on a huge message: the rules' work grows about linearly with its
    # length, compared in this thread's CPU time (not wall time, which a busy machine inflates)
    quarter = message[: len(message) // 4]
    for vertical in ("general", "supplements", "electronics", "home", "beauty", "apparel"):
        run(quarter, vertical=vertical)  # warm the packs and compiled patterns
        started = time.thread_time()
        run(quarter, vertical=vertical)
        small = time.thread_time() - started
        started = time.thread_time()
        result = run(message, vertical=vertical)
        whole = time.thread_time() - started
        assert whole < 12 * small + 0.25, (vertical, whole, small)
        assert result.hits == [], (vertical, result.hits)


def test_a_request_at_the_end_of_a_huge_message_still_counts() -> None:
    message = PROSE[:19_980] + " talk to a human"
    assert kinds(message) == ["explicit"]


@pytest.mark.parametrize(
    "message",
    [
        "\x00\x07hello\x1b[31m where is my order\x7f",
        "\u202ewhere is my order\u202c\u200f",
        "مرحبا، أين طلبي؟",
        "שלום, איפה ההזמנה שלי?",
        "😀😀😀 🛒",
        "\ufeff\ufffd\ud7ff",
        "\n\n\t\r  ",
    ],
)
def test_control_characters_and_rtl_text_do_not_crash_or_fire(message: str) -> None:
    result = detect(TriggerContext(message=message), TriggerSettings())
    assert result.hits == []


def test_invisible_characters_inside_words_are_ignored() -> None:
    assert kinds("talk to a hu\u00adman") == ["explicit"]
    assert kinds("I'll s\u200bue you") == ["sensitive"]
    assert kinds("\u202btalk to a human\u202c") == ["explicit"]
