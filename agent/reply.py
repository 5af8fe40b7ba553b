"""What the bot runtime gets back for each shopper message."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.package import HandoffPackage
from agent.state import Citation

TALK_TO_PERSON = "talk_to_person"


class BotReply(BaseModel):
    """One reply. ``messages`` are shown to the shopper in order."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    kind: Literal["answer", "acknowledge", "decline", "handoff", "with_human", "notice", "error"]
    """answer: grounded and cited; acknowledge: a greeting or thanks answered with no facts;
    decline: an off-topic message or an injection politely declined (states nothing);
    handoff: a person takes over (see ``handoff``);
    with_human: a person owns the conversation, the bot stays silent; notice: nothing to
    process (an empty message); error: our fault, logged, the conversation is kept."""
    messages: list[str] = []
    citations: list[Citation] = []
    confidence: float | None = None
    """Grounding confidence of an answer; None when nothing was drafted."""
    handoff: HandoffPackage | None = None
    actions: list[str] = [TALK_TO_PERSON]
    """Buttons the chat menu shows under this reply; the bot always offers a person."""
    notes: list[str] = []
    """How the input was cleaned (cut, control characters removed...)."""
    language: str | None = None
    """The conversation's language (ISO 639-1) when known: label the chat's buttons in it
    (``reply.talk_to_person`` in agent/messages/)."""
