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
    ("approve my refund for order 4521", "refund_request"),
    ("can you authorize the refund please", "refund_request"),
    ("I want my money back", "refund_request"),
    ("quero o reembolso", "refund_request"),
    ("I need to change my payment method", "change_payment"),
    ("update the card on my subscription", "change_payment"),
    ("change my email address", "update_account"),
    ("I want to update my password", "update_account"),
    ("please delete my account", "delete_account"),
    ("supprimer mon compte", "delete_account"),
    ("can you refund the difference on order 5512, the price dropped", "refund_request"),
    # orders split, merged or held; subscriptions under a store's own name
    ("could you split my order AB-5521 so the chair ships now", "modify_order"),
    ("please merge my two orders into one box", "modify_order"),
    ("cancel my subscribe and save", "cancel_order"),
    ("add one more bag of litter to my next autoship", "modify_order"),
    ("update the card on my auto-delivery to the new visa", "change_payment"),
    ("I want to delete my account, and what happens after I delete my account?", "delete_account"),
    # an item of a placed order to another variant, often after an introduction
    (
        "Hello! Quick one: order KX-88213, could you switch the lamp to the brass finish?",
        "modify_order",
    ),
    ("For order 660912, I need the sneakers changed to a 42", "modify_order"),
    ("Can I swap the kettle in my order for the steel one?", "modify_order"),
    ("Hi, it's Dana. I'd like to change the rug in #R55120 for the 8x10 size", "modify_order"),
    ("I'd like the blue mug swapped for the green one", "modify_order"),
    ("can I get the sweater changed to a medium", "modify_order"),
    ("could you replace the charger with the USB-C version", "modify_order"),
    ("¿Pueden cambiar la chaqueta a talla M? pedido 5521", "modify_order"),
    ("Quiero que me cambien las zapatillas por otro color", "modify_order"),
    ("Pouvez-vous changer la taille de mon pull pour un L ?", "modify_order"),
    ("Je voudrais que vous échangiez le manteau contre un bleu", "modify_order"),
    ("Können Sie die Schuhe in Größe 44 umtauschen?", "modify_order"),
    ("Podem trocar a camiseta por uma tamanho G?", "modify_order"),
    ("Quero que troquem o tênis por outro número", "modify_order"),
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
    # a request to change something that is not an order
    "can you change the language to Spanish?",
    "pouvez-vous changer la langue ?",
    "can you update the tracking?",
    "how often should I replace the filter on the purifier?",
    "how do I replace the battery in the remote?",
    "can you exchange items bought on sale?",
    "do you swap items for a different color?",
    "can I change the color of an item after ordering?",
    "do you combine shipments?",
    "how does autoship work?",
    "can I cancel autoship anytime?",
    "what payment methods can I use for my subscription?",
    # how the store refunds or what happens to an account, asked in general
    "do you refund the difference if the price drops after I order?",
    "what happens to my order history after I delete my account?",
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


def test_the_request_after_an_introduction_and_a_story_still_fires() -> None:
    message = (
        "Hi there, I'm Zoe (zoe.k@mail.com), zip 30301. I bought a lamp last week for my "
        "daughter's room and she loves the shape. On order QX-88120 I need the lamp changed "
        "to the white one please"
    )
    hits = [h for h in run(message).hits if h.kind == "account_action"]
    assert [h.reason for h in hits] == ["account action: modify_order"]
    assert "lamp changed" in hits[0].evidence


def test_a_return_asked_for_with_its_refund_goes_to_the_orders_queue() -> None:
    from agent.routing import route

    result = run("Can I return the desk and the chair I got in order 5512? I want my money back.")
    assert "account_action" in [h.kind for h in result.hits]
    assert route(result.hits, result.intent, result.topics, False) == "orders"
    refund = run("I returned the desk weeks ago and I want my money back")
    assert route(refund.hits, refund.intent, refund.topics, False) == "billing"
