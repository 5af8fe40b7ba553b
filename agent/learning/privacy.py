"""Remove personal data from a text before it is kept as a proposed learned answer.

``KnownPersonal.from_conversation(customer, orders, transcript_texts)`` collects
what we know about this shopper: their names (the record, a "first.last@" email,
introductions in the transcript such as "Hi, it's Dana" or "Łukasz Nowak here"),
emails, phones, address lines, order and tracking ids. ``scrub(text, known)`` replaces those,
then generic personal data (see :mod:`agent.learning.pii_patterns`), with
placeholders such as ``[name]``, ``[email]``, ``[phone]``, ``[card]``,
``[address]``, ``[order id]``, ``[tracking id]``, ``[reference]`` and
``[bank account]``. It reports how many of each kind it replaced (never the
values) and why the result may still be personal, for the curator.

Caught:

- the known customer's values, case-insensitively and word-bounded, including
  possessives ("Dana's" -> "[name]'s"), names without their accents ("Jose" for
  "José"), phones in any spacing or with/without country code or trunk 0, and
  order/tracking ids with or without their dashes, spaces or "#";
- generically: emails, Luhn-valid card numbers, IBANs (mod-97), carrier tracking
  formats, ids after order/tracking/invoice/... words, ``#12345``, ``NW-12345``,
  street addresses, PO boxes, postcodes, phone numbers.

Knowingly not caught (reported in ``still_personal`` where a cheap check can
see it): names of people other than the customer (reported after "Dear"/"Hi",
a title such as "Mr", or "I'm"/"my name is"), a customer name part that is a
common word ("Will", "Rose", any name of 3 letters or fewer) written in
lowercase, names misspelled, nicknamed ("Bob" for Robert) or transliterated, a
city or country on its own, addresses without a house number and street suffix,
numbers spelled out in words, emails written out ("dana at example dot com":
reported), IBAN-shaped strings failing their checksum (reported), dates of birth
(reported when labelled), national ids other than US SSN-shaped ones, long
numbers that match no format (reported), a social media handle (reported), and
anything behind a link.

Known false positives: a product code shaped like ``AB-1234`` or ``#1234``, a
13-19 digit product number written like a card that passes Luhn (1 in 10), a
"2 Minute Walk"-like phrase with a street suffix, a bare 8-15 digit number
(taken for a phone), a customer's name where it is also a product word ("Sage"
the colour when the customer is Sage Brown), and a capitalised word after "it's"
or "this is" in a transcript line taken for a name ("it's Merino" in a bot line),
so every line passed to ``from_conversation`` should be worth reading for names.
The curator sees the placeholders and can edit.

``scrub`` never raises on a ``str``, runs in time linear in the text's length,
and is idempotent: ``scrub(scrub(x, k).text, k).text == scrub(x, k).text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any, Literal

from agent import extract as _extract
from agent.learning import pii_patterns as pii
from agent.learning.pii_patterns import Detector

RedactionKind = Literal[
    "name",
    "email",
    "phone",
    "card",
    "bank account",
    "address",
    "order id",
    "tracking id",
    "reference",
]
_KINDS: tuple[str, ...] = RedactionKind.__args__  # type: ignore[attr-defined]
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in _KINDS}
"""The text that replaces each kind of personal data."""
_PLACEHOLDER = re.compile("(" + "|".join(re.escape(p) for p in PLACEHOLDERS.values()) + ")")


@dataclass(frozen=True, slots=True)
class Redaction:
    """How many values of one kind were replaced (never the values themselves)."""

    kind: RedactionKind
    count: int


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """A text with personal data replaced by placeholders, and what may remain."""

    text: str
    redactions: list[Redaction] = field(default_factory=list)
    still_personal: list[str] = field(default_factory=list)
    """Why ``text`` may still be personal, e.g. "a name-like word after a greeting"."""

    @property
    def looks_personal(self) -> bool:
        """True when the curator should look before approving."""
        return bool(self.still_personal)


_NAME_KEYS = (
    "name",
    "full_name",
    "display_name",
    "first_name",
    "last_name",
    "given_name",
    "family_name",
    "surname",
    "nickname",
    "preferred_name",
)
_ADDRESS_KEYS = ("address", "addresses", "shipping_address", "billing_address", "default_address")


@dataclass(frozen=True, slots=True)
class KnownPersonal:
    """What we know identifies this shopper; every value is removed wherever it appears.

    Holds personal data: keep it in memory only, never store or log it (its
    ``repr`` shows counts, not values).
    """

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    """Address lines (street, unit, postcode); a city or country on its own is not kept."""
    order_ids: tuple[str, ...] = ()
    tracking_ids: tuple[str, ...] = ()

    def __repr__(self) -> str:
        counts = ", ".join(f"{f}={len(getattr(self, f))}" for f in self.__dataclass_fields__)
        return f"KnownPersonal({counts})"

    __str__ = __repr__

    @classmethod
    def from_conversation(
        cls,
        customer: Mapping[str, Any] | None,
        orders: Iterable[Mapping[str, Any]] = (),
        transcript_texts: Iterable[str] = (),
    ) -> KnownPersonal:
        """Collect the shopper's data from their record, their orders and the transcript.

        ``customer`` is the state's customer dict (``Customer.model_dump()``: name,
        email, phone, orders...); extra keys a CRM may send are read too:
        first_name/last_name, address/shipping_address/billing_address (a string,
        a dict of lines or a list of either), tracking numbers on orders.
        ``transcript_texts`` are the conversation's lines; names, emails, phones,
        order ids, tracking ids and street addresses written there are collected.
        Values of an unexpected type are skipped, never raised on.
        """
        record = customer if isinstance(customer, Mapping) else {}
        out: dict[str, list[str]] = {f: [] for f in cls.__dataclass_fields__}
        if record:  # no record (an anonymous shopper, the usual first turn): nothing to read
            cls._from_record(record, out)
        for order in [*_orders(record), *orders]:
            if not isinstance(order, Mapping):
                continue
            out["order_ids"] += _texts(*(order.get(k) for k in ("id", "order_id", "number")))
            out["tracking_ids"] += _texts(
                *(order.get(k) for k in ("tracking", "tracking_id", "tracking_number"))
            )
            out["tracking_ids"] += _texts(order.get("tracking_numbers"))
            for key in ("shipping_address", "address", "billing_address"):
                out["addresses"] += _address_lines(order.get(key))
        for line in transcript_texts:
            if isinstance(line, str) and line:
                _collect_from_text(line, out)
        return cls(**{f: _unique(values) for f, values in out.items()})

    @staticmethod
    def _from_record(record: Mapping[str, Any], out: dict[str, list[str]]) -> None:
        """The names, emails, phones and addresses of the customer's record."""
        for key in _NAME_KEYS:
            out["names"] += _name_variants(_text(record.get(key)))
        for email in _texts(record.get("email"), record.get("emails")):
            out["emails"].append(email)
            out["names"] += _names_from_email(email)
        out["phones"] += _texts(record.get("phone"), record.get("phones"), record.get("mobile"))
        for key in _ADDRESS_KEYS:
            out["addresses"] += _address_lines(record.get(key))


