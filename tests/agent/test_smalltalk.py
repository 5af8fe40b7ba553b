import pytest

from agent.extract import extract
from agent.smalltalk import acknowledgement, classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hi, I got my order 4521 last week", "greeting"),
        ("Hi, it's Dana, order NW-10482", "greeting"),
        ("Hello", "greeting"),
        ("thanks!", "thanks"),
        ("Thanks, that helps!", "thanks"),
        ("ok", "thanks"),
        ("The shirts are too small, can I still send them back?", None),
        ("my jacket is torn", None),
        ("operator", None),
        ("hola, ¿dónde está mi pedido?", None),
        ("مرحبا، أين طلبي؟", None),
        ("", None),
    ],
)
def test_classify(text, kind):
    assert classify(text, extract(text)) == kind


def test_acknowledgement_names_the_shopper_and_the_order_and_states_no_facts():
    text = acknowledgement("greeting", "Dana Reyes", ["NW-10482"])
    assert text == "Hi Dana! I've noted order NW-10482. What can I help you with?"


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I'm Rafael Ortega, I run the office at a small design studio.",
        "Hallo, hier ist Jonas Becker, Bestellung NW-10544.",
    ],
)
def test_introductions_without_a_request_are_greetings(text):
    assert classify(text, extract(text)) == "greeting"


@pytest.mark.parametrize(
    "text", ["Hi, I'm Dana and my jacket is torn", "Hi it's Dana, I need to change my address"]
)
def test_introductions_with_a_request_are_not_small_talk(text):
    assert classify(text, extract(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Hey, Chris Yamamoto here.",
        "Hi, Daniel Kim from Brightline Events.",
        "Oi, tudo bem? Meu nome é Beatriz Almeida.",
        "My email is lee.park@example.org and my order is NW-30211.",
        "mi correo es ana.ruiz@example.com, pedido NW-30877",
        "Meine Telefonnummer ist 030 1234567, Bestellung NW-31002",
        # a bare name after the greeting, then contact details
        "Hey! Lena Park, lena.p@mailbox.org.",
        "Hello, Sam Ortiz (sam.o@post.com)",
        "Hi! Ravi Shah, order 552190",
    ],
)
def test_introductions_in_other_shapes_are_greetings(text):
    assert classify(text, extract(text)) == "greeting"


@pytest.mark.parametrize(
    "text",
    [
        "where is my order",
        "I placed an order yesterday and it's not there",
        "Hi, how are you? Can I return shoes?",
        "My email is lee.park@example.org and my order is broken",
    ],
)
def test_requests_without_a_question_mark_are_not_greetings(text):
    assert classify(text, extract(text)) is None
