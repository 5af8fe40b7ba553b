"""One handoff in the outbox, its attempts, and what a delivery round did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import TransientDeliveryError
from agent.helpdesk.settings import HelpdeskSettings

Status = Literal["pending", "delivered", "failed"]
ItemKind = Literal["handoff", "comment"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
Outcome = Literal["delivered", "retrying", "failed", "skipped"]
HISTORY = 20
"""Attempts remembered per item (the oldest are dropped)."""
MAX_WAIT_S = 86_400.0
"""A Retry-After longer than a day is a misconfigured server: wait a day."""


class Attempt(BaseModel):
    """One try at delivering an item."""

    model_config = ConfigDict(extra="forbid")
    at: str
    outcome: Literal["delivered", "retry", "rate_limited", "failed", "error"]
    detail: str = ""


class OutboxItem(BaseModel):
    """A handoff waiting for its helpdesk, or the record that it got there."""

    model_config = ConfigDict(extra="forbid")
    id: str
    """The idempotency key (the handoff id unless the caller chose another)."""
    kind: ItemKind = "handoff"
    """handoff: a ticket to create; comment: a line of the chat (the shopper's, or an agent's
    written on our side) to add to the ticket that ``handoff_id``'s item became
    (agent/helpdesk/comments.py)."""
    text: str | None = None
    """A comment's text."""
    author: str | None = None
    """A comment an agent wrote on our side (our inbox page, the API, ``escalate reply``),
    already shown to the shopper: the agent's name. None: the shopper's line."""
    key: str
    """Sent to the helpdesk on every attempt (Idempotency-Key, external_id)."""
    helpdesk: str
    """The adapter configured when it was queued ('zendesk', 'local'...)."""
    handoff_id: str
    conversation_id: str
    route: str
    team: str
    status: Status = "pending"
    created_at: str
    next_attempt_at: str
    attempts: int = 0
    """Sends started, including rate-limited ones."""
    failures: int = 0
    """Failed sends that count towards ``max_attempts`` (429s do not)."""
    last_error: str | None = None
    lease_owner: str | None = None
    """Which process and call is sending it right now..."""
    lease_until: str | None = None
    """...until when; after that another may take it over."""
    progress: dict[str, Any] = {}
    """Steps of a multi-request delivery already done (Freshdesk's ticket id)."""
    external_id: str | None = None
    external_url: str | None = None
    delivered_at: str | None = None
    delivered_to: str | None = None
    history: list[Attempt] = []
    package: dict[str, Any] = {}
    """The HandoffPackage as JSON, kept raw so that listing never depends on its schema
    (empty for a comment)."""

    def due(self, now: datetime) -> bool:
        return (
            self.status == "pending"
            and parse_time(self.next_attempt_at) <= now
            and not self.leased(now)
        )

    def leased(self, now: datetime) -> bool:
        return bool(self.lease_owner and self.lease_until and parse_time(self.lease_until) > now)

    def noted(self, attempt: Attempt) -> list[Attempt]:
        return [*self.history, attempt][-HISTORY:]


@dataclass
class DeliveryReport:
    """What one ``deliver_due`` round did, by item id."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Taken by another sender, or no longer due, when this round reached it."""

    def add(self, item_id: str, outcome: Outcome) -> None:
        getattr(self, outcome).append(item_id)

    def summary(self) -> str:
        return (
            f"{len(self.delivered)} delivered, {len(self.retrying)} retrying later, "
            f"{len(self.failed)} failed, {len(self.skipped)} skipped"
        )


def backoff(failures: int, base_s: float, cap_s: float) -> float:
    """Seconds to wait after the ``failures``-th failure: base, 2 x base, 4 x base... up to cap."""
    return min(cap_s, base_s * 2 ** max(failures - 1, 0))


def wait_s(exc: Exception, failures: int, settings: HelpdeskSettings) -> float:
    """A 429 waits what Retry-After says; failures back off exponentially (longer if asked)."""
    asked = exc.retry_after if isinstance(exc, TransientDeliveryError) else None
    if isinstance(exc, TransientDeliveryError) and exc.rate_limited:
        wait = asked if asked is not None else settings.backoff_s
    else:
        wait = max(backoff(failures, settings.backoff_s, settings.backoff_cap_s), asked or 0.0)
    return min(max(wait, 1.0), MAX_WAIT_S)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")