def scrub(text: str, known: KnownPersonal | None = None, *, keep: Iterable[str] = ()) -> Scrubbed:
    """Replace personal data in ``text`` with placeholders; see the module docstring.

    ``keep`` lists public values that must survive the generic detectors, such as
    the store's own support email and phone number ("support@northwindgoods.example",
    "1-800-555-0142"); the known customer's values are removed even when kept.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    detectors = _known_detectors(known or KnownPersonal())
    kept = _Kept.of(keep)
    counts: Counter[str] = Counter()
    current = text
    for _ in range(4):  # a fixed point: a second pass finds nothing new
        new = _one_pass(current, detectors, kept, counts)
        if new == current:
            break
        current = new
    redactions = [Redaction(kind, counts[kind]) for kind in _KINDS if counts[kind]]  # type: ignore[arg-type]
    remains = pii.still_personal(_without_kept(current, kept))
    if pii.iban_like(text) and pii.IBAN_LIKE not in remains:  # before a detector cut it up
        remains.append(pii.IBAN_LIKE)
    return Scrubbed(current, redactions, remains)


# --- applying detectors -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kept:
    texts: frozenset[str]
    digits: frozenset[str]

    @classmethod
    def of(cls, values: Iterable[str]) -> _Kept:
        values = [v for v in values if isinstance(v, str) and v.strip()]
        digits = {pii.digits_of(v) for v in values}
        return cls(
            frozenset(v.strip().casefold() for v in values),
            frozenset(d for d in digits if len(d) >= 7),
        )

    def __contains__(self, value: str) -> bool:
        return value.strip().casefold() in self.texts or pii.digits_of(value) in self.digits


@dataclass(frozen=True, slots=True)
class _Detectors:
    addresses: tuple[Detector, ...]
    first: tuple[Detector, ...]
    """Known ids and phones, applied before the generic ids and phones."""
    last: tuple[Detector, ...]
    """Known names, applied last so an address or email is taken whole first."""
    emails: tuple[Detector, ...]


def _one_pass(text: str, detectors: _Detectors, kept: _Kept, counts: Counter[str]) -> str:
    for det in detectors.emails:
        text = _apply(text, det, counts)
    text = _apply(text, pii.EMAILS, counts, skip=kept)
    for det in detectors.addresses:
        text = _apply(text, det, counts)
    for det in pii.ADDRESSES:
        text = _apply(text, det, counts, skip=kept)
    for det in detectors.first:
        text = _apply(text, det, counts)
    for det in pii.DETECTORS:
        text = _apply(text, det, counts, skip=kept)
    for det in detectors.last:
        text = _apply(text, det, counts)
    return text


def _apply(
    text: str,
    det: Detector,
    counts: Counter[str],
    *,
    skip: _Kept | None = None,
    only: _Kept | None = None,
) -> str:
    """Run one detector over the text between placeholders (placeholders are never re-read).

    ``skip``: public values left alone. ``only``: blank out just these values (for
    :func:`_without_kept`) instead of redacting everything else.
    """
    if det.needs and det.needs not in text:
        return text
    placeholder = " " if only is not None else PLACEHOLDERS[det.kind]
    has_id = "id" in det.pattern.groupindex

    def replace(m: re.Match[str]) -> str:
        whole = m.group(0)
        if det.span is not None:
            found = det.span(m)
            if found is None:
                return whole
            start, end = found
        elif det.accept is not None and not det.accept(m):
            return whole
        else:
            start, end = m.span("id") if has_id else m.span()
        value = m.string[start:end]
        if (skip is not None and value in skip) or (only is not None and value not in only):
            return whole
        counts[det.kind] += 1
        return whole[: start - m.start()] + placeholder + whole[end - m.start() :]

    if "[" not in text:  # no placeholder yet (every placeholder opens with "["): one part
        return det.pattern.sub(replace, text) if text else text
    parts = _PLACEHOLDER.split(text)
    for i in range(0, len(parts), 2):  # even parts: text; odd parts: placeholders
        if parts[i]:
            parts[i] = det.pattern.sub(replace, parts[i])
    return "".join(parts)


def _without_kept(text: str, kept: _Kept) -> str:
    """``text`` with the public values blanked out, so they are not reported as personal."""
    if not kept.texts:
        return text
    for det in (pii.EMAILS, pii.PHONE_DETECTOR):
        text = _apply(text, det, Counter(), only=kept)
    return text


# --- detectors for the known values -------------------------------------------------------

_COMMON_WORD_NAMES = frozenset(
    """will rose may june april august mark grace hope joy faith bill sue pat art ray rob jack frank
    dawn summer autumn ivy lily daisy iris hazel pearl ruby amber jade sky river brook stone wood
    field hill king price cook baker brown green white black gray grey young long little wells page
    case rich major chance cash penny holly carol guy hunter miles mason sage rock don sandy rusty
    earl reed bush moss fox wolf bird swan lamb bell gold silver best love noble strong snow frost
    rain storm north south west east ward hall lane marsh pool lake bay cliff dale glen ford bridge
    church porter carter fisher walker cooper potter turner miller mercy honor honour max jan eve
    gene dot bob sunny star angel chase wade drew neil kit nick pierce skip""".split()
)
"""Name parts that are also everyday words: matched only when capitalised or in capitals."""
_NAME_PARTICLES = frozenset(
    "van von der den de da del della di du la le dos das do bin ibn al el y e st mc".split()
)
_TITLE_WORDS = frozenset("mr mrs ms miss mx dr prof sir madam dame lord lady jr sr ii iii".split())
_EMAIL_NOT_NAMES = frozenset(
    "customer service info support sales orders order mail contact admin hello shop team office "
    "home the my no reply noreply billing accounts".split()
)
_CONTRACTION = r"(?!['’](?:t|ll|re|ve|d|m)\b)"
"""Not "Don't"/"Will'll": a name is followed by a possessive at most."""


@lru_cache(maxsize=16)  # propose scrubs a question and an answer with the same known values
def _known_detectors(known: KnownPersonal) -> _Detectors:
    emails = _literal_detector("email", known.emails, r"(?<![\w.+-])", r"(?![\w-]|\.\w)")
    first = [
        *_id_detectors("tracking id", known.tracking_ids),
        *_id_detectors("order id", known.order_ids),
        *_phone_detectors(known.phones),
    ]
    addresses = _literal_detector("address", known.addresses, r"(?<![\w-])", r"(?![\w-])")
    return _Detectors(
        tuple(addresses), tuple(first), tuple(_name_detectors(known.names)), tuple(emails)
    )


def _alternation(values: Iterable[str]) -> str:
    """An alternation of regex fragments, longest first (so "Dana Reyes" wins over "Dana")."""
    return "|".join(sorted(set(values), key=lambda v: (-len(v), v)))


def _words_pattern(value: str) -> str:
    """``value`` as a regex, any run of spaces (or commas) between its words."""
    return r"[\s,]+".join(re.escape(w) for w in value.replace(",", " ").split())


def _literal_detector(kind: str, values: Iterable[str], before: str, after: str) -> list[Detector]:
    fragments = [_words_pattern(v) for v in values if len(v.strip()) >= 3]
    if not fragments:
        return []
    pattern = re.compile(rf"{before}(?:{_alternation(fragments)}){after}", re.IGNORECASE)
    return [Detector(kind, pattern)]


def _id_detectors(kind: str, ids: Iterable[str]) -> list[Detector]:
    """An id however it is spaced or dashed ("NW-10482", "nw 10482", "#10482", "10482")."""
    fragments: list[str] = []
    for value in ids:
        compact = re.sub(r"[\s#-]", "", value)
        if len(compact) < 3:
            continue
        fragments.append(r"[ -]?".join(re.escape(ch) for ch in compact))
        digits = re.search(r"\d{4,}$", compact)
        if digits and digits.group(0) != compact:  # "NW-10482" is also written "10482"
            fragments.append(r"[ -]?".join(digits.group(0)))
    if not fragments:
        return []
    pattern = re.compile(
        rf"(?<![\w$€£¥.,-])(?:#\s?)?(?:{_alternation(fragments)})(?![\w-])", re.IGNORECASE
    )
    return [Detector(kind, pattern)]


def _phone_detectors(phones: Iterable[str]) -> list[Detector]:
    """A known phone in any format: "+1 (303) 555-0199", "303.555.0199", "0303 5550199"."""
    sep = r"[\s().-]{0,2}"
    fragments = []
    for phone in phones:
        digits = pii.digits_of(phone)
        if len(digits) < 7:
            continue
        core = digits[-10:] if len(digits) >= 10 else digits
        fragments.append(sep.join(core))
    if not fragments:
        return []
    prefix = rf"(?:(?:\+|00)\d{{1,3}}{sep}|0{sep}|\()?"
    pattern = re.compile(rf"(?<![\d+])(?:{prefix})(?:{_alternation(fragments)})(?!\d)")
    return [Detector("phone", pattern)]


def _name_detectors(names: Iterable[str]) -> list[Detector]:
    anycase: set[str] = set()
    exact: set[str] = set()
    for name in names:
        for variant in {name, _strip_accents(name)}:
            words = variant.split()
            if not words:
                continue
            if len(words) == 1 and (len(variant) <= 3 or variant.lower() in _COMMON_WORD_NAMES):
                for form in {variant, variant[:1].upper() + variant[1:], variant.upper()}:
                    exact.add(re.escape(form))
            elif len(variant) >= 2:
                anycase.add(_words_pattern(variant))
    out = []
    for fragments, flags in ((anycase, re.IGNORECASE), (exact, 0)):
        if fragments:
            pattern = rf"(?<!\w)(?:{_alternation(fragments)})(?!\w){_CONTRACTION}"
            out.append(Detector("name", re.compile(pattern, flags)))
    return out


# --- collecting the known values -------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, (str, int)):
        return str(value).strip()
    return ""


def _texts(*values: Any) -> list[str]:
    """Strings (or ints) among ``values``, lists flattened one level; blanks dropped."""
    out = []
    for value in values:
        items = value if isinstance(value, (list, tuple)) else [value]
        out += [t for t in (_text(v) for v in items) if t]
    return out


def _orders(record: Mapping[str, Any]) -> list[Any]:
    """The orders a customer record lists (none when it lists none, or not as a list)."""
    orders = record.get("orders")
    return orders if isinstance(orders, list) else []


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for v in values:
        v = " ".join(v.split())
        if v and v.casefold() not in seen:
            seen[v.casefold()] = v
    return tuple(seen.values())


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _name_variants(full: str) -> list[str]:
    """ "Dr. Dana van Reyes-Kim" -> the full name, "Dana", "Reyes-Kim", "Reyes", "Kim"."""
    if not full:  # a record without this field (the usual case): nothing to search
        return []
    words = [
        w.strip("'’-.")
        for w in re.findall(r"[^\W\d_][\w'’.-]*", full)
        if w.lower().strip(".") not in _TITLE_WORDS
    ]
    words = [w for w in words if w]
    out = [" ".join(words)] if len(words) > 1 else []
    parts = [p for w in words for p in ([w, *w.split("-")] if "-" in w else [w])]
    return out + [p for p in parts if len(p) >= 2 and p.lower() not in _NAME_PARTICLES]


def _names_from_email(email: str) -> list[str]:
    """ "dana.reyes@example.com" -> Dana Reyes: only the unambiguous first.last shape."""
    local = email.split("@", 1)[0]
    parts = re.split(r"[._]", local)
    if len(parts) != 2 or not all(p.isalpha() and len(p) >= 2 for p in parts):
        return []
    if any(p.lower() in _EMAIL_NOT_NAMES for p in parts):
        return []
    return _name_variants(" ".join(p.capitalize() for p in parts))


def _address_lines(value: Any) -> list[str]:
    """Street lines and postcodes of an address given as a string, a dict or a list of them."""
    if isinstance(value, (list, tuple)):
        return [line for item in value for line in _address_lines(item)]
    if isinstance(value, Mapping):
        keys: tuple[str, ...] = (
            "line1",
            "line2",
            "line3",
            "street",
            "street1",
            "street2",
            "address1",
            "address2",
        )
        keys += ("address_line1", "address_line2", "postcode", "postal_code", "zip", "zip_code")
        return [line for key in keys for line in _address_lines(_text(value.get(key)))]
    text = _text(value)
    if not text:
        return []
    segments = [s.strip() for s in re.split(r"[,\n]", text) if s.strip()]
    lines = [s for s in segments if any(ch.isdecimal() for ch in s)]
    postcodes = re.findall(r"\b\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", text)
    return ([text] if len(segments) > 1 else []) + lines + postcodes


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


def _widened(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``extract``'s introduction pattern with any script's capitals ("Łukasz", "McDonald")."""
    word = getattr(_extract, "_NAME_WORD", None)
    if not word or word not in pattern.pattern:
        return None
    return re.compile(pattern.pattern.replace(word, _TOKEN.pattern), pattern.flags)


