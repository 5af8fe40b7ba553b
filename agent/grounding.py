"""The grounding gate: is every claim of a draft supported by a chunk it cites?

A question that names something the KB never mentions halves confidence
per such word (``unknown_terms``): "is the serum certified vegan?" quoted from
the serum's page is on topic and verbatim, but the KB cannot answer it.

Hard failures (confidence 0, the draft is never sent): the model says the
KB does not answer; a sentence cites nothing or cites a chunk that was not
retrieved; a sentence is not a faithful restatement of the chunks it cites
(:func:`agent.claim_check.check_claim`: a flipped negation or "only", a link,
contact, number or amount they do not give, a clause with words they lack).

Otherwise confidence is the weaker of two things, each in [0, 1]: how well
the claims are supported, and how well the cited chunks match the question
(0.6 relevance + 0.4 coverage). A verbatim quote of an off-topic chunk is
fully supported but does not answer; a paraphrase of the right chunk
matches the question but may drift from it. The signals:

- relevance: the best cited chunk's retrieval similarity, scaled between
  ``min_retrieval_score`` (0) and ``min_retrieval_score + 0.35`` (1);
- support: for the weakest sentence, the share of its content words found in
  the chunks it cites (1.0 for a verbatim quote);
- coverage: the share of the question's content words that the cited chunks
  contain (a question about "Antarctica" answered from a chunk that never
  names it scores low).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from pydantic import BaseModel, ConfigDict
from rapidfuzz import process
from rapidfuzz.distance import OSA

from agent.claim_check import check_claim
from agent.claims import STOPWORDS, content_words, unsupported_quantities
from agent.llm import Draft
from agent.triggers.sentiment import is_feeling
from knowledge.models import ScoredChunk
from knowledge.tokens import cl100k

TOPICAL_WEIGHTS = {"relevance": 0.6, "coverage": 0.4}
UNKNOWN_TERM_PENALTY = 0.5
"""Confidence is multiplied by this for each question word the KB never uses."""
# Words a shopper uses to ask, not to say what about: never "unknown".
_ASKING = frozenset(
    """anyone anything know tell want need like would could wondering question really actually
    also much many long well good sure okay maybe kind sort thing things something else still
    just ever even right send sent looking help able
""".split()
)
EVERYDAY_RANK = 15_000
_WORD = re.compile(r"[^\W\d_]{4,}")


class Verdict(BaseModel):
    """The gate's decision on one draft."""

    model_config = ConfigDict(extra="forbid")
    confidence: float
    passed: bool
    threshold: float
    relevance: float = 0.0
    support: float = 0.0
    coverage: float = 0.0
    unknown_terms: list[str] = []
    """Question words that appear nowhere in the knowledge base."""
    problems: list[str] = []
    """Why confidence is what it is, most serious first."""


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _hard_problems(draft: Draft, by_id: dict[str, ScoredChunk], claims: bool = True) -> list[str]:
    if not draft.answerable or not draft.sentences:
        why = f": {draft.note}" if draft.note else ""
        return [f"the draft says the knowledge base does not answer this{why}"]
    problems = []
    for claim in draft.sentences:
        cited = [by_id[c] for c in claim.citations if c in by_id]
        unknown = [c for c in claim.citations if c not in by_id]
        if unknown:
            problems.append(f"cites chunks that were not retrieved: {', '.join(unknown)}")
        if not cited:
            problems.append(f"sentence cites no retrieved chunk: {claim.text[:80]!r}")
            continue
        sources = [c.chunk.embed_text for c in cited]
        if claims:
            problems += [f"{claim.text[:80]!r} {why}" for why in check_claim(claim.text, sources)]
            continue
        for value, unit in unsupported_quantities(claim.text, sources):  # the word gate only
            shown = f"{value:g}{' ' + unit if unit else ''}"
            problems.append(f"states {shown} which no cited chunk contains: {claim.text[:80]!r}")
    return problems


