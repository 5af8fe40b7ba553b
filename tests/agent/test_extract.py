import pytest

from agent.extract import extract
from agent.state import Customer


@pytest.mark.parametrize(
    ("text", "orders", "names"),
    [
        ("Hi, it's Dana, order NW-10482", ["NW-10482"], ["Dana"]),
        ("order #12345 never came", ["12345"], []),
        ("Je m'appelle Élodie Martin, commande 44821", ["44821"], ["Élodie Martin"]),
        ("Bestellung Nr. 998877 fehlt, ich heiße Jürgen", ["998877"], ["Jürgen"]),
        ("Me llamo Lucía, pedido 55512", ["55512"], ["Lucía"]),
        ("I'm so angry about this", [], []),
        ("Hey! Lena Park, lena.p@mailbox.org", [], ["Lena Park"]),
        ("Hi, Ravi, order #552190", ["552190"], ["Ravi"]),
        ("Hi, Sorry, #1234 is late", ["1234"], []),  # not a name, an apology
        ("Hello, Thanks, +1 415 555 0134", [], []),
    ],
)
def test_orders_and_names(text, orders, names):
    got = extract(text)
    assert got.order_ids == orders
    assert got.names == names


def test_record_order_ids_are_found_verbatim():
    customer = Customer(orders=[{"id": "4521"}])
    assert extract("I got 4521 last week", customer).order_ids == ["4521"]


def test_emails_and_phones():
    got = extract("reach me at a.b@example.com or +1 415 555 0134")
    assert got.emails == ["a.b@example.com"]
    assert got.phones == ["+1 415 555 0134"]


def test_a_lowercase_word_after_a_name_is_not_a_surname():
    assert extract("Hi, I'm Dana and my jacket is torn").names == ["Dana"]
