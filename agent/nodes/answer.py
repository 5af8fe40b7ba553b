"""answer: a draft that uses only the retrieved chunks, sentence by sentence with citations.

When the runtime streams the turn (``EscalationAgent.stream``) and the model can stream,
each sentence is judged the moment it is complete, by the same gate as verify (on the
sentences so far), and written to the turn's stream only if the gate passes them. A draft
the gate can no longer pass stops the model there; verify then judges the same sentences.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import LLMError
from agent.grounding import hopeless
from agent.llm import Draft
from agent.nodes.retrieve import matched_question
from agent.nodes.verify import gate
from agent.state import ConversationState
from knowledge.models import ScoredChunk

if TYPE_CHECKING:
    from agent.draft_stream import DraftStream

log = logging.getLogger(__name__)
STREAM_KEY = "stream_answer"
"""``config["configurable"][STREAM_KEY]``: when the runtime streams this turn, the callable
that takes each passed sentence (``{"sentence", "citations"}``), called in the node's thread."""


def answer(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Ask the model for a cited draft; a failing model yields an empty draft (so a handoff)."""
    chunks = [ScoredChunk(**c) for c in state.get("retrieved", [])]
    history = [f"{t['role']}: {t['text']}" for t in state.get("transcript", [])[:-1]]
    llm = runtime.context.llm
    streams = getattr(llm, "stream_answer", None)
    write = get_config().get("configurable", {}).get(STREAM_KEY) if streams is not None else None
    try:
        language = state.get("language") or runtime.context.settings.language.default
        if streams is not None and callable(write):
            stream = streams(matched_question(state), chunks, history, language)
            return _streamed(state, runtime, stream, write)
        draft = llm.draft_answer(matched_question(state), chunks, history, language)
    except LLMError as exc:
        log.error("drafting failed, the turn will be handed off: %s", exc)
        return {
            "draft": {"answerable": False, "sentences": []},
            "notes": [*state.get("notes", []), f"model unavailable: {exc}"],
        }
    return {"draft": draft.model_dump()}


def _streamed(
    state: ConversationState,
    runtime: Runtime[Context],
    stream: DraftStream,
    write: Callable[[dict[str, Any]], None],
) -> dict:
    """Read the model's draft claim by claim; write each to the stream once the gate passes
    the draft so far; stop reading when no later sentence could make it pass."""
    judge = gate(state, runtime.context)
    sent: list[str] = []
    update: dict = {}
    try:
        for _claim in stream:
            if stream.answerable is not True:  # not yet said, or said it cannot answer
                continue
            so_far = Draft(answerable=True, sentences=list(stream.claims))
            verdict = judge(so_far)
            if verdict.passed:
                for claim in stream.claims[len(sent) :]:
                    write({"sentence": claim.text, "citations": claim.citations})
                    sent.append(claim.text)
            elif hopeless(verdict):
                stream.close()
                log.warning("the draft failed the gate at sentence %d", len(stream.claims))
                update["draft"] = so_far.model_dump()
                break
        else:
            update["draft"] = (stream.draft or Draft(answerable=False, sentences=[])).model_dump()
    except LLMError as exc:
        log.error("the model's stream failed, the turn will be handed off: %s", exc)
        cut = Draft(answerable=False, sentences=list(stream.claims), note="the model stopped")
        update["draft"] = cut.model_dump()
        update["notes"] = [*state.get("notes", []), f"model unavailable: {exc}"]
    update["streamed"] = sent
    return update
