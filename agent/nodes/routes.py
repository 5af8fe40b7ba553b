"""The graph's conditional edges: small, typed, and loud on impossible states."""

from __future__ import annotations

from typing import Literal

from agent.state import ConversationState


def after_triggers(state: ConversationState) -> Literal["handoff", "acknowledge", "retrieve"]:
    """Any trigger hands off at once; a message that asks nothing is acknowledged; else look it up."""
    if state.get("triggers"):
        return "handoff"
    return "acknowledge" if state.get("small_talk") else "retrieve"


def after_verify(state: ConversationState) -> Literal["respond", "decline", "handoff"]:
    """Only a draft that passed the grounding gate is sent; an off-topic message or an
    injection with no answer is declined politely, anything else goes to a person."""
    verdict = state.get("verdict")
    if not verdict:
        raise RuntimeError("verify produced no verdict")
    if verdict["passed"]:
        return "respond"
    return "decline" if state.get("declinable") else "handoff"


def after_human(state: ConversationState) -> Literal["human", "learn"]:
    """Keep waiting until the human resolves the conversation; then learn from it."""
    mode = state.get("mode")
    if mode not in ("human", "bot"):
        raise RuntimeError(f"impossible conversation mode after a human step: {mode!r}")
    return "human" if mode == "human" else "learn"
