import pytest

from agent.ops.email_ask import EMAIL_QUESTION, email_step, find_email, valid_email

VALID = [
    "sarah@example.com",
    "sarah.k+orders@mail.example.co.uk",
    "o'brien@shop.ie",
    "user_name-1@sub-domain.example.org",
    "jörg@münchen.de",
    "info@xn--mnchen-3ya.de",
    "a@b.co",
]
INVALID = [
    "sarah@example",
    "sarah@@example.com",
    "@example.com",
    "sarah@",
    ".sarah@example.com",
    "sarah.@example.com",
    "sa..rah@example.com",
    "sarah@-example.com",
    "sarah@example-.com",
    "sarah@example..com",
    "sarah@.example.com",
    "sarah@example.c",
    "sarah@example.123",
    "sarah@localhost",
    "sarah @example.com",
    "x" * 65 + "@example.com",
    "sarah@" + "a" * 64 + ".com",
]


@pytest.mark.parametrize("address", VALID)
def test_valid(address):
    assert valid_email(address)
    assert find_email(f"sure, it's {address}.") == address


@pytest.mark.parametrize("address", INVALID)
def test_invalid(address):
    assert not valid_email(address)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Use <Sarah@Example.COM>, thanks!", "Sarah@example.com"),
        ("mailto:sam@shop.com", "sam@shop.com"),
        ("(sam@shop.com)", "sam@shop.com"),
        ("it's 'sam@shop.com'", "sam@shop.com"),
        ("sam@shop or sam@shop.com", "sam@shop.com"),
        ("no thanks", None),
        ("", None),
        ("i'd rather not @ all", None),
    ],
)
def test_find_email_in_a_reply(text, found):
    assert find_email(text) == found


def test_asks_once_then_gives_up():
    assert email_step(False, "I want a person") == ("ask", None)
    assert email_step(True, "sam@shop.com please") == ("got", "sam@shop.com")
    assert email_step(True, "no thanks") == ("give_up", None)
    assert email_step(True, "sam@shop") == ("give_up", None)  # asked once: never a second time
    assert email_step(False, "reach me at sam@shop.com") == ("got", "sam@shop.com")
    assert EMAIL_QUESTION.count("?") == 1
