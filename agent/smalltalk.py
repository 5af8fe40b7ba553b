"""Messages that ask nothing yet: a greeting, an introduction, a thank-you.

They get a short acknowledgement instead of a knowledge-base answer (there
is nothing to ground) or a handoff (there is nothing to hand off). The test is
narrow on purpose: anything with a question mark or a word of substance
beyond greetings, names and order references goes down the normal path.
"""

from __future__ import annotations

import re
from typing import Literal

from agent.claims import content_words
from agent.state import Extracted

SmallTalk = Literal["greeting", "thanks"]

_THANKS = re.compile(
    r"^(?:ok(?:ay)?|thanks?|thank you|thx|ty|cheers|great|perfect|got it|cool|awesome|gracias|merci"
    r"|danke|obrigad[oa]|grazie)(?:[\s,]+(?:so much|a lot|very much|again|that helps|thanks))*[\s!.:)]*$",
    re.IGNORECASE,
)
_OTHER_SCRIPT = re.compile(r"[^\W\d_a-zA-ZÀ-ɏ]")
_FILLER = content_words(
    "hi hello hey good morning afternoon evening hola buenos dias buenas bonjour salut hallo guten tag "
    "ola oi name order got received placed bought last week yesterday today there it's ordered"
)


def classify(text: str, found: Extracted) -> SmallTalk | None:
    """'thanks', 'greeting' (incl. 'Hi, it's Dana, order NW-10482'), or None for a real message."""
    stripped = text.strip()
    if not stripped or any(q in stripped for q in "?¿؟？") or _OTHER_SCRIPT.search(stripped):
        return None  # a question, or words our filler list cannot read
    if _THANKS.match(stripped):
        return "thanks"
    known = content_words(" ".join([*found.names, *found.order_ids, *found.emails, *found.phones]))
    rest = content_words(stripped) - _FILLER - known
    return "greeting" if not rest and len(stripped.split()) <= 14 else None


def acknowledgement(kind: SmallTalk, name: str | None, new_orders: list[str]) -> str:
    """A reply that states nothing the knowledge base would have to ground."""
    if kind == "thanks":
        return "You're welcome! Is there anything else I can help you with?"
    hello = f"Hi {name.split()[0]}!" if name else "Hi!"
    noted = f" I've noted order {', '.join(new_orders)}." if new_orders else ""
    return f"{hello}{noted} What can I help you with?"
