"""Generic detectors of personal data, and the checks for what may remain.

Each :class:`Detector` is a compiled regex plus an optional check on each match
(``accept``: a digit count for ids, the mod-97 checksum for IBANs; or ``span``:
the part of the match to redact, for cards (Luhn) and phones (shape)). When the
regex has a group named ``id`` only that group is replaced ("order [order id]"),
otherwise the whole match (or span) is.

Every quantifier that can meet the same character twice is bounded, so one
pass over a text is linear in its length (times a small constant); nothing here
backtracks catastrophically on adversarial input.

What the detectors catch, in order of application (:data:`EMAILS`, then
:data:`ADDRESSES`, then :data:`DETECTORS`):

- emails (``local@domain.tld``, local part up to 64 characters);
- street addresses: house number, 1-4 capitalised words (or 1-2 lowercase ones)
  and a street suffix (Street/St/Avenue/Ave/Road/Rd/Lane/Blvd/Drive/...), with an
  optional unit ("Apt 4", "Flat 3") and an optional "City, ST 80203" / UK
  postcode tail; "7 rue de la Paix" (fr), "Hauptstraße 5" (de), "Calle Mayor 5",
  "Rua Augusta 10", "Piazza Navona 2"; PO boxes; a UK postcode ("SW1A 1AA") or a
  US "CO 80203" on its own;
- IBANs that pass the mod-97 checksum;
- tracking ids: UPS ``1Z...``, UPU/postal ``AB123456789CD``, USPS 20-26 digits
  starting 91-95, Amazon ``TBA...``; and ids with 6+ digits after "tracking",
  "waybill", "shipment", "parcel", "AWB" (and de/fr/es/pt words);
- card numbers: 13-19 digits, optionally grouped with spaces or dashes, that
  pass the Luhn checksum; and any digits after "card number", "card ending in",
  "last four digits";
- order ids: after "order"/"pedido"/"commande"/"Bestellung"... (3+ digits with
  a marker such as "no."/"#"/":", 4+ digits without one, unless a plural noun
  follows: "order 5000 mugs" is a quantity), ``#12345``, and store-style
  ``NW-12345`` (1-4 capitals, dash, 4-12 digits);
- other references (invoice, receipt, RMA, case, ticket, account, customer,
  membership numbers) under the same rules as order ids;
- phone numbers: ``+``/``00`` international numbers of 8-15 digits and national
  numbers of 8-15 digits (7 as ``555-0142``) with spaces, dots, dashes or
  parentheses; dates, year ranges, lists of small numbers, and numbers followed
  by a unit or currency are left alone, and a short trailing number is given
  back ("call 303-555-0199 24 hours a day"). A US social security number
  (``123-45-6789``) is removed too, as a ``[phone]``.

Knowingly not caught here (see also ``privacy.py``): names (only the known
customer's names are removed, by ``privacy.scrub``), emails or phones spelled
out ("dana at example dot com", "five five five ..."), addresses without a
house number and street suffix or in formats not listed above, cities and
countries on their own, alphanumeric tracking ids with fewer than 6 digits,
order ids with no context and no store-style prefix, bare numbers of 16+ digits
that match no format, IBAN-shaped strings failing their checksum, dates of birth
(these last three are reported by :func:`still_personal` instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Accept = Callable[[re.Match[str]], bool]
Span = Callable[[re.Match[str]], tuple[int, int] | None]


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of personal data: a regex, and a check on each of its matches."""

    kind: str
    pattern: re.Pattern[str]
    accept: Accept | None = None
    """A match is redacted only when this returns True (None: always)."""
    needs: str = ""
    """A substring the text must contain for the pattern to have a chance (a cheap skip)."""
    span: Span | None = None
    """Instead of ``accept``: the part of the match to redact ((start, end) in the
    whole string), or None. Lets "call 303-555-0199 24 hours a day" lose the phone
    but keep "24 hours"."""


def _digit_runs(m: re.Match[str]) -> list[tuple[int, int]]:
    """Where the runs of digits of a match are, as (start, end) in the whole string."""
    base = m.start()
    return [(base + r.start(), base + r.end()) for r in re.finditer(r"\d+", m.group(0))]


def digits_of(text: str) -> str:
    """The decimal digits in ``text``, in order (any script's digits count)."""
    return "".join(ch for ch in text if ch.isdecimal())


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum of a digit string, as card numbers carry."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_DATE = re.compile(
    r"\d{4}([./-])\d{1,2}\1\d{1,2}|\d{1,2}([./-])\d{1,2}\2\d{2,4}|(?:19|20)\d\d\s?[/-]\s?(?:19|20)\d\d"
)


