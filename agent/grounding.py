"""The grounding gate: is every claim of a draft supported by a chunk it cites?

Hard failures (confidence 0, the draft is never sent): the model says the
KB does not answer; a sentence cites nothing or cites a chunk that was not
retrieved; a sentence states a number, price, duration or percentage that
none of its cited chunks states.

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

from pydantic import BaseModel, ConfigDict

from agent.claims import content_words, unsupported_quantities
from agent.llm import Draft
from knowledge.models import ScoredChunk

TOPICAL_WEIGHTS = {"relevance": 0.6, "coverage": 0.4}


class Verdict(BaseModel):
    """The gate's decision on one draft."""

    model_config = ConfigDict(extra="forbid")
    confidence: float
    passed: bool
    threshold: float
    relevance: float = 0.0
    support: float = 0.0
    coverage: float = 0.0
    problems: list[str] = []
    """Why confidence is what it is, most serious first."""


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _hard_problems(draft: Draft, by_id: dict[str, ScoredChunk]) -> list[str]:
    if not draft.answerable or not draft.sentences:
        return ["the draft says the knowledge base does not answer this"]
    problems = []
    for claim in draft.sentences:
        cited = [by_id[c] for c in claim.citations if c in by_id]
        unknown = [c for c in claim.citations if c not in by_id]
        if unknown:
            problems.append(f"cites chunks that were not retrieved: {', '.join(unknown)}")
        if not cited:
            problems.append(f"sentence cites no retrieved chunk: {claim.text[:80]!r}")
            continue
        for value, unit in unsupported_quantities(claim.text, [c.chunk.text for c in cited]):
            shown = f"{value:g}{' ' + unit if unit else ''}"
            problems.append(f"states {shown} which no cited chunk contains: {claim.text[:80]!r}")
    return problems


def verify(
    draft: Draft, question: str, retrieved: list[ScoredChunk], threshold: float, min_score: float
) -> Verdict:
    """Score ``draft`` against what was retrieved; ``passed`` means it may be sent."""
    by_id = {sc.chunk.id: sc for sc in retrieved}
    hard = _hard_problems(draft, by_id)
    if hard:
        return Verdict(confidence=0.0, passed=False, threshold=threshold, problems=hard)
    cited_ids = {c for claim in draft.sentences for c in claim.citations}
    cited = [by_id[c] for c in cited_ids]
    relevance = _clamp((max(sc.score for sc in cited) - min_score) / 0.35)
    support = min(_support(claim.text, [by_id[c] for c in claim.citations if c in by_id]) for claim in draft.sentences)
    cited_words = set().union(*(content_words(sc.chunk.embed_text) for sc in cited))
    asked = content_words(question)
    coverage = len(asked & cited_words) / len(asked) if asked else 1.0
    topical = TOPICAL_WEIGHTS["relevance"] * relevance + TOPICAL_WEIGHTS["coverage"] * coverage
    confidence = round(min(support, topical), 4)
    problems = [
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
        problems=problems,
    )


def _support(sentence: str, cited: list[ScoredChunk]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    available = set().union(*(content_words(sc.chunk.embed_text) for sc in cited))
    return len(words & available) / len(words)
