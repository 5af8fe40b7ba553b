"""VIP: from the customer record only, by the store's policy."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.state import Customer
from agent.triggers.vip import is_vip
from tests.triggers.trigger_helpers import chat, run

GOLD = Customer(tier="Gold")
RICH = Customer(tier="standard", lifetime_value=2400.0)
REGULAR = Customer(tier="standard", lifetime_value=120.0)


def vip_hits(message: str, settings: TriggerSettings | None = None, **fields: object) -> list:
    return [h for h in run(message, settings, **fields).hits if h.kind == "vip"]


@pytest.mark.parametrize("customer", [GOLD, RICH])
def test_vip_with_an_order_problem_fires(customer: Customer) -> None:
    hits = vip_hits("my order arrived damaged", customer=customer)
    assert hits and "order_problem" in hits[0].reason
    assert hits[0].evidence in ("tier Gold", "lifetime value 2400 >= 1500")


def test_vip_complaint_or_negative_mood_fires() -> None:
    assert vip_hits("this is the worst service, really disappointing", customer=GOLD)
    assert vip_hits("I lost my receipt and I'm annoyed", customer=GOLD)


def test_vip_asking_a_plain_faq_is_answered_by_the_bot() -> None:
    assert vip_hits("what's your return window?", customer=GOLD) == []


def test_saying_vip_in_a_message_never_counts() -> None:
    for message in (
        "I'm a VIP, my order arrived damaged",
        "I am a platinum member! where is my order",
    ):
        assert vip_hits(message, customer=REGULAR) == []
        assert vip_hits(message) == []


def test_tiers_and_value_floor_come_from_settings() -> None:
    silver = Customer(tier="silver")
    assert vip_hits("my order arrived damaged", customer=silver) == []
    assert vip_hits(
        "my order arrived damaged", TriggerSettings(vip_tiers=["Silver"]), customer=silver
    )
    no_floor = TriggerSettings(vip_lifetime_value=None)
    assert vip_hits("my order arrived damaged", no_floor, customer=RICH) == []
    assert (
        vip_hits(
            "my order arrived damaged", TriggerSettings(vip_lifetime_value=3000), customer=RICH
        )
        == []
    )


def test_policy_never() -> None:
    assert (
        vip_hits("my order arrived damaged", TriggerSettings(vip_policy="never"), customer=GOLD)
        == []
    )


def test_policy_always_fires_on_the_first_message_only() -> None:
    always = TriggerSettings(vip_policy="always")
    assert vip_hits("hi! what's your return window?", always, customer=GOLD)
    later = chat(("shopper", "hi"), ("bot", "Hello!"))
    assert vip_hits("what's your return window?", always, customer=GOLD, history=later) == []
    assert vip_hits("hi!", always, customer=REGULAR) == []


def test_is_vip_reads_the_record_only() -> None:
    settings = TriggerSettings()
    assert is_vip(GOLD, settings) and is_vip(RICH, settings)
    assert not is_vip(REGULAR, settings) and not is_vip(Customer(), settings)
    assert is_vip(Customer(tier="  PLATINUM "), settings)