def _is_date(text: str) -> bool:
    return _DATE.fullmatch(text.strip()) is not None


# --- emails -------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


# --- cards ----------------------------------------------------------------------

CARD = re.compile(r"(?<![\w+.,$€£¥/-])\d(?:[ -]?\d){12,40}(?!\d)")
CARD_CONTEXT = re.compile(
    r"(?i:\bcard\s+(?:number|no\.?|nr\.?|num|#|ending(?:\s+(?:in|with))?|that\s+ends\s+(?:in|with)"
    r"|ends\s+(?:in|with))(?:\s+(?:is|was))?\s*[:#]?\s*"
    r"|\blast\s+(?:4|four)(?:\s+digits)?(?:\s+(?:are|is|of\s+your\s+card))?\s*[:#]?\s*)"
    r"(?P<id>\d(?:[ -]?\d){3,18})(?!\w)"
)


def _card_grouping(sizes: list[int]) -> bool:
    """How cards are written: one run, groups of four, or Amex/Diners 4-6-5 / 4-6-4."""
    if len(sizes) == 1 or sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _card_span(m: re.Match[str]) -> tuple[int, int] | None:
    """The longest run of whole digit groups in the match that is written like a card,
    has 13-19 digits and passes Luhn ("1-249-200-0002 24" is a phone and a number)."""
    if m.end() < len(m.string) and m.string[m.end()].isalpha():
        return None  # "4111111111111111abc" is an id, not a card
    runs = _digit_runs(m)
    groups = [m.string[s:e] for s, e in runs]
    for i in range(min(len(runs), 8)):
        candidates, digits = [], ""
        for j in range(i, len(runs)):
            digits += groups[j]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and _card_grouping([len(g) for g in groups[i : j + 1]]):
                candidates.append((j, digits))
        for j, digits in reversed(candidates):
            if luhn_ok(digits) and not _UNIT_NEXT.match(m.string, runs[j][1]):
                return runs[i][0], runs[j][1]
    return None


# --- tracking and order ids -----------------------------------------------------

TRACKING_FORMAT = re.compile(
    r"(?<![\w-])(?:(?i:1Z(?:[ ]?[0-9A-Z]){16})"  # UPS
    r"|[A-Z]{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}[ ]?[A-Z]{2}"  # UPU S10: postal services worldwide
    r"|9[1-5]\d{2}(?:[ ]?\d{4}){4}(?:[ ]?\d{2,6})?"  # USPS
    r"|(?i:TBA\d{12}))(?![\w-])"  # Amazon Logistics
)
TRACKING_CONTEXT = re.compile(
    r"(?i:\b(?:tracking|waybill|air\s?waybill|awb|shipment|consignment|parcel|sendungsnummer|sendung"
    r"|suivi|colis|seguimiento|env[ií]o|rastreio|rastreamento)"
    r"(?:\s+(?:number|no\.?|nr\.?|num|code|id|ref(?:erence)?|#|n[ºo°]\.?))?"
    r"(?:\s+(?:is|was|are))?\s*[:#]?\s*)"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9-]{2,39}(?:[ ]\d{3,6}){0,5})(?![\w-])"  # "1234 5678 90" too
)


def tracking_id_ok(m: re.Match[str]) -> bool:
    value = m.group("id")
    return len(digits_of(value)) >= 6 and not _is_date(value)


_MARKER = r"(?:number|num[eé]ro|n[uú]mero|nummer|nr|no|num|n[ºo°]|id|ref(?:erence)?)(?!\w)\.?"


def _context_id(words: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?i:\b(?:{words})(?!\w)\.?(?P<marker>\s*{_MARKER})?"
        r"(?:\s+(?:is|was|es|est|ist))?(?P<sep>\s*[:#]\s*|\s+)(?P<hash>#\s?)?)"
        r"(?P<id>[A-Za-z0-9][A-Za-z0-9-]{2,29})(?![\w-])"
    )


ORDER_CONTEXT = _context_id(
    r"orders?|ord|pedidos?|commandes?|bestellung(?:en)?|auftrag|encomendas?|ordine|ordini"
)
REFERENCE_CONTEXT = _context_id(
    r"invoice|receipt|confirmation|rma|return|case|ticket|claim|reference|ref|booking|refund"
    r"|transaction|account|customer|member(?:ship)?|loyalty|rewards|factura|facture|rechnung|kundennummer"
)
_PLURAL_NEXT = re.compile(r"\s+[^\W\d_]+s\b")


