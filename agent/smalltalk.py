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
from agent.intents import classify_intent
from agent.messages import ENGLISH, Messages
from agent.state import Extracted

SmallTalk = Literal["greeting", "thanks", "rejected", "promise"]
"""rejected: "that's not what I asked" with no new question in it; promise: a question about
something a person already promised (answered with their words, see agent/promises.py)."""

_THANKS = re.compile(
    r"^(?:ok(?:ay)?|thanks?|thank you|thx|ty|cheers|great|perfect|got it|cool|awesome|gracias|merci"
    r"|danke|obrigad[oa]|grazie)(?:[\s,]+(?:so much|a lot|very much|again|that helps|thanks))*[\s!.:)]*$",
    re.IGNORECASE,
)
_OTHER_SCRIPT = re.compile(r"[^\W\d_a-zA-ZÀ-ɏ]")
_GREETING = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|hola|buen[oa]s|bonjour|salut|hallo|"
    r"guten (?:morgen|tag|abend)|moin|servus|ol[aá]|oi|bom dia|boa (?:tarde|noite)|ciao|buongiorno)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\b(?:need|want|would like|help|can|could|please|how|what|where|when|why|which|looking for|"
    r"wondering|problem|issue|quiero|necesito|ayuda|je veux|besoin|aide|ich m[öo]chte|brauche|hilfe|"
    r"preciso|quero|ajuda)\b",
    re.IGNORECASE,
)
_PLEASANTRY = re.compile(
    r"\b(?:how are you(?: doing| today)?|how's it going|hope you(?:'re| are) (?:well|good)|tudo bem|"
    r"como vai|qu[eé] tal|c[oó]mo est[aá]s?|[çc]a va|comment allez[- ]vous|wie geht(?:'s| es)?(?: ihnen| dir)?)\s*[?!.,]*",
    re.IGNORECASE,
)
_ASKS = re.compile(
    r"\b(?:where|what|when|why|how|which|who|whats|wheres|not|no|never|isn't|hasn't|haven't|"
    r"didn't|doesn't|don't|can't|won't|dónde|qué|cuándo|où|quand|wo|wann|onde|quando)\b|n't\b",
    re.IGNORECASE,
)
_FILLER = content_words(
    "hi hello hey good morning afternoon evening hola buenos dias buenas bonjour salut hallo guten tag "
    "ola oi name order got received placed bought last week yesterday today there it's ordered "
    "hier ist bestellung pedido commande encomenda ordine aqui soy ich bin je suis sou "
    # "My email is ... and my order is ...": contact details given up front ask nothing yet
    "email mail phone number correo telefono numero es mi courriel telephone "
    "numero est mon ma adresse telefon telefonnummer nummer meine mein telefone meu minha"
)


def classify(text: str, found: Extracted) -> SmallTalk | None:
    """'thanks', 'greeting' (incl. 'Hi, it's Dana, order NW-10482'), or None for a real message."""
    stripped = text.strip()
    stripped = _PLEASANTRY.sub("", stripped).strip(" ,.!")  # "Oi, tudo bem?" asks nothing yet
    if not stripped or any(q in stripped for q in "?¿؟？") or _OTHER_SCRIPT.search(stripped):
        return None  # a question, or words our filler list cannot read
    if _THANKS.match(stripped):
        return "thanks"
    if _ASKS.search(stripped):
        return None  # "where is my order", "it's not there": a request without a "?"
    known = content_words(" ".join([*found.names, *found.order_ids, *found.emails, *found.phones]))
    rest = content_words(stripped) - _FILLER - known
    if not rest and len(stripped.split()) <= 14:
        return "greeting"
    # "Hi, I'm Rafael, I run the office at a design studio": an introduction, no request yet
    asks = bool(_REQUEST.search(stripped))
    introduces = (
        bool(_GREETING.match(stripped)) and bool(found.names or found.order_ids) and not asks
    )
    if introduces and len(stripped.split()) <= 25 and classify_intent(stripped) == "other":
        return "greeting"
    return None


def acknowledgement(
    kind: SmallTalk, name: str | None, new_orders: list[str], msgs: Messages | None = None
) -> str:
    """A reply that states nothing the knowledge base would have to ground."""
    say = msgs or Messages(ENGLISH)
    if kind == "thanks":
        return say.text("ack.thanks")
    if kind == "rejected":
        return say.text("ack.rejected")
    first = (name or "").split()
    parts = [say.text("ack.hello_named", name=first[0]) if first else say.text("ack.hello")]
    if new_orders:
        parts.append(say.text("ack.noted", orders=", ".join(new_orders)))
    return " ".join([*parts, say.text("ack.help")])
