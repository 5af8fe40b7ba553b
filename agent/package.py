"""The handoff package: everything a human agent needs to act without asking again."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.state import Citation, Customer, Extracted, Order, Sentiment, TriggerHit, Turn

SEVEN_ELEMENTS = (
    "transcript",
    "summary",
    "intent",
    "sentiment",
    "customer",
    "product_context",
    "suggested_resolution",
)


class AnsweredQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str
    citations: list[Citation] = []


class ProductContext(BaseModel):
    """Products and questions discussed, and what the bot already answered."""

    model_config = ConfigDict(extra="forbid")
    products: list[str] = []
    questions: list[str] = []
    bot_answered: list[AnsweredQuestion] = []


class SuggestedResolution(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    citations: list[Citation] = []
    grounded: bool
    """True when it quotes or cites the knowledge base."""


class ShopperMessages(BaseModel):
    """What the shopper is told at the moment of transfer."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["live", "offline_ticket"]
    confirmation: str
    """Live: who picks this up. Offline: the ticket and when they will hear back."""
    wait: str | None = None
    meanwhile: str | None = None

    def as_list(self) -> list[str]:
        return [m for m in (self.confirmation, self.wait, self.meanwhile) if m]


class HandoffPackage(BaseModel):
    """Sent to the helpdesk; validated, JSON-serialisable, complete."""

    model_config = ConfigDict(extra="forbid")
    id: str
    conversation_id: str
    created_at: str
    transcript: list[Turn]
    summary: str
    intent: str
    sentiment: Sentiment
    customer: Customer
    """The record the store's runtime supplied."""
    shared_details: Extracted
    """What the shopper typed: order numbers, emails, phones, names."""
    orders: list[Order]
    """Orders under discussion, from the record where known."""
    product_context: ProductContext
    suggested_resolution: SuggestedResolution
    triggers: list[TriggerHit]
    route: str
    route_rule: str | None = None
    """The routing rule that chose the queue (a store's, or ``default.*``)."""
    wait_basis: str = ""
    """How the shopper's wait was estimated (live handoffs)."""
    """The queue: a built-in one (``agent.settings.Queue``) or one the store defined."""
    team: str
    agents_online: bool
    context_block: str
    """Plain text for the agent's screen: CUSTOMER / ISSUE / BOT TRIED / SENTIMENT / SUGGESTED RESPONSE."""
    opening_line: str
    """An acknowledge-first first message for the agent to send."""
    shopper_messages: ShopperMessages
    language: str = "en"
    """The language the shopper writes in (ISO 639-1, e.g. "es"): reply in it."""
    channel: str | None = None
    """Where the shopper writes from: chat, email, voice or social (None: not said)."""
    locale: str | None = None
    """The shopper's locale as their widget reports it (BCP 47, e.g. ``pt-BR``)."""
    timezone: str | None = None
    """The shopper's IANA time zone (``Europe/Lisbon``); promised times are in it."""

    def missing_elements(self) -> list[str]:
        """Which of the seven context elements are empty (should be none)."""
        missing = []
        if not self.transcript:
            missing.append("transcript")
        if not self.summary.strip():
            missing.append("summary")
        if not self.intent:
            missing.append("intent")
        if self.customer == Customer() and self.shared_details == Extracted():
            missing.append("customer")
        if not (self.product_context.questions or self.product_context.products):
            missing.append("product_context")
        if not self.suggested_resolution.text.strip():
            missing.append("suggested_resolution")
        return missing