def _context_id_ok(m: re.Match[str]) -> bool:
    value = m.group("id")
    n = len(digits_of(value))
    if _is_date(value):
        return False
    if m.group("marker") or m.group("hash") or m.group("sep").strip():
        return n >= 3
    # "order 4521" is an id, "order 5000 mugs" a quantity, "order 2" a count
    return n >= 4 and not _PLURAL_NEXT.match(m.string, m.end())


HASH_ID = re.compile(r"(?<![\w&#])#\s?\d{3,12}(?![\w])")
STORE_ID = re.compile(r"(?<![\w-])[A-Z]{1,4}-\d{4,12}(?![\w-])")


# --- street addresses -------------------------------------------------------------

_SUFFIX = (
    r"(?i:street|st|avenue|ave|av|road|rd|lane|ln|boulevard|blvd|drive|dr|court|ct|place|pl|terrace"
    r"|terr?|way|circle|cir|parkway|pkwy|highway|hwy|square|sq|crescent|cres|close|gardens|grove|row"
    r"|mews|trail|trl|alley|plaza|walk|strasse|straße|str)(?!\w)\.?"
)
_LOWER_SUFFIX = r"(?:street|avenue|ave|road|lane|boulevard|blvd)(?!\w)\.?"
_HOUSE = r"(?<![\w.,$€£¥#/:-])\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_WORD = r"(?:[A-ZÀ-Þ][\w'’.-]{0,30}|\d{1,3}(?:st|nd|rd|th))"
_UNIT_WORD = r"(?i:apt|apartment|unit|suite|ste|flat|fl|floor|room|rm)\.?"
_UNIT = rf"(?:,?\s+(?:{_UNIT_WORD}|#)\s?#?[\w-]{{1,6}}(?!\w))?"
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ"
    "|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI"
)
_ZIP = r"\d{5}(?:-\d{4})?"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_CITY = r"[A-ZÀ-Þ][\w'’.-]{1,30}(?:[ ][A-ZÀ-Þ][\w'’.-]{1,30}){0,2}"
_TAIL = (
    rf"(?:,?\s+(?:{_CITY},?\s+)?(?:(?:{_STATES})(?:\s+{_ZIP})?|{_ZIP}|{_UK_POSTCODE})(?![\w-]))?"
)
_FR_WAY = r"(?i:rue|avenue|av\.|boulevard|bd|chemin|all[ée]e|impasse|quai|route|place)"
_NAME_WORD = r"[A-ZÀ-Þ][\w'’-]{1,30}"
_PARTICLES = r"(?:(?:de|du|des|la|le|del|los|las|da|do|dos|das|di)\s+|l['’]|d['’]){0,2}"

STREET = re.compile(
    rf"(?:\b{_UNIT_WORD}\s?[\w-]{{1,6}},?\s+)?"
    rf"{_HOUSE}\s+(?:(?:{_WORD}\s+){{1,4}}{_SUFFIX}|[a-z]{{2,20}}\s+(?:[a-z]{{2,20}}\s+)?{_LOWER_SUFFIX})"
    rf"{_UNIT}{_TAIL}"
)
STREET_ABROAD = re.compile(
    # 12 rue de la Paix / Hauptstraße 5 / Calle Mayor 5, Via Roma 12, Rua Augusta 10
    rf"(?<![\w-])(?:\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+{_FR_WAY}\s+{_PARTICLES}{_NAME_WORD}(?:\s{_NAME_WORD}){{0,2}}"
    rf"|[A-ZÄÖÜ][\wäöüß-]{{1,30}}(?:straße|strasse|str\.|weg|gasse|platz|allee|damm)\s+\d{{1,4}}[a-z]?"
    rf"|(?:Calle|Avenida|Avda\.?|Paseo|Viale|Piazza|Corso|Rua|Travessa)\s+{_PARTICLES}{_NAME_WORD}"
    rf"(?:\s{_NAME_WORD}){{0,2}},?\s+(?:n[ºo°]\.?\s?)?\d{{1,4}}[a-z]?)(?![\w-])"
)
PO_BOX = re.compile(
    r"(?i:\bp\.?\s?o\.?\s?box|\bpost\s+office\s+box|\bapartado(?:\s+postal)?|\bpostfach)\s*#?\s*\d{1,8}(?!\w)"
)
POSTCODE = re.compile(  # on their own: "NW1 6XE" (with its space), "CO 80203"
    rf"(?<![\w-])(?:[A-Z]{{1,2}}\d[A-Z\d]?\s\d[A-Z]{{2}}|(?:{_STATES})\s{_ZIP})(?![\w-])"
)


# --- bank accounts -----------------------------------------------------------------

IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![\w-])")


