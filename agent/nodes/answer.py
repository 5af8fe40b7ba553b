"""answer: a draft that uses only the retrieved chunks, sentence by sentence with citations."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import LLMError
from agent.nodes.retrieve import question_of
from agent.state import ConversationState
from knowledge.models import ScoredChunk

log = logging.getLogger(__name__)


def answer(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Ask the model for a cited draft; a failing model yields an empty draft (so a handoff)."""
    chunks = [ScoredChunk(**c) for c in state.get("retrieved", [])]
    history = [f"{t['role']}: {t['text']}" for t in state.get("transcript", [])[:-1]]
    try:
        language = state.get("language") or runtime.context.settings.language.default
        draft = runtime.context.llm.draft_answer(question_of(state), chunks, history, language)
    except LLMError as exc:
        log.error("drafting failed, the turn will be handed off: %s", exc)
        return {
            "draft": {"answerable": False, "sentences": []},
            "notes": [*state.get("notes", []), f"model unavailable: {exc}"],
        }
    return {"draft": draft.model_dump()}
