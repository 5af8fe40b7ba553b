"""A realistic handoff package, a clock the tests move, and strict respx mocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import respx

from agent.context_block import context_block
from agent.package import HandoffPackage, ProductContext, ShopperMessages, SuggestedResolution
from agent.state import Citation, Customer, Extracted, Order, Sentiment, TriggerHit, Turn
from tests.fakes import DANA as FAKE_DANA

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
DANA = {**FAKE_DANA, "id": "cus_5521"}


class Clock:
    """Now, until a test moves it."""

    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def make_package(customer: dict | None = None, **changes) -> HandoffPackage:
    """What the handoff node builds for Dana's torn order (an explicit request for a person)."""
    record = Customer(**(DANA if customer is None else customer))
    question = "Hi, it's Dana, my order NW-10482 arrived torn. Can I talk to a human please?"
    package = HandoffPackage(
        id="HO-1A2B3C4D",
        conversation_id="web-7f3a",
        created_at="2026-11-21T15:00:00+00:00",
        transcript=[
            Turn(role="shopper", text=question, at="2026-11-21T14:59:40+00:00"),
            Turn(
                role="bot",
                text="I'm sorry about that. I'm bringing in our order support team now.",
                at="2026-11-21T15:00:00+00:00",
            ),
        ],
        summary="Dana Reyes reports that order NW-10482 (2 black tees) arrived torn and asks for a person.",
        intent="order_problem",
        sentiment=Sentiment(compound=-0.42, label="negative"),
        customer=record,
        shared_details=Extracted(order_ids=["NW-10482"], names=["Dana"]),
        orders=[Order(**o) for o in DANA["orders"]] if customer is None else [],
        product_context=ProductContext(products=["Black tee"], questions=[question]),
        suggested_resolution=SuggestedResolution(
            text="Offer a free replacement or a refund: damaged items can be returned within 30 days.",
            citations=[Citation(chunk_id="policies/returns.md#0", doc_id="policies/returns.md")],
            grounded=True,
        ),
        triggers=[
            TriggerHit(kind="explicit", reason="asked for a person", evidence="talk to a human")
        ],
        route="orders",
        team="our order support team",
        agents_online=True,
        context_block="",
        opening_line="Hi Dana, thanks for waiting. I've read your message about order NW-10482.",
        shopper_messages=ShopperMessages(
            mode="live",
            confirmation="I'm connecting you with our order support team.",
            wait="The usual wait is about 5 minutes.",
        ),
    )
    package = package.model_copy(update={"context_block": context_block(package, False)})
    return package.model_copy(update=changes)


@pytest.fixture
def package() -> HandoffPackage:
    return make_package()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mock():
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as m:
        yield m
