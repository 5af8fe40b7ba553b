"""verify: the grounding gate; a draft below the threshold is never sent."""

from __future__ import annotations

from collections.abc import Callable

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.grounding import Embed, Verdict, shopper_words, unknown_terms
from agent.grounding import verify as check
from agent.llm import Draft
from agent.nodes.retrieve import matched_question
from agent.offline import SentenceVectors
from agent.state import ConversationState, TriggerHit, Turn
from knowledge.models import ScoredChunk


def _shopper_words(state: ConversationState) -> set[str]:
    """The shopper's own names, emails and order ids are not KB vocabulary."""
    found = state.get("extracted", {})
    customer = state.get("customer", {})
    parts = [
        *found.get("names", []),
        *found.get("emails", []),
        *found.get("order_ids", []),
        customer.get("name") or "",
    ]
    return shopper_words(parts)


def _unknown(question: str, state: ConversationState, ctx: Context) -> list[str]:
    try:
        vocabulary = ctx.retriever.vocabulary()
    except KnowledgeError:
        return []  # the store is down: retrieval found nothing, so the gate fails anyway
    return unknown_terms(question, vocabulary, _shopper_words(state))


def _embedder(ctx: Context) -> Embed | None:
    """Unit vectors for the question and the quote: the offline backend's cached sentence
    vectors (it embedded both while ranking), else the knowledge base's embedder."""
    vectors = getattr(ctx.llm, "embed", None)
    if isinstance(vectors, SentenceVectors):
        return vectors
    embedder = getattr(ctx.retriever, "embedder", None)
    return embedder.embed if embedder is not None else None


def gate(
    state: ConversationState, ctx: Context, unknown: list[str] | None = None
) -> Callable[[Draft], Verdict]:
    """The gate for this turn's question: the final verdict on the draft, and the verdict on
    each streamed prefix of it (see answer), come from this one function."""
    settings = ctx.settings
    vertical = state.get("vertical") or settings.vertical
    question = matched_question(state)
    retrieved = [ScoredChunk(**c) for c in state.get("retrieved", [])]
    words = _unknown(question, state, ctx) if unknown is None else unknown

    embed = _embedder(ctx)

    def judge(draft: Draft) -> Verdict:
        return check(
            draft,
            question,
            retrieved,
            settings.grounding.threshold_for(vertical),
            settings.grounding.min_retrieval_score,
            words,
            embed=embed,
        )

    return judge


def verify(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Score the draft; when it fails, add a low_confidence trigger with the gate's reasons.

    Sentences already streamed to the shopper (``streamed``) stay in the transcript when the
    rest of the draft fails: the person taking over sees what the shopper was shown.
    """
    draft = Draft(**state.get("draft", {"answerable": False, "sentences": []}))
    verdict = gate(state, runtime.context)(draft)
    update: dict = {"verdict": verdict.model_dump()}
    if not verdict.passed:
        problems = [*state.get("notes", []), *verdict.problems]
        shown = state.get("streamed") or []
        if shown:
            problems.insert(
                0, f"{len(shown)} sentence(s) streamed before the gate refused the rest"
            )
            text = " ".join(shown)
            now = runtime.context.now()
            update["transcript"] = [Turn(role="bot", text=text, at=now).model_dump()]
        why = f" ({verdict.declined_by} check)" if verdict.declined_by else ""
        hit = TriggerHit(
            kind="low_confidence",
            reason=f"grounding confidence {verdict.confidence:.2f} below "
            f"{verdict.threshold:.2f}{why}",
            evidence="; ".join(problems)[:500],
            score=verdict.confidence,
        )
        update["triggers"] = [*state.get("triggers", []), hit.model_dump()]
    return update
