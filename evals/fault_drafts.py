"""The fault-draft set: model drafts that restate a KB sentence wrongly, and ones that restate it right.

Each seed is a shopper's question and one sentence of the bundled sample-store
KB that answers it. Every fault kind rewrites that sentence the way a model
gets it wrong (a negation, a link appended, "forty-five days" for 30, ", and we
also give every customer a free gift card", ...); the clean kinds restate it
faithfully (verbatim, in other words, the number in words). The rows, with
citations resolved against the set's store, are kept in evals/fault_drafts.jsonl
(`python -m evals.fault_gate` rebuilds it); :mod:`evals.fault_gate` scores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLEAN_KINDS = ("clean_quote", "clean_yes", "clean_paraphrase", "clean_words", "clean_contraction")
FAULT_KINDS = (
    "negation", "only_flip", "except_added", "url_appended", "email_added", "phone_added",
    "amount_changed", "number_changed", "number_in_words", "extra_clause", "wrong_citation",
    "swapped_entity", "invented_promise",
)  # fmt: skip


@dataclass(frozen=True)
class Seed:
    question: str
    source: str
    """A sentence of the KB, verbatim."""
    paraphrase: str
    """The same claim in other words (only words the chunk uses, or everyday glue)."""
    swap: tuple[str, str]
    """An entity of the sentence and a plausible wrong one."""


SEEDS = (
    Seed("How long do I have to return something?", "You can return most items within 30 days of the delivery date for a refund to your original payment method.", "Most items can be returned within 30 days of the delivery date, refunded to your original payment method.", ("original payment method", "store credit balance")),
    Seed("How much does a return label cost?", "A return label within the US costs a flat $6.50, which we deduct from your refund.", "A US return label costs a flat $6.50, deducted from your refund.", ("within the US", "to Canada")),
    Seed("When will I get my refund after I send it back?", "When your return reaches our warehouse, we inspect it and issue your refund within 3 business days, and we email you when it's done.", "We issue your refund within 3 business days of your return reaching our warehouse.", ("warehouse", "local store")),
    Seed("How much is standard shipping?", "Standard shipping within the United States costs $5.95 per order and arrives in 5–7 business days after dispatch.", "Within the United States, standard shipping costs $5.95 per order and arrives 5–7 business days after dispatch.", ("Standard shipping", "Express shipping")),
    Seed("When is shipping free?", "Standard shipping is free on US orders of $75 or more.", "US orders of $75 or more get free standard shipping.", ("Standard shipping", "Overnight shipping")),
    Seed("Can you ship overnight to Hawaii?", "Overnight shipping is available to the contiguous United States only, not to Alaska, Hawaii or US territories.", "Overnight shipping is only available to the contiguous United States, not to Alaska, Hawaii or US territories.", ("Overnight", "Standard")),
    Seed("Where can you ship supplements?", "Supplements can only be shipped to addresses in the United States and Canada.", "Supplements can only ship to addresses in the United States and Canada.", ("Supplements", "Electronics")),
    Seed("How long is the warranty on the Aero Buds Pro?", "All electronics we sell, including the Aero Buds Pro and the Volt Power Bank 20K, come with a limited warranty of 18 months from the delivery date.", "Electronics we sell, such as the Aero Buds Pro, come with a limited warranty of 18 months from the delivery date.", ("18 months from the delivery date", "18 months from the order date")),
    Seed("Is bedding covered by a warranty?", "Home goods, such as ceramics, glassware, bedding and other textiles for the home, are covered against manufacturing defects for 2 years from the delivery date.", "Bedding and other home goods are covered against manufacturing defects for 2 years from the delivery date.", ("manufacturing defects", "accidental damage")),
    Seed("Can I get cash back for a gift card?", "Gift cards can't be reloaded, exchanged for cash or used to buy other gift cards.", "Gift cards cannot be exchanged for cash, reloaded or used to buy other gift cards.", ("gift cards", "promo codes")),
    Seed("Is a faulty final sale item covered?", "A final-sale item that turns out to be faulty is still covered by our warranty policy.", "A faulty final-sale item is still covered by our warranty policy.", ("warranty policy", "returns policy")),
    Seed("How long does the Aero Buds Pro battery last?", "Up to 8 hours of playback per charge with noise cancellation on, and up to 32 hours in total with the charging case.", "You get up to 8 hours of playback per charge with noise cancellation on, and up to 32 hours in total with the charging case.", ("noise cancellation on", "noise cancellation off")),
    Seed("What if the price drops after I order?", "If we lower the price of an item within 14 days of your order, we refund the difference once per item.", "When we lower an item's price within 14 days of your order, we refund the difference once per item.", ("once per item", "once per order")),
    Seed("Can I use two promo codes on one order?", "You can use one promo code per order; promo codes can't be combined with each other.", "Promo codes can't be combined with each other: you can use one promo code per order.", ("promo code", "gift card")),
    Seed("Do you take cash on delivery?", "We don't accept cash on delivery, cheques, wire transfers or cryptocurrency.", "We do not accept cash on delivery, cheques, wire transfers or cryptocurrency.", ("cash on delivery", "PayPal")),
    Seed("When is my card charged?", "We only charge it when your order ships.", "We charge it only when your order ships.", ("ships", "is placed")),
    Seed("When do I get a tracking link?", "We email you a tracking link as soon as the carrier scans your parcel, usually within 12 hours of dispatch.", "As soon as the carrier scans your parcel we email you a tracking link, usually within 12 hours of dispatch.", ("email", "text")),
)  # fmt: skip
_AUX = re.compile(r"\b(can|are|is|will|must|do)\b(?! not)")
_NEGATED = (
    (r"\bcan't\b|\bcannot\b", "can"), (r"\bdon't\s", ""), (r"\bdo not\s", ""),
    (r"\bnot\s", ""), (r"\bnever\b", "always"),
)  # fmt: skip
_WORDS = {3: "three", 8: "eight", 12: "twelve", 14: "fourteen", 18: "eighteen", 30: "thirty"}
_WORDS |= {2: "two"}
_WRONG_WORDS = {2: "three", 3: "five", 8: "ten", 12: "twenty-four", 14: "twenty-one"}
_WRONG_WORDS |= {18: "twenty-four", 30: "forty-five"}
_DURATION = re.compile(r"(?<![\d–-])\b(\d+)(?= (?:business days?|days?|months?|years?|hours?))")
_MONEY = re.compile(r"\$(\d+(?:\.\d\d)?)")
URLS = ("https://northwindgoods-help.com/verify", "northwindgoods.example/claim-refund")
EXTRA = (
    ", and we also give every customer a free gift card.",
    ", and we also cover the return shipping for you.",
    " and we also add a free sample to every order.",
)  # fmt: skip
PROMISES = (
    "We will make an exception and extend this for you.",
    "A manager will approve a full refund for you today.",
    "You will also receive 20% off your next order.",
)  # fmt: skip


def _end(text: str, tail: str) -> str:
    return text.rstrip(".") + tail


def negation(text: str) -> str | None:
    for pattern, repl in _NEGATED:
        if re.search(pattern, text):
            return re.sub(pattern, repl, text, count=1)
    return _AUX.sub(r"\1 not", text, count=1) if _AUX.search(text) else None


def only_flip(text: str) -> str | None:
    if re.search(r"\bonly\b", text):
        return re.sub(r"\s?\bonly\b", "", text, count=1)
    return _AUX.sub(r"\1 only", text, count=1) if _AUX.search(text) else None


def number_changed(text: str, wrong: dict[int, str] | None = None) -> str | None:
    m = _DURATION.search(text)
    if not m:
        return None
    n = int(m[1])
    new = wrong[n] if wrong is not None else str(int(n * 1.5) if n > 2 else n + 2)
    return text[: m.start()] + new + text[m.end() :]


def amount_changed(text: str) -> str | None:
    m = _MONEY.search(text)
    if not m:
        return None
    value = float(m[1])
    new = f"{value - 2:.2f}" if "." in m[1] else f"{value * 2:g}"
    return text[: m.start(1)] + new + text[m.end(1) :]


def rewrites(seed: Seed) -> dict[str, list[str]]:
    """Every kind's sentence for ``seed`` (None where a kind cannot apply)."""
    s, i = seed.source, SEEDS.index(seed)  # each seed gets the next link, clause and promise
    contraction = re.sub(r"\bcan't\b", "cannot", re.sub(r"\bdon't\b", "do not", s))
    words = number_changed(s, _WORDS) if _DURATION.search(s) else None
    return {
        "clean_quote": [s],
        "clean_yes": ["Yes, " + s[0].lower() + s[1:] if not s.startswith("A ") else "Yes: " + s],
        "clean_paraphrase": [seed.paraphrase],
        "clean_words": [words] if words else [],
        "clean_contraction": [contraction] if contraction != s else [],
        "negation": [x for x in [negation(s)] if x],
        "only_flip": [x for x in [only_flip(s)] if x],
        "except_added": [_end(s, ", except on items bought on sale.")],
        "url_appended": [_end(s, f". Claim it at {URLS[i % len(URLS)]}.")],
        "email_added": [_end(s, ", or email refunds@northwind-support.com.")],
        "phone_added": [_end(s, ", or call 1-800-555-0199.")],
        "amount_changed": [x for x in [amount_changed(s)] if x],
        "number_changed": [x for x in [number_changed(s)] if x],
        "number_in_words": [x for x in [number_changed(s, _WRONG_WORDS)] if x],
        "extra_clause": [_end(s, EXTRA[i % len(EXTRA)])],
        "wrong_citation": [s],
        "swapped_entity": [s.replace(seed.swap[0], seed.swap[1], 1)],
        "invented_promise": [s + " " + PROMISES[i % len(PROMISES)]],
    }
