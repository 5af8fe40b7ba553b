"""triggers: every reason to hand off now, with its evidence."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.state import ConversationState, Customer, Turn
from agent.triggers import TriggerContext, detect


def triggers(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Run the trigger rules on the latest message; count rejected answers."""
    settings = runtime.context.settings
    transcript = [Turn(**t) for t in state.get("transcript", [])]
    result = detect(
        TriggerContext(
            message=state.get("incoming", ""),
            action=state.get("action", "message"),
            history=transcript[:-1],
            customer=Customer(**state.get("customer", {})),
            vertical=state.get("vertical") or settings.vertical,
            failed_answers=state.get("failed_answers", 0),
            language=state.get("language") or settings.language.default,
        ),
        settings.triggers,
    )
    return {
        "triggers": [h.model_dump() for h in result.hits],
        "sentiment": result.sentiment.model_dump(),
        "intent": result.intent,
        "topics": result.topics,
        "failed_answers": state.get("failed_answers", 0) + 1 if result.answer_rejected else 0,
        # "that's not what I asked" with no new question: ask again rather than guess or hand off
        "small_talk": "rejected"
        if result.answer_rejected and not _asks(state.get("incoming", ""))
        else state.get("small_talk"),
    }


def _asks(text: str) -> bool:
    return any(q in text for q in "?¿؟？") or len(text.split()) > 12
