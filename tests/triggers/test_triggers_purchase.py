"""Purchase intent: bulk, B2B and high-value buying decisions go to sales."""

from __future__ import annotations

import pytest

from agent.settings import TriggerSettings
from agent.triggers.purchase import parse_number
from tests.triggers.trigger_helpers import run


def purchase_hits(message: str, settings: TriggerSettings | None = None) -> list:
    return [h for h in run(message, settings).hits if h.kind == "purchase_intent"]


@pytest.mark.parametrize(
    "message",
    [
        "do you do bulk orders?",
        "wholesale pricing for my boutique?",
        "we'd like a quote for our office",
        "corporate gifts for 200 employees",
        "I'm looking to buy chairs for our whole office",
        "¿venden al por mayor?",
        "Mengenrabatt möglich?",
        "do you offer discounts for orders over 100 pieces?",
    ],
)
def test_bulk_and_business_requests_fire(message: str) -> None:
    assert purchase_hits(message), message


@pytest.mark.parametrize(
    ("message", "score"),
    [
        ("I want 50 units", 50.0),
        ("can I order 12 of these?", 12.0),
        ("I'd like to buy 1,000 pieces", 1000.0),
        ("ready to spend $3,000", 3000.0),
        ("budget of 2000 euros", 2000.0),
        ("I want to buy the sofa, my budget is 1.500 €", 1500.0),
        ("looking to spend around 2k USD", 2000.0),
        ("we need 200 branded hoodies for our retreat", 200.0),
    ],
)
def test_quantities_and_amounts_fire_with_the_value_as_score(message: str, score: float) -> None:
    hits = purchase_hits(message)
    assert hits and hits[0].score == score, (message, hits)


@pytest.mark.parametrize(
    "message",
    [
        "is this in stock?",
        "how much is shipping",
        "I was charged $1,200 twice",
        "my order of 15 bottles hasn't arrived",
        "when will I get my 12 items?",
        "does the 24 piece set include knives?",
        "I want to buy 2 pairs",
        "I'd like to buy the $45 scarf",
        "order 123456 is late",
        "I bought a bulk bag of rice from you last week",
        "is this chair good for my office?",
        "I need 30 days to decide",
        "I want 20% off",
        "I want 15 euros back",
        "I need 12 inches of ribbon",
    ],
)
def test_ordinary_buying_questions_do_not_fire(message: str) -> None:
    assert purchase_hits(message) == [], message


def test_thresholds_come_from_settings() -> None:
    assert purchase_hits("I want 5 units") == []
    assert purchase_hits("I want 5 units", TriggerSettings(purchase_quantity_threshold=5))
    assert purchase_hits("ready to spend $600") == []
    assert purchase_hits("ready to spend $600", TriggerSettings(purchase_value_threshold=500))


@pytest.mark.parametrize(
    ("digits", "scale", "value"),
    [
        ("3,000", None, 3000),
        ("3.000", None, 3000),
        ("3 000", None, 3000),
        ("1,200.50", None, 1200.5),
        ("1.200,50", None, 1200.5),
        ("1,5", None, 1.5),
        ("2", "k", 2000),
        ("45", None, 45),
    ],
)
def test_parse_number(digits: str, scale: str | None, value: float) -> None:
    assert parse_number(digits, scale) == value


@pytest.mark.parametrize(
    "message",
    [
        "Queremos comprar ocho patinetes para nuestra empresa de reparto",
        "Nous souhaitons acheter cinq vélos cargo pour notre société",
        "Wir wollen zwölf Helme für unseren Verein bestellen",
        "Queremos comprar bicicletas elétricas para a nossa empresa",
        "we'd like to buy a few cargo bikes for our delivery riders",
    ],
)
def test_buying_for_a_company_or_club_is_a_business_order(message: str) -> None:
    assert purchase_hits(message), message


@pytest.mark.parametrize(
    "message",
    [
        "quiero comprar una bicicleta para mi hija",
        "I want to buy a helmet for my son",
        "je veux acheter un antivol pour mon vélo",
    ],
)
def test_buying_for_family_is_not_a_business_order(message: str) -> None:
    assert purchase_hits(message) == [], message


@pytest.mark.parametrize(
    "message",
    [
        "We're kitting out a new gym and want a few rowing machines, who can quote?",
        "could you help us put the order together for six bikes?",
    ],
)
def test_an_institution_kitted_out_or_help_building_an_order_is_sales(message: str) -> None:
    assert purchase_hits(message), message
