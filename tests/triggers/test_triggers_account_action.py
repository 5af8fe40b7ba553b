"""Account actions: requests only an authenticated person can carry out."""

from __future__ import annotations

import pytest

from tests.triggers.trigger_helpers import run

FIRES = [
    ("can I cancel my order 1234", "cancel_order"),
    ("please cancel order 88231", "cancel_order"),
    ("I want to cancel", "cancel_order"),
    ("cancel my subscription", "cancel_order"),
    ("quiero cancelar mi pedido", "cancel_order"),
    ("je veux annuler ma commande", "cancel_order"),
    ("I need to change my shipping address", "change_address"),
    ("can you update the delivery address on my order?", "change_address"),
    ("please ship it to a different address", "change_address"),
    ("Lieferadresse ändern bitte", "change_address"),
    ("can I change the size on my order to a medium?", "modify_order"),
    ("add another candle to my order", "modify_order"),
    ("I want my refund", "refund_request"),
    ("refund me", "refund_request"),
    ("please process my refund for order 4521", "refund_request"),
    ("I want my money back", "refund_request"),
    ("quero o reembolso", "refund_request"),
    ("I need to change my payment method", "change_payment"),
    ("update the card on my subscription", "change_payment"),
    ("change my email address", "update_account"),
    ("I want to update my password", "update_account"),
    ("please delete my account", "delete_account"),
    ("supprimer mon compte", "delete_account"),
]

QUIET = [
    "what is your refund policy",
    "how long do refunds take",
    "do you offer refunds on sale items?",
    "where is my refund?",  # a status question: the KB answers refund timelines
    "how do I cancel a subscription?",  # a general how-to
    "can I cancel an order before it ships?",  # policy, not a specific order
    "cancel my newsletter",
    "unsubscribe me from your emails",
    "I want to cancel the marketing emails",
    "what payment methods do you accept?",
    "do you ship to PO boxes?",
    "how do I reset my password?",  # self-service
    "what size chart do you use?",
    "can I change the address on an order after it ships?",
]


@pytest.mark.parametrize(("message", "action"), FIRES)
def test_account_actions_fire_naming_the_action(message: str, action: str) -> None:
    hits = [h for h in run(message).hits if h.kind == "account_action"]
    assert hits, message
    assert hits[0].reason == f"account action: {action}"
    assert hits[0].evidence


@pytest.mark.parametrize("message", QUIET)
def test_policy_and_how_to_questions_do_not_fire(message: str) -> None:
    assert [h for h in run(message).hits if h.kind == "account_action"] == [], message
