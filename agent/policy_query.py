"""A policy question that names a product, looked up without the product's name.

"Can I return the Merino Crew if it doesn't fit?" asks the returns policy, but the
product's name dominates the question's embedding and retrieval brings back the
product's own page (its care notes, its sizes), which says nothing about returns.
:func:`without_product` gives the question with the name of a product the first search
found taken out ("Can I return the if it doesn't fit?"); the retrieve node searches that
too and merges what both find (a chunk keeps its best score), so the product's page
still answers "does the Merino Crew shrink?" and the policy answers the return.

A name is the words of a retrieved page's title that the question uses, when the rest
of the question asks about something the title does not name: "what is your return
policy?" beside a page titled "Returns policy" names nothing else, and keeps its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.claim_check import stem
from agent.claims import STOPWORDS
from knowledge.models import ScoredChunk

TOP_PAGES = 3
"""The first results whose titles may name the product asked about."""
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Words that ask without saying about what: never the rest of a question.
_ASKING = frozenset(
    """can could do does did is are was were will would should may might must have has had
    what whats how where when which who why any get got still already just really also
    want need like know tell please thanks hi hello hey okay ok""".split()
)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def _asks_about(word: str) -> bool:
    return word not in STOPWORDS and word not in _ASKING and len(word) > 2


def without_product(question: str, found: Sequence[ScoredChunk]) -> list[str]:
    """``question`` without the words that name a page among the first results, once per
    such page, when the rest of it asks about something the title does not name; empty
    when no page is named that way. Each page is taken out on its own: which of "Returns
    policy" and "Merino Crew Sweater" is the product is for retrieval to tell."""
    words = [w.lower() for w in _WORD.findall(question)]
    asks = {stem(w) for w in words if _asks_about(w)}
    titles = list(dict.fromkeys(sc.chunk.title for sc in found))[:TOP_PAGES]
    queries = []
    for title in titles:
        named = asks & _stems(title)
        if not named or not asks - named:
            continue
        queries.append(_strip(question, named))
    return list(dict.fromkeys(queries))


def _strip(question: str, named: set[str]) -> str:
    """``question`` without its words whose stems are ``named``."""
    kept = re.sub(
        _WORD, lambda m: "" if stem(m.group(0).lower()) in named else m.group(0), question
    )
    return " ".join(kept.split())
