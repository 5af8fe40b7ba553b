"""Text normalisation shared by every trigger: one folding, so packs are written once.

``fold`` keeps punctuation (sensitive packs and amounts need ``$``, ``-``, ``'``);
``flat`` keeps only words separated by single spaces (phrase and typo matching).
Both strip accents, casefold, drop control and bidi/format characters, and
collapse whitespace, so "Parler à un CONSEILLER" and "parler a un conseiller"
are the same text to every rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Accent-folded, casefolded text with punctuation kept and whitespace collapsed."""
    kept = []
    for ch in unicodedata.normalize("NFKD", text):
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue  # the accent of a decomposed letter: "é" -> "e"
        if cat == "Cf":
            continue  # bidi marks, zero-width spaces, soft hyphens: invisible inside words
        # Control, surrogate and private-use characters and line separators end a word.
        kept.append(" " if cat[0] == "C" or cat in ("Zl", "Zp") else ch)
    folded = unicodedata.normalize("NFKC", "".join(kept)).casefold()
    folded = _DASHES.sub("-", folded.translate(_APOSTROPHES))
    return _SPACES.sub(" ", folded).strip()


def words(text: str) -> list[str]:
    """The words of already-folded text; apostrophes and hyphens split words."""
    return _WORD.findall(text)


def flat(text: str) -> str:
    """Folded words joined by single spaces: "Can't  find it!" -> "can t find it"."""
    return " ".join(words(fold(text)))


@dataclass(frozen=True)
class Text:
    """One message in the forms the triggers match on, computed once."""

    raw: str

    @cached_property
    def folded(self) -> str:
        return fold(self.raw)

    @cached_property
    def words(self) -> list[str]:
        return words(self.folded)

    @cached_property
    def flat(self) -> str:
        return " ".join(self.words)
