"""The metric events: what happened around a handoff, and when; one pydantic model each.

Every event names its conversation and its time (``at``, timezone-aware, kept
in UTC) and carries an ``event_id``. Recording the same type and id twice keeps
the first, so a retried node or a replayed webhook never counts twice. Where
an event has a natural id (the conversation, the handoff) the id defaults to
it; the others derive one from stable fields, or take the caller's.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, field_validator

Compound = Annotated[float, Field(ge=-1, le=1)]
"""A VADER compound sentiment score, -1 (most negative) to 1."""


def _fingerprint(text: str) -> str:
    return hashlib.sha1(" ".join(text.casefold().split()).encode()).hexdigest()[:12]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: str = Field(min_length=1, max_length=200)
    at: AwareDatetime
    """When it happened: the turn's clock, so a retried step records the same time."""
    event_id: str = ""
    """Idempotency key within the event's type; empty: derived (see each event)."""

    @field_validator("at", mode="after")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def model_post_init(self, _context: object) -> None:
        if not self.event_id:
            self.event_id = self._natural_id()

    def _natural_id(self) -> str:
        return self.conversation_id

    @property
    def key(self) -> str:
        """The store key: type and id, so two types may share an id."""
        return f"{self.type}:{self.event_id}"  # type: ignore[attr-defined]


class ConversationStarted(_Event):
    """A shopper opened a conversation (its first message or button). Id: the conversation."""

    type: Literal["conversation_started"] = "conversation_started"
    channel: str | None = None
    """chat, email, voice or social, as the runtime said; None: not said."""
    locale: str | None = None
    """The shopper's locale (BCP 47) as the runtime was told; None: not said."""
    timezone: str | None = None
    """The shopper's time zone (IANA) as the runtime was told; None: not said."""


class BotAnswered(_Event):
    """The bot answered a question itself. Id: the conversation and the question's text."""

    type: Literal["bot_answered"] = "bot_answered"
    question: str
    intent: str
    topic: str = Field(min_length=1)
    """A short normalized label for the subject (e.g. ``"returns:returns-policy"``): the same
    string every time the same subject comes up, in any conversation."""

    def _natural_id(self) -> str:
        return f"{self.conversation_id}:{_fingerprint(self.question)}"


class Handoff(_Event):
    """The conversation went to a person. Id: the handoff."""

    type: Literal["handoff"] = "handoff"
    handoff_id: str = Field(min_length=1)
    conversation_started_at: AwareDatetime
    """When the conversation began: time to handoff is ``at`` minus this."""
    questions: list[str] = []
    """The shopper's question(s) that led here, newest last."""
    intent: str
    topic: str | None = None
    """The topic of the question handed off; None leaves it out of the per-topic rates."""
    triggers: list[str] = []
    """Trigger kinds that fired (``TriggerHit.kind``)."""
    sensitive_topics: list[str] = []
    route: str
    """The queue it went to."""
    rule: str | None = None
    """The routing rule that chose the queue."""
    delivery: Literal["live", "offline_ticket"] = "live"
    sentiment_before: Compound | None = None
    """The shopper's mood at transfer."""
    repeat_info: bool | None = None
    """Did the shopper have to repeat something the bot already had? None: unknown."""
    channel: str | None = None
    """chat, email, voice or social, as the runtime said; None: not said."""
    locale: str | None = None
    """The shopper's locale (BCP 47) as the runtime was told; None: not said."""
    timezone: str | None = None
    """The shopper's time zone (IANA) as the runtime was told; None: not said."""

    def _natural_id(self) -> str:
        return self.handoff_id


class AgentMessage(_Event):
    """A person wrote to the shopper. Id: the message id, else the handoff and time."""

    type: Literal["agent_message"] = "agent_message"
    handoff_id: str = Field(min_length=1)
    agent: str
    message_id: str | None = None

    def _natural_id(self) -> str:
        return f"{self.handoff_id}:{self.message_id or self.at.isoformat()}"


class PickedUp(_Event):
    """A person accepted the handoff. Id: the handoff."""

    type: Literal["picked_up"] = "picked_up"
    handoff_id: str = Field(min_length=1)
    agent: str

    def _natural_id(self) -> str:
        return self.handoff_id


class Resolved(_Event):
    """The person closed the handoff. Id: the handoff."""

    type: Literal["resolved"] = "resolved"
    handoff_id: str = Field(min_length=1)
    agent: str
    solved: bool = True
    """False when closed without solving it (shopper left, sent elsewhere)."""
    sentiment_after: Compound | None = None
    """The shopper's mood at the end; None: their last message to the person is used."""

    def _natural_id(self) -> str:
        return self.handoff_id


class ShopperMessageWithHuman(_Event):
    """The shopper wrote while a person owned the conversation. Id: the handoff and time."""

    type: Literal["shopper_message_with_human"] = "shopper_message_with_human"
    handoff_id: str = Field(min_length=1)
    sentiment: Compound
    repeated_info: bool = False
    """True when the message repeats a detail the handoff package already had."""

    def _natural_id(self) -> str:
        return f"{self.handoff_id}:{self.at.isoformat()}"


OutcomeKind = Literal["purchase", "refund", "cancellation", "other"]


class CommerceOutcome(_Event):
    """A commerce event after (or during) a conversation, reported by the store: a purchase,
    a refund, a cancellation. Id: the kind and the order, so an order counts once however
    often it is reported; without an order, the conversation, kind and time."""

    type: Literal["commerce_outcome"] = "commerce_outcome"
    kind: OutcomeKind
    value: float | None = Field(None, ge=0, le=1e12, allow_inf_nan=False)
    """The amount, in ``currency``."""
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    """ISO 4217, e.g. ``EUR``; required with a value."""
    order_id: str | None = Field(None, min_length=1, max_length=200)

    def model_post_init(self, _context: object) -> None:
        if self.value is not None and self.currency is None:
            raise ValueError("a value needs its currency (ISO 4217, e.g. 'EUR')")
        super().model_post_init(_context)

    def _natural_id(self) -> str:
        if self.order_id:
            return f"{self.kind}:{self.order_id}"
        return f"{self.conversation_id}:{self.kind}:{self.at.isoformat()}"


Event = Annotated[
    ConversationStarted
    | BotAnswered
    | Handoff
    | AgentMessage
    | PickedUp
    | Resolved
    | ShopperMessageWithHuman
    | CommerceOutcome,
    Field(discriminator="type"),
]
EventType = Literal[
    "conversation_started",
    "bot_answered",
    "handoff",
    "agent_message",
    "picked_up",
    "resolved",
    "shopper_message_with_human",
    "commerce_outcome",
]
EVENT: TypeAdapter[Event] = TypeAdapter(Event)
"""Validates a stored dict back into its event class."""
