"""How much a question hinges on one of its words, by the embedder.

A word the knowledge base never uses lowers the grounding gate's confidence
(:mod:`agent.term_weight`): "can I pay with bitcoin?" is about the one thing the KB does
not mention. But shoppers also use everyday words a KB never needs ("my dog slept on it
for a night, can I still return the bed?"): the question means nearly the same without
them. :func:`hinge` measures that: one minus the cosine of the question's embedding with
and without the word, scaled so that a word whose removal moves the question by
``HINGE_FULL`` or more counts in full. The shorter the question and the more the word
carries it, the more it counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[list[str]], list[list[float]]]

HINGE_FULL = 0.08
"""One minus the cosine of the question with and without a word, from which the word
counts in full (a short question about "bitcoin" moves by about 0.25; a shopper's story
word such as "slept" in a long question by about 0.03)."""


def without(question: str, word: str) -> str:
    """``question`` with every occurrence of ``word`` (a whole word, any case) taken out."""
    return " ".join(re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", " ", question).split())


def hinges(question: str, words: Sequence[str], embed: Embed) -> dict[str, float]:
    """Each word's weight in [0, 1]: how much ``question`` moves without it, over
    ``HINGE_FULL``. A word the question does not contain counts in full."""
    if not words:
        return {}
    texts = [question, *(without(question, w) for w in words)]
    vectors = np.asarray(embed(texts), dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    out = {}
    for word, text, row in zip(words, texts[1:], vectors[1:], strict=True):
        if text == " ".join(question.split()) or not text:
            out[word] = 1.0
            continue
        moved = 1.0 - float(row @ vectors[0])
        out[word] = round(max(0.0, min(1.0, moved / HINGE_FULL)), 4)
    return out
