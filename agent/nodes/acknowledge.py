"""acknowledge: a greeting or a thank-you gets a short reply that states no facts; a question
about what a person promised gets that person's words back."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.extract import extract
from agent.language import speaking
from agent.promises import about_promise, reminder
from agent.reply import TALK_TO_PERSON
from agent.smalltalk import acknowledgement
from agent.state import ConversationState, Customer, Extracted, Turn


def acknowledge(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Greet by name and note any order number given; nothing here needs grounding."""
    customer = Customer(**state.get("customer", {}))
    extracted = Extracted(**state.get("extracted", {}))
    name = customer.name or next(iter(extracted.names), None)
    new_orders = extract(state.get("incoming", ""), customer).order_ids
    say = speaking(state, runtime.context.settings)
    if state["small_talk"] == "promise":
        promised = about_promise(state.get("incoming", ""), state.get("promises") or [])
        text = reminder(promised, runtime.context.settings.store_name, say)
    else:
        text = acknowledgement(state["small_talk"], name, new_orders, say)  # type: ignore[arg-type]
    return {
        "transcript": [Turn(role="bot", text=text, at=runtime.context.now()).model_dump()],
        "reply": {"kind": "acknowledge", "messages": [text], "actions": [TALK_TO_PERSON]},
    }
