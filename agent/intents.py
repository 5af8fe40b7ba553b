"""What the shopper's message is about: a closed label set and a keyword scorer.

Deterministic regex scoring on the folded, flat text (accents stripped, so
"dónde está mi pedido" and "donde esta mi pedido" score alike), light
coverage of Spanish, French, German and Portuguese. Each intent sums the
weights of its patterns that match; the highest sum wins, ties go to the
intent listed first in ``_PATTERNS`` (the more specific and urgent one), and no
match at all is "other".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

Intent = Literal[
    "shipping",
    "returns",
    "refund",
    "order_status",
    "order_problem",
    "sizing",
    "product",
    "warranty",
    "billing",
    "account",
    "technical",
    "purchase",
    "complaint",
    "human",
    "other",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]

# Patterns by weight per intent, most specific intents first (the tie-break order).
# Patterns run on the flat text, so "won't" is "won t".
_PATTERNS: dict[str, dict[int, list[str]]] = {
    "order_problem": {
        # a late or stuck delivery outweighs the "tracking" words that come with it
        4: [
            r"(?:got|received|sent me|was sent|came with) (?:someone|somebody) else s|(?:got|received|sent me|came with) (?:[a-z]+ ){0,4}instead(?: of)?|not what i ordered",
            r"(?:hasn t|has not|haven t|still hasn t|still not) (?:arrived|come|moved|shipped|updated)|(?:was|were) supposed to (?:arrive|come|be here)|(?:package|parcel|order|delivery|it) is (?:late|delayed|overdue)|(?:is|are) (?:running )?late|delayed|overdue|stuck in transit",
        ],
        2: [
            r"damaged|broken|defective|faulty|cracked|torn|ripped|stained|shattered|dented",
            r"wrong (?:item|size|colou?r|product|order|one|thing)|missing (?:item|items|part|parts|piece|pieces)|(?:item|part|piece)s? (?:is |are )?missing",
            r"(?:doesn t|does not|don t|stopped|isn t) work(?:ing)?|never (?:arrived|came|showed up)|(?:didn t|did not) (?:arrive|come)|lost (?:package|parcel|order)",
            r"danad[oa]|rot[oa]|equivocad[oa]|defectuos[oa]|endommage|casse|defectueux|beschadigt|kaputt|defekt|danificad[oa]|quebrad[oa]|errad[oa]|defeituos[oa]",
        ],
    },
    "billing": {
        3: [
            r"charged (?:me )?(?:twice|double|two times|again|too much)|double charged|overcharged|charged for",
        ],
        1: [
            r"invoice|receipt|payment|billing|bill|charges?|vat|tax(?:es)?|credit card|debit card|paypal",
            r"factura|cobro|facture|paiement|rechnung|zahlung|fatura|cobranca|pagamento",
        ],
    },
    "refund": {
        2: [
            r"refund(?:s|ed)?|money back|reimburse(?:ment)?|reembolso|rembourse(?:ment)?|ruckerstattung|erstattung|geld zuruck|estorno",
        ],
    },
    "order_status": {
        3: [
            r"where (?:is|s) my (?:order|package|parcel|delivery|stuff)|order status|status of my order|track(?:ing)?(?: number| my order)?",
            r"cancel(?:l?ing|lation)?(?: of)? (?:my |the |this |an |our )?(?:order|purchase)|(?:change|modify|update|edit) (?:my |the |this )?order",
            r"donde esta mi (?:pedido|paquete)|ou est (?:ma commande|mon colis)|suivi de commande|wo ist meine (?:bestellung|lieferung)|sendungsverfolgung|onde esta (?:o )?meu pedido|rastreio|rastreamento",
        ],
        2: [
            r"(?:has|did) (?:it|my order) (?:ship|shipped)|when will (?:it|my order|my package|my parcel) (?:arrive|ship|come|be delivered)|(?:hasn t|has not|not) (?:arrived|shipped) yet",
        ],
    },
    "returns": {
        # sending a bought item back is the request, the refund what follows from it:
        # "can I return the lamp? I want my money back" goes to the team that takes returns
        3: [
            r"(?:return|send back|exchange) (?:the|my|this|that|these|those|both|all|it|them)",
            r"devolver (?:el|la|los|las|mi|mis)|retourner (?:le|la|les|mon|ma|mes)|(?:zuruckschicken|zuruckgeben)|devolver (?:o|a|os|as|meu|minha)",
        ],
        2: [
            r"returns?|returning|send (?:it|them|this|these) back|exchange|devolucion|devolver|retour|retourner|rucksendung|zuruckschicken|umtausch|devolucao|troca",
        ],
    },
    "technical": {
        3: [
            r"won t (?:turn on|charge|connect|pair|work|start|boot)|(?:doesn t|does not|will not) (?:turn on|charge|connect|pair)|not charging",
        ],
        2: [
            r"no (?:se )?enciende|ne s allume pas|lasst sich nicht|nao liga|aplicacion|fehlermeldung",
        ],
        1: [
            r"turn on|power on|pair(?:ing)?|bluetooth|wi ?fi|app|firmware|update|set ?up|install(?:ation)?|error(?: code)?|reset|connect(?:ion|ing)?|reboot|sync",
        ],
    },
    "warranty": {
        2: [
            r"warrant(?:y|ies)|guarantee|garantia|garantie",
        ],
    },
    "account": {
        2: [
            r"account|password|log ?in|sign ?in|login|username|email address|profile|cuenta|contrasena|compte|mot de passe|konto|passwort|conta|senha",
        ],
    },
    "shipping": {
        2: [
            r"shipping|ship (?:to|internationally|overseas|abroad|outside)|deliver(?:y|ies)? (?:time|times|cost|costs|fee|options?|to)|do you (?:ship|deliver)|express|courier|postage|envios?|livraison|versand|lieferung|frete|entrega",
        ],
    },
    "sizing": {
        2: [
            r"sizes?|sizing|fit|fits|fitting|too (?:small|big|large|tight|loose|short|long)|measurements?|size chart|runs? (?:small|large|big)|talla|taille|grosse|tamanho",
        ],
    },
    "purchase": {
        2: [
            r"buy(?:ing)?|purchas(?:e|ing)|bulk|wholesale|quote|units|corporate|b2b|order (?:\d+ (?:units|pieces|of)|more|several)|comprar|acheter|kaufen|en gros|al por mayor|atacado",
        ],
    },
    "product": {
        1: [
            r"in stock|available|availability|colou?rs?|material|made of|ingredients?|does (?:it|this) (?:come|have|contain)|compatible|dimensions|how big|weight|disponible|verfugbar|disponivel|stock",
        ],
    },
    "complaint": {
        2: [
            r"complain(?:t|ing)?|terrible|awful|worst|horrible|unacceptable|ridiculous|disappointed|rude|poor service|bad service|queja|reclamacion|plainte|beschwerde|reclamacao",
        ],
    },
    "human": {
        1: [
            r"human|real person|agent|representative|operator|persona|humano|conseiller|mitarbeiter|atendente",
        ],
    },
}


@cache
def _compiled() -> tuple[tuple[str, tuple[tuple[re.Pattern[str], int], ...]], ...]:
    return tuple(
        (intent, tuple((re.compile(rf"\b(?:{p})\b"), w) for w, ps in weighted.items() for p in ps))
        for intent, weighted in _PATTERNS.items()
    )


def classify_intent(text: str) -> Intent:
    """The intent with the highest keyword score, or "other" when nothing matches."""
    # Imported here: agent.triggers imports this module for its Intent type.
    from agent.triggers.text import flat

    line = flat(text)
    if not line:
        return "other"
    best, best_score = "other", 0
    for intent, patterns in _compiled():
        total = sum(weight for pattern, weight in patterns if pattern.search(line))
        if total > best_score:
            best, best_score = intent, total
    return best  # type: ignore[return-value]
