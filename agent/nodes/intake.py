"""intake: record the shopper's message and what it tells us about them."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.extract import extract, merge
from agent.language import next_language
from agent.promises import about_promise
from agent.smalltalk import classify
from agent.state import ConversationState, Customer, Extracted, Turn

BUTTON_TEXT = "[pressed: Talk to a person]"


def intake(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Append the message to the transcript and reset this turn's working values."""
    now = state.get("now") or runtime.context.now()
    pressed = state.get("action") == "talk_to_person"
    text = state.get("incoming", "")
    turn = Turn(
        role="shopper",
        text=text or BUTTON_TEXT if pressed else text,
        at=now,
        kind="button" if pressed and not text else "message",
    )
    customer = Customer(**state.get("customer", {}))
    found = extract(text, customer)
    extracted = merge(Extracted(**state.get("extracted", {})), found)
    small_talk = None if pressed else classify(text, found)
    if small_talk is None and not pressed and about_promise(text, state.get("promises") or []):
        small_talk = "promise"  # "where's my refund?" after a person promised one
    return {
        "language": next_language(
            text, state.get("language"), runtime.context.settings, state.get("locale")
        ),
        "small_talk": small_talk,
        "transcript": [turn.model_dump()],
        "extracted": extracted.model_dump(),
        "mode": "bot",
        "triggers": [],
        "topics": [],
        "retrieved": [],
        "retrieved_internal": [],
        "draft": {},
        "streamed": [],
        "verdict": {},
        "reply": {},
        "notes": [],
    }
