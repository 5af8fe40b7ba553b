"""What every helpdesk adapter is: one method that turns a handoff into a ticket.

An adapter raises only :class:`~agent.errors.PermanentDeliveryError` (the
helpdesk refused: bad credentials, unknown account, invalid ticket) or
:class:`~agent.errors.TransientDeliveryError` (down, slow, rate-limiting); the
outbox decides what to do next. Anything else escaping an adapter is a bug.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from agent.package import HandoffPackage


def utc_now() -> datetime:
    return datetime.now(UTC)


class Receipt(BaseModel):
    """Proof that the helpdesk holds the handoff."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    external_id: str
    """The helpdesk's own id for the ticket (or the webhook event)."""
    url: str | None = None
    """Where an agent opens it, when the helpdesk has such a page."""


class Progress(Protocol):
    """Steps of a multi-request delivery, kept across attempts.

    Freshdesk needs two requests (the ticket, then its private note): once the
    ticket exists its id is recorded here, so a retry adds the note to that
    ticket instead of opening a second one.
    """

    def get(self, step: str) -> Any:
        """What ``record(step, ...)`` stored on this or an earlier attempt, else None."""
        ...

    def record(self, step: str, value: Any) -> None:
        """Keep ``value`` (JSON-able) at once, before the next request is made."""
        ...


class MemoryProgress:
    """Progress that lives as long as one call (for direct use and tests)."""

    def __init__(self, steps: dict[str, Any] | None = None) -> None:
        self.steps: dict[str, Any] = dict(steps or {})

    def get(self, step: str) -> Any:
        return self.steps.get(step)

    def record(self, step: str, value: Any) -> None:
        self.steps[step] = value


class Helpdesk(Protocol):
    """Where handoffs go: Zendesk, Freshdesk, Gorgias, a webhook, the local inbox."""

    name: str
    """'zendesk', 'freshdesk', 'gorgias', 'webhook' or 'local'."""

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        """Create the ticket for ``package``; the same ``key`` is sent on every attempt.

        Raises PermanentDeliveryError or TransientDeliveryError, nothing else.
        """
        ...

    def close(self) -> None:
        """Release connections (idempotent)."""
        ...
