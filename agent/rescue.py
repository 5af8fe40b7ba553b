"""After a turn fails half-way, hand the conversation to a person instead of wedging it.

The graph resumes as if the trigger step had just found a reason to hand off:
the reason is the failure, named (with any credentials in URLs masked), so the
package tells the agent why the bot stopped. The handoff node itself fails soft
on the model and the knowledge base, so this path needs neither.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph

from agent.context import Context
from agent.redact import redact_text
from agent.state import ConversationState, TriggerHit

__all__ = ["rescue_handoff"]

log = logging.getLogger(__name__)


def failure_hit(exc: BaseException) -> TriggerHit:
    """The trigger a failed turn hands off with: it records what failed."""
    return TriggerHit(
        kind="low_confidence",
        reason="the bot could not finish this turn",
        evidence=redact_text(f"{type(exc).__name__}: {exc}")[:500],
    )


def rescue_handoff(
    graph: CompiledStateGraph[ConversationState, Context, ConversationState, ConversationState],
    config: RunnableConfig,
    context: Context,
    exc: BaseException,
) -> dict[str, Any] | None:
    """The state after a forced handoff; None when the conversation already waits for a
    person, or was never started (nothing to hand off)."""
    snapshot = graph.get_state(config)
    if "human" in snapshot.next or not snapshot.values.get("transcript"):
        return None
    graph.update_state(config, {"triggers": [failure_hit(exc).model_dump()]}, as_node="triggers")
    state = graph.invoke(None, config, context=context, durability="exit")
    if (state.get("reply") or {}).get("kind") != "handoff":
        return None
    log.warning("turn of %s handed off after a failure", config["configurable"]["thread_id"])
    return state
