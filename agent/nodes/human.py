"""human: the graph waits here while a person owns the conversation."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.types import interrupt
from pydantic import BaseModel, ConfigDict

from agent.state import ConversationState, Turn


class HumanEvent(BaseModel):
    """What resumes the wait: a shopper line for the agent, or the agent's resolution."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["shopper_message", "resolution"]
    text: str
    at: str
    agent: str | None = None
    kind: Literal["message", "button"] = "message"


def human(state: ConversationState) -> dict[str, Any]:
    """Pause until the runtime resumes with a :class:`HumanEvent`; the bot says nothing."""
    handoff = state.get("handoff", {})
    event = HumanEvent(
        **interrupt({"handoff_id": handoff.get("id"), "route": handoff.get("route")})
    )
    if event.type == "shopper_message":
        turn = Turn(role="shopper", text=event.text, at=event.at, kind=event.kind)
        return {
            "transcript": [turn.model_dump()],
            "mode": "human",
            "reply": {"kind": "with_human", "messages": [], "actions": []},
        }
    turn = Turn(role="agent", text=event.text, at=event.at)
    return {
        "transcript": [turn.model_dump()],
        "mode": "bot",
        "resolution": {
            "text": event.text,
            "agent": event.agent,
            "at": event.at,
            "handoff_id": handoff.get("id"),
        },
        "reply": {},
    }
