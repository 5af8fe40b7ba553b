"""Property-based: generated personal data, embedded in resolutions, never survives a scrub."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.learning.privacy import KnownPersonal, scrub

SAFE = ["$49.99", "30 days", "2 x 500 ml", "15%", "7–12 business days", "$1,299.00", "2026-11-25"]
"""Prices, quantities, durations and dates a resolution keeps."""

TEMPLATE_WORDS = set(
    """hi hello dear thanks sorry your our the a an to of for in on at it is was and or we you
    i i've we've refund refunded order orders card cards email call phone ship shipped
    shipping delivered address tracking number days business ml sent charged reached see
    within will be back account has been credit issued note this that with from by can
    please arrived reply replacement label contact" """.split()
)

FIRST = [
    "Dana",
    "Marcus",
    "Priya",
    "José",
    "Zoë",
    "Anne-Marie",
    "Siobhán",
    "Łukasz",
    "Søren",
    "Amara",
    "Kofi",
    "Hana",
    "Renée",
    "Oskar",
    "Mia",
    "Li",
    "Bo",
    "Will",
    "Rose",
    "Eve",
]
LAST = [
    "Reyes",
    "O'Brien",
    "Müller",
    "Nguyen",
    "Okonkwo",
    "Ashford",
    "Whitcombe",
    "García",
    "Kowalski",
    "Haddad",
    "Sato",
    "Costa",
    "Petrova",
    "Van Dyke",
    "Smith-Jones",
]

random_capitalised = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
    lambda w: (
        w.lower() not in TEMPLATE_WORDS
        and w.lower()
        not in {"van", "von", "der", "den", "del", "della", "dos", "das", "bin", "ibn"}
        and w.lower() not in {"mrs", "miss", "prof", "sir", "madam", "dame", "lord", "lady", "iii"}
    )
)
first_names = st.sampled_from(FIRST) | random_capitalised
last_names = st.sampled_from(LAST) | random_capitalised

