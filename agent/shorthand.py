"""Chat shorthand written out before the question is matched against the knowledge base.

Shoppers type "do u ship to canada", "whats ur return addr", "pls cancel my pkg asap". A
knowledge base writes "you", "your address", "package": the shorthand matches none of its
words, counts against the draft's coverage and reads as a word the KB never uses. The table
is English chat and texting shorthand (the abbreviations support teams see every day), not
taken from any eval case; it is applied to English messages only ("u" is a word in Spanish).

Only what is matched changes (retrieval, the draft, the grounding gate): the transcript and
the handoff keep the shopper's own words.
"""

from __future__ import annotations

import re

__all__ = ["SHORTHAND", "expand"]

SHORTHAND: dict[str, str] = {
    # pronouns and small words
    "u": "you", "ur": "your", "urs": "yours", "r": "are", "ya": "you",
    "b4": "before", "bc": "because", "bcuz": "because", "cuz": "because", "coz": "because",
    "w/": "with", "w/o": "without", "abt": "about", "tho": "though", "thru": "through",
    "pls": "please", "plz": "please", "thx": "thanks", "thnx": "thanks", "tks": "thanks",
    "ty": "thank you", "wanna": "want to", "gonna": "going to", "gotta": "have to",
    "lemme": "let me", "dunno": "do not know", "idk": "I do not know", "rn": "right now",
    "asap": "as soon as possible", "atm": "at the moment", "nvm": "never mind",
    "ppl": "people", "sth": "something", "smth": "something", "diff": "different",
    # time
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2day": "today",
    "2morrow": "tomorrow", "tonite": "tonight", "hr": "hour", "hrs": "hours", "mins": "minutes", "wk": "week", "wks": "weeks", "wknd": "weekend", "mo": "month",
    "mos": "months", "yrs": "years",
    # shop words
    "pkg": "package", "pkgs": "packages", "addr": "address", "addy": "address",
    "acct": "account", "qty": "quantity", "amt": "amount",
    "approx": "approximately", "msg": "message", "pic": "picture", "pics": "pictures",
    "intl": "international", "xchange": "exchange", "exch": "exchange", "recd": "received",
    "rcvd": "received", "delivry": "delivery", "shippin": "shipping",
}  # fmt: skip
_LOWER_ONLY = frozenset({"u", "r", "ya", "mo", "ty", "diff", "pic"})
"""Short forms that are also a letter, a name or a word in capitals ("size U", "MIN")."""
_WORD = re.compile(
    r"(?<![\w'’./-])("
    + "|".join(re.escape(k) for k in sorted(SHORTHAND, key=len, reverse=True))
    + r")(?![\w'’/-]|\.\w)",
    re.IGNORECASE,
)


def expand(text: str, language: str | None = "en") -> str:
    """``text`` with chat shorthand written out ("do u ship to canada" -> "do you ship to
    canada"); unchanged unless ``language`` is English (or unknown)."""
    if language not in (None, "", "en"):
        return text

    def written(m: re.Match[str]) -> str:
        word = m.group(1)
        if word.lower() in _LOWER_ONLY and word != word.lower():
            return word
        return SHORTHAND[word.lower()]

    return _WORD.sub(written, text)
