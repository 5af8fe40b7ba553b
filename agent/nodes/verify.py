"""verify: the grounding gate; a draft below the threshold is never sent."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.grounding import verify as check
from agent.llm import Draft
from agent.nodes.retrieve import question_of
from agent.state import ConversationState, TriggerHit
from knowledge.models import ScoredChunk


def verify(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Score the draft; when it fails, add a low_confidence trigger with the gate's reasons."""
    settings = runtime.context.settings
    vertical = state.get("vertical") or settings.vertical
    verdict = check(
        Draft(**state.get("draft", {"answerable": False, "sentences": []})),
        question_of(state),
        [ScoredChunk(**c) for c in state.get("retrieved", [])],
        settings.grounding.threshold_for(vertical),
        settings.grounding.min_retrieval_score,
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