emails = st.builds(
    lambda local, dom, tld: f"{local}@{dom}.{tld}",
    st.from_regex(r"[a-z][a-z0-9]{0,6}(?:[._+-][a-z0-9]{1,6}){0,2}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True),
    st.sampled_from(["com", "org", "example", "co.uk", "de", "io"]),
)


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    """(formatted phone, its national significant digits)."""
    area = str(draw(st.integers(200, 999)))
    exchange = str(draw(st.integers(200, 999)))
    line = f"{draw(st.integers(0, 9999)):04d}"
    national = area + exchange + line
    us = [
        f"({area}) {exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"{area} {exchange} {line}",
        f"+1 {area} {exchange} {line}",
        f"+1-{area}-{exchange}-{line}",
        f"+1 ({area}) {exchange}-{line}",
        f"1-{area}-{exchange}-{line}",
        national,
        f"+1{national}",
    ]
    uk_digits = draw(st.from_regex(r"7[0-9]{9}", fullmatch=True))
    uk = [f"+44 {uk_digits[:4]} {uk_digits[4:]}", f"0{uk_digits[:4]} {uk_digits[4:]}"]
    de_digits = draw(st.from_regex(r"[2-9][0-9]{8,10}", fullmatch=True))
    de = [
        f"+49 {de_digits[:2]} {de_digits[2:]}",
        f"0049 {de_digits}",
        f"0{de_digits[:2]} {de_digits[2:]}",
    ]
    fr_digits = draw(st.from_regex(r"[1-9][0-9]{8}", fullmatch=True))
    pairs = " ".join(fr_digits[i : i + 2] for i in range(1, 9, 2))
    fr = [f"+33 {fr_digits[0]} {pairs}", f"0{fr_digits[0]} {pairs}"]
    formatted, digits = draw(
        st.sampled_from(
            [(p, national) for p in us]
            + [(p, uk_digits) for p in uk]
            + [(p, de_digits) for p in de]
            + [(p, fr_digits) for p in fr]
        )
    )
    return formatted, digits


def luhn_complete(partial: str) -> str:
    """``partial`` plus the check digit that makes it Luhn-valid."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:  # doubled: they sit at odd positions once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    """(formatted card number, its digits): Visa, Mastercard, Amex, Discover; Luhn-valid."""
    prefix, length = draw(
        st.sampled_from(
            [
                ("4", 16),
                ("4", 13),
                ("51", 16),
                ("55", 16),
                ("34", 15),
                ("37", 15),
                ("6011", 16),
                ("4", 19),
            ]
        )
    )
    body = draw(st.from_regex(rf"[0-9]{{{length - len(prefix) - 1}}}", fullmatch=True))
    digits = luhn_complete(prefix + body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    if length == 15:
        groups = [digits[:4], digits[4:10], digits[10:]]
    else:
        groups = [digits[i : i + 4] for i in range(0, length, 4)]
    return sep.join(groups), digits


STREETS = [
    "Pine",
    "Harbor",
    "Maple",
    "Oak Hill",
    "Baker",
    "High",
    "Elm Grove",
    "Martin Luther King",
]
SUFFIXES = [
    "Street",
    "St",
    "St.",
    "Avenue",
    "Ave",
    "Road",
    "Rd",
    "Lane",
    "Blvd",
    "Drive",
    "Way",
    "Court",
]


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(an address, the parts that must be gone)."""
    number = str(draw(st.integers(1, 99999))) + draw(st.sampled_from(["", "", "B"]))
    street = draw(st.sampled_from(STREETS) | random_capitalised)
    suffix = draw(st.sampled_from(SUFFIXES))
    text = f"{number} {street} {suffix}"
    gone = [f"{number} {street}"]
    if draw(st.booleans()):
        unit = (
            f"{draw(st.sampled_from(['Apt', 'Unit', 'Suite', 'Flat']))} {draw(st.integers(1, 999))}"
        )
        text += f", {unit}"
        gone.append(unit)
    tail = draw(st.sampled_from(["", "us", "uk", "state"]))
    if tail == "us":
        zip_code = f"{draw(st.integers(10000, 99999))}"
        text += f", {draw(st.sampled_from(['Denver', 'Portland', 'New York']))}, CO {zip_code}"
        gone.append(zip_code)
    elif tail == "uk":
        postcode = draw(st.from_regex(r"[A-Z]{1,2}[0-9] [0-9][A-Z]{2}", fullmatch=True))
        text += f", London {postcode}"
        gone.append(postcode)
    elif tail == "state":
        zip_code = f"{draw(st.integers(10000, 99999))}-{draw(st.integers(1000, 9999))}"
        text += f" OR {zip_code}"
        gone.append(zip_code)
    return text, gone


order_ids = st.one_of(
    st.builds(lambda n: (f"order {n}", str(n)), st.integers(1000, 99_999_999)),
    st.builds(lambda n: (f"order #{n}", str(n)), st.integers(100, 99_999_999)),
    st.builds(lambda n: (f"order number {n}", str(n)), st.integers(100, 99_999_999)),
    st.builds(lambda n: (f"#{n}", str(n)), st.integers(100, 99_999_999)),
    st.builds(
        lambda p, n: (f"{p}-{n}", f"{p}-{n}"),
        st.sampled_from(["NW", "AB", "ORD"]),
        st.integers(1000, 9_999_999),
    ),
)
tracking_ids = st.one_of(
    st.from_regex(r"1Z[0-9A-Z]{16}", fullmatch=True),
    st.from_regex(r"9[1-5][0-9]{20}", fullmatch=True),
    st.from_regex(r"[A-Z]{2}[0-9]{9}(?:GB|US|DE|FR)", fullmatch=True),
)
safe = st.sampled_from(SAFE)

SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def compact(text: str) -> str:
    """The text without separators, so "4111 1111" and "4111-1111" read as "41111111"."""
    return re.sub(r"[\s().+-]", "", text)


def absent(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is None


@SLOW
@given(first_names, last_names, safe, st.booleans())
def test_the_customers_names_never_survive(first, last, keep, from_transcript):
    if from_transcript:
        known = KnownPersonal.from_conversation(None, [], [f"Hi, my name is {first} {last}"])
    else:
        known = KnownPersonal.from_conversation({"name": f"{first} {last}"}, [], [])
    text = (
        f"Hi {first}, I've refunded {first} {last}'s order within {keep}. "
        f"Thanks, {first.upper()}! {last} was the name on the label."
    )
    out = scrub(text, known)
    for word in {first, last, first.upper(), f"{first} {last}"}:
        assert absent(word, out.text), (word, out.text)
    assert keep in out.text
    assert scrub(out.text, known).text == out.text


@SLOW
@given(emails, safe, st.booleans())
def test_emails_never_survive(email, keep, known_one):
    known = KnownPersonal(emails=(email,)) if known_one else KnownPersonal()
    out = scrub(f"I've sent the label to {email}. Allow {keep}; reply to {email.upper()}.", known)
    assert email.lower() not in out.text.lower()
    assert keep in out.text
    assert scrub(out.text, known).text == out.text


@SLOW
@given(phones(), safe, st.booleans())
def test_phones_never_survive(phone, keep, known_one):
    formatted, digits = phone
    known = KnownPersonal(phones=(formatted,)) if known_one else KnownPersonal()
    out = scrub(f"We reached you on {formatted} 24 hours ago; call {formatted}. See {keep}.", known)
    assert formatted not in out.text
    assert digits not in compact(out.text), out.text
    assert keep in out.text and "24 hours" in out.text
    assert scrub(out.text, known).text == out.text


@SLOW
@given(cards(), safe)
def test_luhn_valid_cards_never_survive(card, keep):
    formatted, digits = card
    out = scrub(f"I charged {keep} to the card {formatted}; refund to {digits} in 30 days.")
    assert digits not in compact(out.text), out.text
    assert "30 days" in out.text and keep in out.text
    assert scrub(out.text).text == out.text


@SLOW
@given(addresses(), safe)
def test_street_addresses_never_survive(address, keep):
    text, gone = address
    out = scrub(f"The replacement ({keep}) was shipped to {text}. Please check.")
    for part in gone:
        assert part not in out.text, (part, out.text)
    assert keep in out.text
    assert scrub(out.text).text == out.text


@SLOW
@given(order_ids, tracking_ids, safe)
def test_order_and_tracking_ids_never_survive(order, tracking, keep):
    written, value = order
    out = scrub(f"Your {written} shipped ({keep}); tracking number {tracking}. UPS: {tracking}")
    assert value not in out.text, out.text
    assert tracking not in out.text and compact(tracking) not in compact(out.text)
    assert keep in out.text
    assert scrub(out.text).text == out.text


@SLOW
@given(first_names, last_names, emails, phones(), cards(), addresses(), order_ids)
def test_everything_at_once_and_the_known_record(first, last, email, phone, card, address, order):
    record = {
        "name": f"{first} {last}",
        "email": email,
        "phone": phone[0],
        "orders": [{"id": order[1]}],
    }
    known = KnownPersonal.from_conversation(record, [], [])
    text = (
        f"Dear {first}, your {order[0]} (card {card[0]}) goes to {address[0]}. "
        f"We'll email {email} or call {phone[0]} within 30 days. $49.99 refunded, 2 x 500 ml kept."
    )
    out = scrub(text, known)
    assert absent(first, out.text) and absent(last, out.text)
    assert email not in out.text and phone[1] not in compact(out.text)
    assert card[1] not in compact(out.text) and order[1] not in out.text
    for part in address[1]:
        assert part not in out.text
    for kept in ("30 days", "$49.99", "2 x 500 ml"):
        assert kept in out.text
    assert out.still_personal == [], out
    assert scrub(out.text, known).text == out.text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_is_idempotent_on_any_text(text):
    once = scrub(text)
    assert isinstance(once.text, str)
    assert scrub(once.text).text == once.text


NUMERIC = st.text(alphabet="0123456789 -().+#@/:,$%aAZzx\n", max_size=120)


@settings(max_examples=400, deadline=None)
@given(
    NUMERIC,
    st.sampled_from(
        [KnownPersonal(), KnownPersonal(phones=("303 555 0199",), order_ids=("NW-10482",))]
    ),
)
def test_idempotent_on_digit_soup(text, known):
    once = scrub(text, known)
    assert scrub(once.text, known).text == once.text


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*SAFE, "the", "refund", "Standard shipping", "is", "$19.95", "and", "within"]
        ),
        max_size=12,
    )
)
def test_ordinary_sentences_pass_untouched(words):
    text = " ".join(words)
    assert scrub(text).text == text
