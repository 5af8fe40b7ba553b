"""verify: the grounding gate; a draft below the threshold is never sent."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.grounding import shopper_words, unknown_terms
from agent.grounding import verify as check
from agent.llm import Draft
from agent.nodes.retrieve import question_of
from agent.state import ConversationState, TriggerHit
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


def verify(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Score the draft; when it fails, add a low_confidence trigger with the gate's reasons."""
    settings = runtime.context.settings
    vertical = state.get("vertical") or settings.vertical
    question = question_of(state)
    verdict = check(
        Draft(**state.get("draft", {"answerable": False, "sentences": []})),
        question,
        [ScoredChunk(**c) for c in state.get("retrieved", [])],
        settings.grounding.threshold_for(vertical),
        settings.grounding.min_retrieval_score,
        _unknown(question, state, runtime.context),
    )
    update: dict = {"verdict": verdict.model_dump()}
    if not verdict.passed:
        problems = [*state.get("notes", []), *verdict.problems]
        hit = TriggerHit(
            kind="low_confidence",
            reason=f"grounding confidence {verdict.confidence:.2f} below {verdict.threshold:.2f}",
            evidence="; ".join(problems)[:500],
            score=verdict.confidence,
        )
        update["triggers"] = [*state.get("triggers", []), hit.model_dump()]
    return update
