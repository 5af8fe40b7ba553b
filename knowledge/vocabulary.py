"""The words a knowledge base uses: lets the grounding gate notice a question about
something the KB never mentions ("vegan", "Antarctica")."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z][a-z0-9]+")


def words_of(text: str) -> set[str]:
    """Lower-cased, accent-folded words of two letters or more."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return set(_WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch))))