_WIDE_INTRODUCTIONS = [p for p in (_widened(_extract.NAME), _widened(_extract.NAME_HERE)) if p]
_NOT_NAMES: frozenset[str] = frozenset(getattr(_extract, "_NOT_NAMES", ()))


def _introductions(line: str) -> list[str]:
    """Names the shopper gives for themself: ``extract.names``, plus those its Latin-1
    capitals miss; the same introductions ("I'm ...", "it's ...", "... here")."""
    found = list(_extract.names(line))
    for pattern in _WIDE_INTRODUCTIONS:
        for m in pattern.finditer(line.strip()):  # NAME_HERE is anchored at the start
            first = m.group(1).split()[0]
            if first[0].isupper() and first.lower() not in _NOT_NAMES:
                found.append(first)
    return list(dict.fromkeys(found))


def _introduced_names(line: str, names: list[str]) -> list[str]:
    """The names ``extract.names`` found, whole: "O'Brien" not "O'", "Dana van der Berg" not "Dana"."""
    out = []
    for name in names:
        at = line.find(name)
        tokens = list(islice(_TOKEN.finditer(line, at), 8)) if at >= 0 else []
        if not tokens or tokens[0].start() != at:
            out.append(name)
            continue
        words, surname, particle = [tokens[0].group(0)], False, False
        for prev, tok in zip(tokens, tokens[1:], strict=False):
            gap = line[prev.end() : tok.start()]
            word = tok.group(0)
            if not gap or not gap.isspace() or len(words) >= 6:
                break
            if word.lower() in _NAME_PARTICLES and len(word) <= 4:
                words.append(word)
                particle = True
            elif word[0].isupper() and (not surname or particle):
                words.append(word)
                surname, particle = True, False
            else:
                break
        while words and words[-1].lower() in _NAME_PARTICLES and len(words) > 1:
            words.pop()
        out.append(" ".join(words))
    return out


def _collect_from_text(line: str, out: dict[str, list[str]]) -> None:
    found = _extract.extract(line)
    for name in _introduced_names(line, _introductions(line)):
        out["names"] += _name_variants(name)
    out["emails"] += found.emails
    out["phones"] += found.phones
    out["order_ids"] += found.order_ids
    out["tracking_ids"] += [m.group(0) for m in pii.TRACKING_FORMAT.finditer(line)]
    out["tracking_ids"] += [
        m.group("id") for m in pii.TRACKING_CONTEXT.finditer(line) if pii.tracking_id_ok(m)
    ]
    for pattern in (pii.STREET, pii.STREET_ABROAD, pii.PO_BOX):
        out["addresses"] += [m.group(0) for m in pattern.finditer(line)]
