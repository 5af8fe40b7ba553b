"""Links, email addresses and phone numbers in text, normalised so two texts can be compared.

"Go to https://www.Evil.com/claim." gives "evil.com/claim"; "+1 (800) 555-0199"
gives "18005550199". Prices, ranges and order numbers ("$5.95", "5-7",
"NW-10482") are not phone numbers.
"""

from __future__ import annotations

import re

_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|shop|store|info|biz|ly|me|us|uk|app|link|xyz|top|site|online|example)\b(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d\s().-]{6,}\d(?![\w-])")


def contacts(text: str) -> set[str]:
    """Links, email addresses and phone numbers, normalised for comparison."""
    emails = {e.lower() for e in _EMAIL.findall(text)}
    rest = _EMAIL.sub(" ", text)
    urls = {
        re.sub(r"^(?:https?://)?(?:www\.)?", "", u.lower()).rstrip("./,;:!?")
        for u in _URL.findall(rest)
    }
    phones = {re.sub(r"\D", "", p) for p in _PHONE.findall(rest)}
    return emails | urls | {p for p in phones if len(p) >= 7}


def without_contacts(text: str) -> str:
    """``text`` with its links and email addresses blanked out."""
    return _EMAIL.sub(" ", _URL.sub(" ", text))