def shopper_words(parts: list[str]) -> set[str]:
    """The words of the shopper's own names, emails and order ids: never KB vocabulary."""
    return {w.lower() for p in parts for w in p.replace("@", " ").replace(".", " ").split()}


def unknown_terms(
    question: str, vocabulary: frozenset[str], ignore: AbstractSet[str] = frozenset()
) -> list[str]:
    """Words of the question the KB never uses (typos of KB words are forgiven)."""
    unknown = []
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(question)):
        if (
            word in STOPWORDS
            or word in _ASKING
            or word in ignore
            or _everyday(word)
            or is_feeling(word)
        ):
            continue
        if _known(word, vocabulary):
            continue
        unknown.append(word)
    return unknown


def _everyday(word: str) -> bool:
    """A word so common in English ("across", "weekend") that its absence from the KB means nothing.

    cl100k's byte-pair ranks follow corpus frequency: a word that is one token
    ranked under ``EVERYDAY_RANK`` is everyday; "vegan" (30249) and
    "antarctica" (three tokens) are not.
    """
    tokens = cl100k().encode(" " + word)
    return len(tokens) == 1 and tokens[0] < EVERYDAY_RANK


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    variants = {
        word,
        word + "s",
        word + "es",
        word.rstrip("s"),
        word.removesuffix("es"),
        word.removesuffix("ing"),
        word.removesuffix("ed"),
    }
    if variants & vocabulary:
        return True
    if len(word) < 6:
        return False  # short words sit too close together: "guam" is not "gum"
    # one typing mistake (a swap counts as one), two in a long word
    cutoff = 1 if len(word) < 9 else 2
    return (
        process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=cutoff) is not None
    )


def verify(
    draft: Draft,
    question: str,
    retrieved: list[ScoredChunk],
    threshold: float,
    min_score: float,
    unknown: list[str] | None = None,
    claims: bool = True,
) -> Verdict:
    """Score ``draft`` against what was retrieved; ``passed`` means it may be sent.

    ``unknown`` lists question words the KB never uses (see :func:`unknown_terms`);
    ``claims=False`` checks only numbers, not claims (the gate before claim checks,
    kept so the adversary report can compare the two).
    """
    by_id = {sc.chunk.id: sc for sc in retrieved}
    hard = _hard_problems(draft, by_id, claims)
    if hard:
        return Verdict(confidence=0.0, passed=False, threshold=threshold, problems=hard)
    cited_ids = {c for claim in draft.sentences for c in claim.citations}
    cited = [by_id[c] for c in cited_ids]
    relevance = _clamp((max(sc.score for sc in cited) - min_score) / 0.35)
    support = min(
        _support(claim.text, [by_id[c] for c in claim.citations if c in by_id])
        for claim in draft.sentences
    )
    cited_words = set().union(*(content_words(sc.chunk.embed_text) for sc in cited))
    asked = content_words(question)
    coverage = len(asked & cited_words) / len(asked) if asked else 1.0
    topical = TOPICAL_WEIGHTS["relevance"] * relevance + TOPICAL_WEIGHTS["coverage"] * coverage
    unknown = unknown or []
    confidence = round(min(support, topical) * UNKNOWN_TERM_PENALTY ** len(unknown), 4)
    problems = [
        f"the question mentions {w!r}, which the knowledge base never mentions" for w in unknown
    ]
    problems += [
        f"{name} is low ({value:.2f})"
        for name, value in (("relevance", relevance), ("support", support), ("coverage", coverage))
        if value < 0.5
    ]
    return Verdict(
        confidence=confidence,
        passed=confidence >= threshold,
        threshold=threshold,
        relevance=round(relevance, 4),
        support=round(support, 4),
        coverage=round(coverage, 4),
        unknown_terms=unknown,
        problems=problems,
    )


def _support(sentence: str, cited: list[ScoredChunk]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    available = set().union(*(content_words(sc.chunk.embed_text) for sc in cited))
    return len(words & available) / len(words)
