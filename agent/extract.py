"""What the shopper told us in their own words: order numbers, emails, phones, names.

Kept in the state so the handoff carries them and no human asks again.
"""

from __future__ import annotations

import re

from agent.state import Customer, Extracted

EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")
PHONE = re.compile(r"(?<![\w-])\+?\d[\d ()-]{7,16}\d(?![\w-])")
# "NW-10482", "#10482", "order 10482", "pedido 10482", "Bestellung 10482"
ORDER = re.compile(
    r"(?:\b[A-Z]{1,4}-\d{3,10}\b)"
    r"|(?:#\s?(\d{3,12})\b)"
    r"|(?:\b(?:order|ord|pedido|commande|bestellung|encomenda|ordine)\s*(?:number|no\.?|nr\.?|n[ºo°]|#|num[eé]ro|nummer|:)\s*[:#]?\s*(\d{3,12})\b)"
    # without a marker, "order 4521" is an id but "order 500 mugs" is a quantity
    r"|(?:\b(?:order|pedido|commande|bestellung|encomenda|ordine)\s+(\d{4,12})\b(?!\s+[a-z]+s\b))",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-ZÀ-Þ][a-zà-ÿ'’-]+"
NAME = re.compile(
    r"(?:\bmy name is|\bmy name's|\bthis is|\bit'?s|\bit is|\bi am|\bi'm|\bme llamo|\bsoy|\bje m'appelle|"
    r"\bje suis|\bich hei(?:ss|ß)e|\bich bin|\bhier ist|\baqu[ií] (?:es|est[aá])|\bmeu nome é|\bsou a?)\s+("
    + _NAME_WORD
    + r"(?:\s"
    + _NAME_WORD
    + r")?)",
    re.IGNORECASE,
)
# "Hey, Chris Yamamoto here." / "Hi, Daniel Kim from Brightline Events." / "Hey! Mia Lund,
# mia@mail.com" (a name then contact details: an email, a phone or an order number)
NAME_HERE = re.compile(
    r"^(?i:hi|hello|hey|hiya|good (?:morning|afternoon|evening))[,!]?\s+("
    + _NAME_WORD
    + r"(?:\s"
    + _NAME_WORD
    + r")?)(?:\s+(?i:here|from|at|of)\b|\s*[,(-]\s*(?=[\w.+-]+@|\+?\d|#|(?i:order)\b))"
)
_NOT_NAMES = {
    "sorry",
    "here",
    "not",
    "very",
    "so",
    "just",
    "still",
    "really",
    "looking",
    "trying",
    "back",
    "thanks",
    "thank",
    "please",
    "quick",
    "urgent",
}


def order_ids(text: str, customer: Customer | None = None) -> list[str]:
    """Order ids written in ``text``, plus record ids the text names verbatim."""
    found = []
    for m in ORDER.finditer(text):
        found.append(next((g for g in m.groups() if g), m.group(0)).upper())
    for order in customer.orders if customer else []:
        if order.id.strip() and re.search(
            rf"(?<![\w-]){re.escape(order.id)}(?![\w-])", text, re.IGNORECASE
        ):
            found.append(order.id)
    return list(dict.fromkeys(found))


def names(text: str) -> list[str]:
    """Names the shopper gives for themself ("Hi, it's Dana")."""
    here = NAME_HERE.match(text.strip())
    out = [here.group(1)] if here and here.group(1).split()[0].lower() not in _NOT_NAMES else []
    for m in NAME.finditer(text):
        candidate = m.group(1)
        first = candidate.split()[0]
        if first.lower() in _NOT_NAMES or not first[0].isupper():
            continue
        words = candidate.split()
        # a second word is a surname only if capitalised ("Dana Reyes", not "Dana and")
        out.append(candidate if len(words) == 2 and words[1][0].isupper() else first)
    return list(dict.fromkeys(out))


def extract(text: str, customer: Customer | None = None) -> Extracted:
    """Everything identifying the shopper offered in one message."""
    emails = EMAIL.findall(text)
    phones = [p.strip() for p in PHONE.findall(text) if sum(ch.isdigit() for ch in p) >= 8]
    ids = order_ids(text, customer)
    phones = [p for p in phones if re.sub(r"\D", "", p) not in {re.sub(r"\D", "", i) for i in ids}]
    return Extracted(order_ids=ids, emails=emails, phones=phones, names=names(text))


def merge(old: Extracted, new: Extracted) -> Extracted:
    """Union of two extractions, first-seen order kept."""
    return Extracted(
        **{
            f: list(dict.fromkeys([*getattr(old, f), *getattr(new, f)]))
            for f in Extracted.model_fields
        }
    )
