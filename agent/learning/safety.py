"""Flags for what must never reach a shopper unchecked: links, contact points, credential
requests, hidden text. Reasons for a curator to look, never a verdict.

- A link (``https://``, ``www.``, a bare ``shop-secure.com/verify``), an email, a phone
  number or a messaging handle (``@handle``, WhatsApp/Telegram/Signal, ``t.me/``) that
  neither the knowledge base nor the store's ``learning.public_contacts`` has.
- A request for credentials or payment details: a request verb and a credential within
  one sentence ("reply with your password", "send us the card number and CVV", "confirm
  the security code"). A warning ("we will never ask for your password") is not one.
- Hidden text: invisible or bidirectional-control Unicode (zero-width, bidi overrides,
  tag characters, which are decoded and shown), HTML that hides text (``display:none``,
  ``hidden``, comments, ``<script>``/``<style>``) or any HTML tag at all.

Missed: a link written out ("shop dash secure dot com"), a phone written in words, a
credential request split over two sentences or phrased without its noun ("send me the
three digits on the back"), homoglyph domains that are not in the text's own KB check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from knowledge.invisible import INVISIBLE
from knowledge.models import ScoredChunk

_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|net|org|io|co|uk|shop|store|example|info|biz|me|app|ly|link|xyz|us|de|fr|es|eu|ru|cn"
    r"|top|site|online|support|help|pay|secure|page|click|gl|gg|to)\b(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w/])\+?\d[\d ().-]{6,}\d(?!\w)")
_HANDLE = re.compile(
    r"(?<![\w.])@[A-Za-z_][\w.]{1,30}\b|\b(?:whats\s*app|telegram|signal|wechat|viber|snapchat|discord"
    r"|instagram|insta|skype|kik|line\s+id)\b",
    re.IGNORECASE,
)
_CREDENTIAL = (
    r"(?:card\s*(?:number|no\.?|details|info)|full\s+card|long\s+number|cvv2?|cvc2?|cv2|csc|security\s+code"
    r"|expiry(?:\s+date)?|expiration\s+date|pin(?:\s+(?:number|code))?|passwords?|passcode|login(?:\s+details)?"
    r"|sign[- ]in\s+details|one[- ]time\s+(?:code|password|passcode)|otp|verification\s+code|2fa|mfa"
    r"|auth(?:entication)?\s+code|bank\s+(?:details|login|account)|account\s+number|sort\s+code"
    r"|routing\s+number|iban|ssn|social\s+security|online\s+banking|seed\s+phrase|recovery\s+phrase)"
)
_ASK = (
    r"(?:send|reply|respond|give|provide|share|tell|enter|confirm|type|email|e-mail|text|dm|message"
    r"|post|write|submit|include|verify|update|read\s+out|let\s+us\s+(?:know|have)|we(?:'ll)?\s+need"
    r"|need)"
)
_REQUEST = re.compile(
    rf"\b{_ASK}\b[^.?!\n]{{0,80}}\b{_CREDENTIAL}\b|\b{_CREDENTIAL}\b[^.?!\n]{{0,40}}\b(?:to\s+us|back\s+to\s+us"
    rf"|by\s+(?:email|reply|text|dm)|in\s+(?:a|your)\s+reply|here|below)\b",
    re.IGNORECASE,
)
_WARNING = re.compile(
    r"\b(?:never|not|don't|do\s+not|won't|will\s+not|cannot|can't|no\s+one|nobody)\b", re.I
)
_TAG = re.compile("[\U000e0020-\U000e007e]+")
_HIDDEN_HTML = re.compile(
    r"<[^>]*(?:display\s*:\s*none|visibility\s*:\s*hidden|\bhidden\b|aria-hidden|font-size\s*:\s*0"
    r"|opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*(?:#fff(?:fff)?|white|transparent))[^>]*>"
    r"|<!--|<\s*(?:script|style|template|noscript)\b",
    re.IGNORECASE,
)
_TAG_MARKUP = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?>", re.IGNORECASE)


def hidden_text(text: str) -> list[str]:
    """Invisible characters or hidden HTML; tag characters are decoded so the curator can read them."""
    flags = []
    invisible = INVISIBLE.findall(text)
    other = [c for c in text if unicodedata.category(c) == "Cf" and not INVISIBLE.match(c)]
    if invisible or other:
        decoded = decoded_tags(text)
        said = f" spelling {decoded[:80]!r}" if decoded else ""
        flags.append(f"hidden text: {len(invisible) + len(other)} invisible character(s){said}")
    if _HIDDEN_HTML.search(text):
        flags.append("hidden text: HTML that hides content (display:none, hidden, comment, script)")
    elif _TAG_MARKUP.search(text):
        flags.append("hidden text: contains HTML markup")
    return flags


def decoded_tags(text: str) -> str:
    """The plain text that Unicode tag characters spell (empty when there are none)."""
    return "".join(chr(ord(c) - 0xE0000) for run in _TAG.findall(text) for c in run)


def credential_requests(text: str) -> list[str]:
    """Sentences that ask the shopper for a password, a card number, a code or bank details."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        m = _REQUEST.search(sentence)
        if m and not _WARNING.search(sentence[: m.end()]):
            found.append(f"asks for credentials or payment details: {m.group(0)[:60]!r}")
    return list(dict.fromkeys(found))


def contact_points(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every link, email, phone number and messaging handle in ``text``."""
    emails = _EMAIL.findall(text)
    rest = _EMAIL.sub(" ", text)
    found = [("email", e) for e in emails]
    found += [("link", u.rstrip(".,;:")) for u in _URL.findall(rest)]
    found += [("phone", p) for p in _PHONE.findall(_URL.sub(" ", rest)) if _digits(p, 8)]
    found += [("handle", h) for h in _HANDLE.findall(rest)]
    return found


def unknown_contacts(text: str, chunks: Iterable[ScoredChunk], allowed: Iterable[str]) -> list[str]:
    """Contact points the KB chunks and the store's allow-list do not already have."""
    kb = " ".join(sc.chunk.text for sc in chunks if sc.chunk.source == "kb").lower()
    kb_digits = re.sub(r"\D", "", kb)
    allow = [a.lower().strip() for a in allowed if a.strip()]
    flags = []
    for kind, value in contact_points(text):
        if _known(kind, value.lower(), kb, kb_digits, allow):
            continue
        shown = _host(value) if kind == "link" else kind if kind in ("email", "phone") else value
        flags.append(f"{kind} not in the knowledge base or the allow-list: {shown}")
    return list(dict.fromkeys(flags))


def _known(kind: str, value: str, kb: str, kb_digits: str, allow: list[str]) -> bool:
    if kind == "phone":
        digits = re.sub(r"\D", "", value)[-9:]
        return digits in kb_digits or any(digits in re.sub(r"\D", "", a) for a in allow)
    if kind == "link":
        host = _host(value)
        return host in kb or any(
            host == a or host.endswith("." + a) or _host(a) == host for a in allow
        )
    if kind == "handle" and not value.startswith("@"):
        return value in kb  # "WhatsApp" named by the KB itself
    return value in kb or value in allow


def _host(url: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/", 1)[0]
    return host.split("@")[-1].split(":")[0]


def _digits(text: str, least: int) -> bool:
    return len(re.sub(r"\D", "", text)) >= least