def iban_ok(value: str) -> bool:
    """The ISO 13616 mod-97 checksum of an IBAN (spaces ignored)."""
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    except ValueError:
        return False


IBAN_LIKE = "an IBAN-like bank account number"


def iban_like(text: str) -> bool:
    """An IBAN-shaped string whose checksum fails (a valid one is redacted)."""
    return any(
        not iban_ok(m.group(0)) and not TRACKING_FORMAT.fullmatch(m.group(0))
        for m in IBAN.finditer(text)
    )


def _iban_ok(m: re.Match[str]) -> bool:
    return iban_ok(m.group(0))


# --- phones -------------------------------------------------------------------------

PHONE = re.compile(r"(?<![\w+$€£¥.,/:#-])(?:\+|00)?\(?\d[\d \t().-]{5,22}\d(?![\w%/:-]|[.,]\d)")
_UNIT_NEXT = re.compile(
    r"\s?(?:[%€$£¥]|(?i:ml|l|g|kg|mg|cm|mm|m|km|oz|fl|lbs?|ft|x|pcs|units?|items?|usd|eur|gbp"
    r"|days?|hours?|minutes?|weeks?|months?|years?|mah|gb|mb|w|v)(?!\w))"
)
_SEVEN = re.compile(r"\d{3}[ .-]\d{4}")


def _phone_ok(raw: str, text: str, end: int) -> bool:
    digits = digits_of(raw)
    n = len(digits)
    if _UNIT_NEXT.match(text, end):
        return False  # "12 500 000 units", "+44 20 7946 0958 30 days": the last number counts
    if raw.startswith(("+", "00")):
        return 8 <= n <= 15
    if n > 15 or _DATE.match(raw.lstrip("(")):
        return False
    if n < 8:
        return n == 7 and _SEVEN.fullmatch(raw) is not None
    groups = re.findall(r"\d+", raw)
    # "6 8 10 12 14" is a list of sizes, "192.168.1.1"-like runs are not numbers to call
    return not any(len(g) == 1 for g in groups[1:])


def _phone_span(m: re.Match[str]) -> tuple[int, int] | None:
    """The match, or the match without short trailing groups ("303-555-0199 24" -> the phone)."""
    start = m.start()
    opening = len(m.group(0)) - len(m.group(0).lstrip("("))
    if date := _DATE.match(m.string, m.start() + opening):  # "2026-11-25 303 555 0199"
        start = next((s for s, _ in _digit_runs(m) if s >= date.end()), m.end())
        if start > m.start() and m.string[start - 1] in "(+":
            start -= 1
    runs = [(s, e) for s, e in _digit_runs(m) if s >= start]
    for k in range(len(runs), 0, -1):
        end = runs[k - 1][1]
        if _phone_ok(m.string[start:end], m.string, end):
            return start, end
        if runs[k - 1][1] - runs[k - 1][0] > 3:
            return None  # only a short number may trail a phone ("24 hours", "2 x 500 ml")
    return None


EMAILS = Detector("email", EMAIL, needs="@")
PHONE_DETECTOR = Detector("phone", PHONE, span=_phone_span)
ADDRESSES: tuple[Detector, ...] = (
    Detector("address", PO_BOX),
    Detector("address", STREET),
    Detector("address", STREET_ABROAD),
    Detector("address", POSTCODE),
)
"""Applied after emails and before any id: "1000 Pine Street" is an address even when
the customer has an order 1000."""
DETECTORS: tuple[Detector, ...] = (
    Detector("bank account", IBAN, _iban_ok),
    Detector("tracking id", TRACKING_FORMAT),
    Detector("card", CARD_CONTEXT),
    Detector("card", CARD, span=_card_span),
    Detector("tracking id", TRACKING_CONTEXT, tracking_id_ok),
    Detector("order id", ORDER_CONTEXT, _context_id_ok),
    Detector("reference", REFERENCE_CONTEXT, _context_id_ok),
    Detector("order id", HASH_ID, needs="#"),
    Detector("order id", STORE_ID, needs="-"),
    PHONE_DETECTOR,
)
"""Applied in this order after :data:`EMAILS` (an email is taken whole before anything
could cut it) and :data:`ADDRESSES`: carrier formats before cards (a USPS number holds a
Luhn-valid run), cards and ids before phones, phones last."""


