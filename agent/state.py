"""The graph's state (a TypedDict) and the small pydantic models it carries.

The state holds plain JSON-able dicts (``model_dump(mode="json")``) so the
checkpointer can store any conversation without knowing our classes; nodes
convert to the models below at their edges.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["shopper", "bot", "agent", "system"]
TriggerKind = Literal[
    "explicit",
    "sensitive",
    "low_confidence",
    "sentiment",
    "loop",
    "vip",
    "account_action",
    "purchase_intent",
    "complexity",
]
TRIGGER_KINDS: tuple[str, ...] = TriggerKind.__args__  # type: ignore[attr-defined]
Mode = Literal["bot", "human"]


class Turn(BaseModel):
    """One line of the transcript."""

    model_config = ConfigDict(extra="forbid")
    role: Role
    text: str
    at: str
    """ISO-8601 time (UTC) the line was written."""
    kind: Literal["message", "button", "notice"] = "message"
    """button: the shopper pressed 'talk to a person'; notice: a system line."""


class OrderItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sku: str | None = None
    name: str | None = None
    qty: int | None = None


class Order(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    status: str | None = None
    total: float | None = None
    currency: str | None = None
    placed_at: str | None = None
    items: list[OrderItem] = []


class Customer(BaseModel):
    """What the bot runtime knows about the shopper (CRM and orders); all optional."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    tier: str | None = None
    lifetime_value: float | None = None
    orders: list[Order] = []

    @field_validator("name", "email", "phone", "tier", mode="after")
    @classmethod
    def _blank_is_unknown(cls, value: str | None) -> str | None:
        return value or None

    @property
    def first_name(self) -> str | None:
        return self.name.split()[0] if self.name and self.name.split() else None


class TriggerHit(BaseModel):
    """One reason to hand off, with the evidence that tripped it."""

    model_config = ConfigDict(extra="forbid")
    kind: TriggerKind
    reason: str
    """Human-readable: which rule or topic fired."""
    evidence: str = ""
    """The words or values that tripped it."""
    score: float | None = None
    """A measure where the rule has one (similarity, sentiment, confidence)."""


class Citation(BaseModel):
    """A retrieved chunk an answer relies on."""

    model_config = ConfigDict(extra="forbid")
    chunk_id: str
    doc_id: str
    title: str = ""
    heading: str = ""
    source: Literal["kb", "learned"] = "kb"
    score: float | None = None
    provenance: str = ""
    """For a learned answer: the conversation, agent and curator it came from."""


class Sentiment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    compound: float = Field(ge=-1, le=1)
    """VADER compound score, -1 (most negative) to 1."""
    label: Literal["positive", "neutral", "negative", "distressed"]


class Extracted(BaseModel):
    """What the shopper told us in their own words: kept so nobody asks again."""

    model_config = ConfigDict(extra="forbid")
    order_ids: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    names: list[str] = []


class ConversationState(TypedDict, total=False):
    """LangGraph state of one conversation (one thread)."""

    # per turn input
    conversation_id: str
    incoming: str
    """The shopper's message as received (already bounded by the runtime)."""
    action: Literal["message", "talk_to_person"]
    agents_online: bool
    now: str
    message_id: str
    """The journal id of the last shopper message this state includes (agent/journal.py)."""
    # across turns
    transcript: Annotated[list[dict[str, Any]], operator.add]
    customer: dict[str, Any]
    vertical: str
    channel: str
    """Where the shopper writes from: chat, email, voice or social (the runtime's word)."""
    locale: str
    """The shopper's locale as their widget reports it (BCP 47, e.g. ``pt-BR``)."""
    timezone: str
    """The shopper's IANA time zone (``Europe/Lisbon``): promised reply times are stated in it."""
    mode: Mode
    extracted: dict[str, Any]
    answered: Annotated[list[dict[str, Any]], operator.add]
    """Questions the bot answered, with citations: {question, answer, citations}."""
    failed_answers: int
    language: str
    """The shopper's language (ISO 639-1): the last one detected with confidence, else the
    store's (agent/language.py); fixed texts and answers use it."""
    small_talk: str | None
    """'greeting' or 'thanks' when the message asks nothing yet."""
    topics: list[str]
    """Sensitive topics that fired this turn."""
    # per turn working values (overwritten each turn)
    notes: list[str]
    triggers: list[dict[str, Any]]
    sentiment: dict[str, Any]
    intent: str
    declinable: bool
    """Off-topic or an injection (agent/triggers/banks.py): declined, not handed off, when the
    knowledge base has no answer."""
    retrieved: list[dict[str, Any]]
    retrieved_internal: list[dict[str, Any]]
    """Chunks written for staff (knowledge.audience): never quoted, only for the handoff."""
    draft: dict[str, Any]
    streamed: list[str]
    """Sentences of the draft already sent to the shopper, each after the gate passed it
    (only when the runtime streams the answer: ``EscalationAgent.stream``)."""
    verdict: dict[str, Any]
    reply: dict[str, Any]
    handoff: dict[str, Any]
    resolution: dict[str, Any]
    awaiting_email: bool
    """An offline ticket waits for the one email question to be answered."""
    promises: list[dict[str, Any]]
    """What people promised in this conversation (agent/promises.py), kept across handoffs."""
