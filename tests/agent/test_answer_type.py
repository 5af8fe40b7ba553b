import pytest

from agent.answer_type import unmet


@pytest.mark.parametrize(
    ("question", "quote", "blocked"),
    [
        ("How much is the Loft Fleece?", "Oversized cut with dropped shoulders.", True),
        ("How much is standard shipping?", "Standard shipping costs $5.95.", False),
        ("When will the sweater be back in stock?", "Sizes: XS, S, M, L.", True),
        ("When will the sweater be back in stock?", "Restocks usually take 3 weeks.", False),
        (
            "Can I buy an extended warranty for the power bank?",
            "It is covered by our warranty for 18 months.",
            True,
        ),
        (
            "Do you sell replacement carafes for the pour-over set?",
            "A stoneware dripper and a glass carafe.",
            True,
        ),
        ("Do you offer gift wrapping?", "Gift wrapping costs $4.95 per order.", False),
        ("Can I buy gift cards?", "Gift cards come in amounts from $25 to $500.", False),
        ("Do you ship to Canada?", "We ship to Canada.", False),
    ],
)
def test_a_quote_that_cannot_be_the_answer_is_refused(question, quote, blocked):
    assert (unmet(question, [quote]) is not None) is blocked


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        (
            "Can I pick up my order from your warehouse to save on shipping?",
            "Business days count after your order leaves the warehouse.",
        ),
        (
            "If I buy 3 bottles of Hydra Calm, do I get a discount?",
            "Price: $42. A lightweight serum.",
        ),
        (
            "is it possible to purchase a single right earbud for the aero buds pro?",
            "Aero Buds Pro earbuds, charging case and ear tips.",
        ),
        ("Can I buy just the glass carafe?", "The carafe is heat-resistant borosilicate glass."),
        (
            "When will the Merino Crew in Navy XS be back in stock?",
            "A sweater you can wear from October to April.",
        ),
    ],
)
def test_eval_set_questions_the_kb_cannot_answer_are_refused(question, quote):
    assert unmet(question, [quote]) is not None


def test_do_i_get_free_shipping_is_answered_by_the_shipping_policy():
    assert (
        unmet("Do I get free shipping?", ["Free standard shipping on orders of $75 or more."])
        is None
    )