# --- what may remain -------------------------------------------------------------------

GREETINGS = (
    r"dear|hi|hello|hey|hiya|thanks|thank\s+you|hola|querid[oa]|estimad[oa]|bonjour|cher|ch[èe]re"
    r"|hallo|liebe[r]?|sehr\s+geehrte[r]?|ciao|ol[áa]|oi|caro|cara"
)
_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sr|Sra|Mme|Mlle|Herr|Frau"
GREETING_NAME = re.compile(
    rf"(?<!\w)(?i:{GREETINGS})[ \t]*,?[ \t]+(?:(?:{_TITLES})\.?[ \t]+)?"
    r"(?P<name>[A-ZÀ-Þ][a-zà-ÿ][a-zà-ÿ'’-]{0,29})(?!\w)"
)
"""A capitalised word after "Dear"/"Hi"/...: the name of whoever is greeted."""
NOT_NAMES = frozenset(
    "team there all everyone everybody again so for customer customers sir madam friend friends "
    "folks guys both you and shopper support again".split()
)
"""Words after a greeting that are not names ("Hi there", "Dear Customer")."""
_INTRO_NOT_NAMES = frozenset(
    "sorry happy glad afraid here not very also still just unable able going looking trying back "
    "really so delighted pleased confident certain sure checking writing following new".split()
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
_CHECKS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # (pattern, reason, a lowercase substring the text must contain for the pattern to apply)
    (
        re.compile(rf"(?<!\w)(?:{_TITLES})\.?[ \t]+[A-ZÀ-Þ][a-zà-ÿ'’-]{{1,30}}"),
        "a title and surname",
        "",
    ),
    (
        re.compile(
            r"(?i:\bmy\s+name\s+is|\bmy\s+name's|\bi'm|\bi\s+am)\s+(?P<name>[A-ZÀ-Þ][a-zà-ÿ][a-zà-ÿ'’-]{0,29})"
        ),
        "a self-introduction with a name",
        "",
    ),
    (
        re.compile(
            r"(?i:\b(?:date\s+of\s+birth|d\.?o\.?b\b\.?|born(?:\s+on)?|birth\s?date|birthday"
            r"|fecha\s+de\s+nacimiento|date\s+de\s+naissance|n[ée]e?\s+le|geburtsdatum|geboren(?:\s+am)?)"
            r"[\s:]{0,5}(?:is\s+|was\s+|on\s+)?(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+\d{{1,2}}))"
        ),
        "a date of birth",
        "",
    ),
    (re.compile(r"[\w.+-]@[\w-]{1,63}\.[^\W\d_]{2,}"), "an email-like string", "@"),
    (
        re.compile(
            r"(?i:\b[\w.+-]{1,64}\s?(?:\(at\)|\[at\]|\s+at\s+)\s?[\w-]{1,63}\s?"
            r"(?:\(dot\)|\[dot\]|\s+dot\s+)\s?(?:com|net|org|co|io|de|fr|es|uk)\b)"
        ),
        "an email address written out",
        "dot",
    ),
    (re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{3,30}(?![\w@])"), "a social media handle", "@"),
)
LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){8,}")


def still_personal(text: str) -> list[str]:
    """Reasons ``text`` still looks personal after redaction (never the values themselves)."""
    reasons: list[str] = []
    lowered = text.lower()
    if any(m.group("name").lower() not in NOT_NAMES for m in GREETING_NAME.finditer(text)):
        reasons.append("a name-like word after a greeting")
    for pattern, reason, needs in _CHECKS:
        if needs and needs not in lowered:
            continue
        for m in pattern.finditer(text):
            name = m.groupdict().get("name")
            if name is None or name.lower() not in _INTRO_NOT_NAMES:
                reasons.append(reason)
                break
    if iban_like(text):
        reasons.append(IBAN_LIKE)
    for m in LONG_NUMBER.finditer(text):
        groups = re.findall(r"\d+", m.group(0))
        # "2026-11-25 10:30" is a date and a time, "6 8 10 12 14 16" a list of sizes
        if not _DATE.match(m.group(0)) and all(len(g) >= 3 for g in groups[1:]):
            n = len(digits_of(m.group(0)))
            reasons.append(f"a long number ({n} digits) that may be a card, account or id")
            break
    return list(dict.fromkeys(reasons))
