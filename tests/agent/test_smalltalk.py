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
