"""Scrubbing personal data from proposals: examples of what goes, what stays, what is reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.learning.privacy import KnownPersonal, Redaction, Scrubbed, scrub

SET = Path(__file__).resolve().parents[2] / "evals" / "sets" / "sample-store"
STORE_CONTACTS = ["support@northwindgoods.example", "1-800-555-0142"]

DANA = {
    "name": "Dana Reyes",
    "email": "dana.reyes@example.com",
    "phone": "+1 (303) 555-0199",
    "tier": "vip",
    "orders": [{"id": "NW-10482", "status": "shipped", "items": [{"sku": "MAG-GLY-120"}]}],
}


def kinds(result: Scrubbed) -> dict[str, int]:
    return {r.kind: r.count for r in result.redactions}


# --- what we know about the shopper -------------------------------------------------------


def test_known_personal_collects_record_orders_and_transcript():
    known = KnownPersonal.from_conversation(
        DANA,
        [{"id": "NW-10500", "tracking_number": "1Z999AA10123456784"}],
        [
            "Hi, it's Dana, order NW-10482",
            "I also wrote from dana.r@work.example, call me on 720 555 0143",
            "Hello, Sam Ortiz here, helping my partner",
        ],
    )
    assert {"Dana Reyes", "Dana", "Reyes", "Sam Ortiz", "Sam", "Ortiz"} <= set(known.names)
    assert set(known.emails) == {"dana.reyes@example.com", "dana.r@work.example"}
    assert "720 555 0143" in known.phones and "+1 (303) 555-0199" in known.phones
    assert {"NW-10482", "NW-10500"} <= set(known.order_ids)
    assert known.tracking_ids == ("1Z999AA10123456784",)


def test_known_personal_reads_crm_extras_and_skips_junk():
    known = KnownPersonal.from_conversation(
        {
            "first_name": "Zoë",
            "last_name": "van der Berg",
            "email": "zoe.berg@example.com",
            "address": {
                "line1": "88 Pine Street",
                "line2": "Apt 4",
                "city": "Denver",
                "zip": "80203",
            },
            "phone": 12345,  # an int where a string was expected: read, not raised on
            "orders": "not a list",
        },
        [None, {"id": None}, {"id": 4521}],  # type: ignore[list-item]
        ["", None],  # type: ignore[list-item]
    )
    assert "Zoë" in known.names and "Berg" in known.names
    assert "van" not in known.names and "der" not in known.names  # particles alone are words
    assert "Denver" not in known.addresses  # a city alone is not personal enough to remove
    assert {"88 Pine Street", "Apt 4", "80203"} <= set(known.addresses)
    assert known.order_ids == ("4521",)


def test_known_personal_from_nothing():
    assert KnownPersonal.from_conversation(None, [], []) == KnownPersonal()


def test_known_personal_repr_shows_counts_not_values():
    known = KnownPersonal.from_conversation(DANA, [], [])
    assert "Dana" not in repr(known) and "dana" not in str(known)
    assert "names=3" in repr(known)


def test_names_from_an_email_only_in_the_first_last_shape():
    assert "Dana" in KnownPersonal.from_conversation({"email": "dana.reyes@x.com"}, [], []).names
    for email in ("customer.service@x.com", "dana@x.com", "d.r2@x.com", "a.b.c@x.com"):
        assert KnownPersonal.from_conversation({"email": email}, [], []).names == ()


# --- the shopper's own values -------------------------------------------------------------


def test_the_customers_own_values_go_in_any_spelling():
    known = KnownPersonal.from_conversation(DANA, [], [])
    text = (
        "Hi DANA, I've checked Dana's order nw 10482 (also #10482) for Ms. Reyes. "
        "We'll call 303.555.0199 or email Dana.Reyes@Example.com."
    )
    out = scrub(text, known)
    assert out.text == (
        "Hi [name], I've checked [name]'s order [order id] (also [order id]) for Ms. [name]. "
        "We'll call [phone] or email [email]."
    )
    assert kinds(out) == {"name": 3, "email": 1, "phone": 1, "order id": 2}


def test_a_name_without_its_accents_and_a_full_name_first():
    known = KnownPersonal.from_conversation({"name": "José Álvarez"}, [], [])
    out = scrub("José Álvarez and Jose alvarez both asked.", known)
    assert out.text == "[name] and [name] both asked."


def test_common_word_names_only_when_capitalised():
    known = KnownPersonal.from_conversation({"name": "Will Rose"}, [], ["Hi, I'm Don"])
    out = scrub("Will, we will ship the rose gold one. Don't worry, Don.", known)
    assert out.text == "[name], we will ship the rose gold one. Don't worry, [name]."


def test_known_address_lines_and_tracking():
    known = KnownPersonal.from_conversation(
        {"address": "12 Quiet Close, Flat 2, Bath BA1 1AA"},
        [{"id": "NW-1", "tracking": "JD014600003828172345"}],
        ["my new address is 7 rue de la Paix, Paris"],
    )
    out = scrub(
        "Sent to 12 Quiet Close (Flat 2), BA1 1AA, tracking JD 0146 0000 3828 1723 45; "
        "later 7 rue de la Paix.",
        known,
    )
    assert "Quiet" not in out.text and "BA1" not in out.text and "Paix" not in out.text
    assert "3828" not in out.text
    assert {"address", "tracking id"} <= set(kinds(out))


# --- generic personal data ------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["a.b+tag@mail.example.co.uk", "x_y@sub.domain.io", "UPPER@EXAMPLE.COM", "ü@ñ.es"]
)
def test_generic_emails(email):
    out = scrub(f"Write to {email}, thanks.")
    assert email not in out.text and out.text == "Write to [email], thanks."


@pytest.mark.parametrize(
    "phone",
    [
        "+1 303 555 0199",
        "+1-303-555-0199",
        "+1 (303) 555-0199",
        "(303) 555-0199",
        "303-555-0199",
        "303.555.0199",
        "1-303-555-0199",
        "3035550199",
        "+44 20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "+49 30 12345678",
        "+49 (0)30 1234 5678",
        "0049 30 12345678",
        "+33 1 23 45 67 89",
        "01 23 45 67 89",
        "555-0142",
    ],
)
def test_generic_phones(phone):
    out = scrub(f"Call {phone} 24 hours a day.")
    assert out.text == "Call [phone] 24 hours a day.", out.text


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",
        "3782 822463 10005",  # Amex 4-6-5
        "6011 0009 9013 9424",
    ],
)
def test_luhn_valid_cards(card):
    out = scrub(f"I charged {card} for $49.99.")
    assert out.text == "I charged [card] for $49.99."


def test_a_number_failing_luhn_is_no_card_but_is_reported():
    out = scrub("Noted: 1234 5678 9012 3457.")
    assert "[card]" not in out.text
    assert any("long number (16 digits)" in why for why in out.still_personal)


def test_card_context_takes_the_last_four():
    out = scrub("Refunded to the card ending in 4242; the last four digits: 4242.")
    assert "4242" not in out.text and kinds(out) == {"card": 2}


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Ship to 88 Pine Street, Apt 4, Denver, CO 80203 please.", ["88 Pine", "Apt 4", "80203"]),
        ("It went to 14 Harbor Lane, Portland, OR 97201.", ["Harbor", "97201"]),
        ("Flat 3, 221B Baker Street, London NW1 6XE.", ["Baker", "221B", "NW1"]),
        ("Use 1600 Pennsylvania Ave NW.", ["1600 Pennsylvania"]),
        ("at 350 5th Ave, Suite 21", ["350 5th", "Suite 21"]),
        ("to 42 elm street tomorrow", ["42 elm"]),
        ("PO Box 1234 works", ["1234"]),
        ("Envoyé au 7 rue de la Paix.", ["Paix"]),
        ("Geliefert an Hauptstraße 5 in Berlin.", ["Hauptstraße 5"]),
        ("Enviado a Calle Mayor 12.", ["Mayor 12"]),
        ("Postcode SW1A 1AA only.", ["SW1A"]),
    ],
)
def test_street_addresses(text, gone):
    out = scrub(text)
    assert "[address]" in out.text
    for part in gone:
        assert part not in out.text, out.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your order 10482 shipped.", "Your order [order id] shipped."),
        ("Order #A12345 shipped.", "Order #[order id] shipped."),
        ("order no. 123 is late", "order no. [order id] is late"),
        ("Bestellung Nr. 998877 fehlt", "Bestellung Nr. [order id] fehlt"),
        ("see #55512", "see [order id]"),
        ("NW-10482 is here", "[order id] is here"),
        ("tracking number 9400 1000 0000 0000 0000 00", "tracking number [tracking id]"),
        ("UPS 1Z999AA10123456784 today", "UPS [tracking id] today"),
        ("It's RR123456789GB via Royal Mail", "It's [tracking id] via Royal Mail"),
        ("DHL waybill: 1234567890.", "DHL waybill: [tracking id]."),
        ("Your case number is 778812.", "Your case number is [reference]."),
        ("RMA 44120 approved", "RMA [reference] approved"),
        ("IBAN DE89 3704 0044 0532 0130 00 on file", "IBAN [bank account] on file"),
        ("SSN 123-45-6789 on file", "SSN [phone] on file"),
    ],
)
def test_ids(text, expected):
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "It costs $49.99, or €1.299,00 in the EU, or $1,299.00 for the set.",
        "Returns are free within 30 days; refunds take 5-7 business days.",
        "Buy 2 x 500 ml or one 1.5 L bottle; 15% off with code SAVE15.",
        "International shipping takes 7–12 business days and costs $19.95.",
        "Placed on 2026-11-25 at 10:30, delivered 25/11/2026.",
        "We can't take an order 500 mugs large; order 2 or 3 at a time.",
        "SKU MAG-GLY-120 and LDC-Q-NAT are in stock; the D3 + K2 has 20,000 IU.",
        "Sizes 6 8 10 12 14 16 are available; the power bank is 20000 mAh.",
        "Between 2019-2024 we shipped to 8 countries.",
        "Allow 10 to 14 business days; call 1-800-555-0142 or email support@northwindgoods.example.",
        "Follow the care label: wash at 30 °C, 800 rpm.",
    ],
)
def test_ordinary_numbers_survive(text):
    out = scrub(text, keep=STORE_CONTACTS)
    assert out.text == text
    assert out.redactions == [] and out.still_personal == []


def test_kept_values_are_kept_but_the_customers_are_not():
    known = KnownPersonal.from_conversation({"email": "support@northwindgoods.example"}, [], [])
    out = scrub("Mail support@northwindgoods.example", known, keep=STORE_CONTACTS)
    assert out.text == "Mail [email]"


def test_store_contacts_are_redacted_unless_kept():
    assert scrub("Call 1-800-555-0142").text == "Call [phone]"


# --- what is reported --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Dear Marcus, your refund is on its way.", "a name-like word after a greeting"),
        ("Hi Priya! All sorted.", "a name-like word after a greeting"),
        ("I spoke to Mrs Whitcombe.", "a title and surname"),
        ("My name is Sam and I fixed it.", "a self-introduction with a name"),
        ("IBAN GB00 WEST 1234 5698 7654 32 on file.", "an IBAN-like bank account number"),
        ("Date of birth: 12/03/1985.", "a date of birth"),
        ("She was born on 3 March.", "a date of birth"),
        ("write to dana at example dot com", "an email address written out"),
        ("DM us at @dana_reyes_88", "a social media handle"),
        (
            "Noted: 12345678901234567890",
            "a long number (20 digits) that may be a card, account or id",
        ),
    ],
)
def test_still_personal(text, reason):
    out = scrub(text)
    assert reason in out.still_personal, out
    assert out.looks_personal


@pytest.mark.parametrize(
    "text",
    ["Hi there, thanks!", "Dear Customer, we're sorry.", "Hi [name], I'm happy to help.", ""],
)
def test_not_reported(text):
    assert scrub(text).still_personal == []


def test_reports_never_carry_the_values():
    known = KnownPersonal.from_conversation(DANA, [], [])
    out = scrub("Hi Dana, Dear Marcus, card 4111 1111 1111 1111, dana.reyes@example.com", known)
    blob = json.dumps([[r.kind, r.count] for r in out.redactions] + out.still_personal)
    for value in ("Dana", "Marcus", "4111", "dana.reyes"):
        assert value not in blob
    assert all(isinstance(r, Redaction) and r.count > 0 for r in out.redactions)


# --- the real set: nothing of substance is taken from ordinary answers ----------------------------


def _resolutions() -> list[str]:
    out = []
    for path in sorted(SET.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case.get("agent_resolution"):
                out.append(case["agent_resolution"])
    return list(dict.fromkeys(out))


def _kb_lines() -> list[str]:
    return [
        line
        for path in sorted((SET / "kb").rglob("*.*"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_agent_resolutions_of_the_sample_set_pass_untouched():
    resolutions = _resolutions()
    assert len(resolutions) >= 10
    for text in resolutions:
        out = scrub(text, keep=STORE_CONTACTS)
        assert (out.text, out.still_personal) == (text, []), text


def test_knowledge_base_text_passes_untouched():
    for line in _kb_lines():
        out = scrub(line, keep=STORE_CONTACTS)
        assert (out.text, out.still_personal) == (line, []), line


def test_shopper_introductions_in_the_sample_set_lose_their_names():
    for path in sorted(SET.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(raw)
            turns = [t for t in case["turns"] if isinstance(t, str)]
            known = KnownPersonal.from_conversation(case.get("customer"), [], turns)
            for turn in turns:
                out = scrub(turn, known)
                for name in known.names:
                    assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", out.text), (
                        name,
                        out.text,
                    )
                for order in known.order_ids:
                    assert order not in out.text


# --- robustness ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x1b[31m\r\n\t",
        "\ud800 lone surrogate \udfff",
        "[name] [email] [order id] [",
        "[[name]]",
        "🙂" * 1000,
        "Ｄａｎａ　ｒｅｙｅｓ",
        "١٢٣٤٥٦٧٨٩٠ ٣٠٣٥٥٥٠١٩٩",
    ],
)
def test_never_raises_and_is_idempotent(text):
    known = KnownPersonal.from_conversation(DANA, [], [])
    once = scrub(text, known)
    assert isinstance(once.text, str)
    assert scrub(once.text, known).text == once.text


def test_placeholders_already_in_the_text_are_left_alone():
    known = KnownPersonal.from_conversation({"name": "Name Card"}, [], [])
    out = scrub("Hi [name], your [card] and [order id]; Name Card", known)
    assert out.text == "Hi [name], your [card] and [order id]; [name]"
    assert kinds(out) == {"name": 1}


ADVERSARIAL = [
    "a" * 200_000,
    "1" * 200_000,
    "1 " * 100_000,
    "1-" * 100_000,
    "a@" * 100_000,
    "a." * 100_000,
    ("x" * 70 + "@") * 3_000,
    "12 Aaaa Bbbb Cccc Dddd " * 9_000,
    "order #" * 30_000,
    "tracking number " * 12_000,
    "Hi Dear Mr " * 20_000,
    "+(" * 100_000,
    "#1234" * 40_000,
    "AB12 " * 40_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_adversarial_200k_strings_complete(text):
    out = scrub(text, KnownPersonal.from_conversation(DANA, [], []))
    assert isinstance(out.text, str)


def test_a_megabyte_completes():
    text = (
        "Hi Dana, order NW-10482 ($49.99, 2 x 500 ml) ships to 88 Pine Street, Apt 4, Denver, "
        "CO 80203; call 303-555-0199 or card 4111 1111 1111 1111. "
    ) * 7_100
    assert len(text) > 1_000_000
    out = scrub(text, KnownPersonal.from_conversation(DANA, [], []))
    assert "Pine" not in out.text and "4111" not in out.text and "$49.99" in out.text
