"""decline: an off-topic message or an injection the knowledge base cannot answer gets a polite
"I can only help with this store's orders and products", not a person's time."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.language import speaking
from agent.reply import TALK_TO_PERSON
from agent.state import ConversationState, Turn


def decline(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """A fixed reply that states nothing about the store (so there is nothing to ground)."""
    say = speaking(state, runtime.context.settings)
    text = say.text("ack.decline", store=runtime.context.settings.store_name)
    return {
        "transcript": [Turn(role="bot", text=text, at=runtime.context.now()).model_dump()],
        "reply": {"kind": "decline", "messages": [text], "actions": [TALK_TO_PERSON]},
    }
