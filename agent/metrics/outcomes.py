"""What became of each handoff after it was made: pickup, first reply, resolution, mood."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from agent.metrics.events import AgentMessage, Event, PickedUp, Resolved, ShopperMessageWithHuman


@dataclass
class Outcome:
    """The follow-up events of one handoff, folded (events must come oldest first)."""

    first_agent_message_at: datetime | None = None
    picked_up_at: datetime | None = None
    resolved_at: datetime | None = None
    solved: bool = False
    sentiment_at_close: float | None = None
    last_shopper_sentiment: float | None = None
    repeated_info: bool = False
    shopper_messages: int = 0

    @property
    def pickup(self) -> datetime | None:
        """An explicit pickup, or the first agent message if that came sooner (or alone)."""
        times = [t for t in (self.picked_up_at, self.first_agent_message_at) if t is not None]
        return min(times, default=None)

    @property
    def succeeded(self) -> bool:
        """Resolved (solved) at or after the pickup."""
        pickup = self.pickup
        return (
            self.solved
            and pickup is not None
            and self.resolved_at is not None
            and self.resolved_at >= pickup
        )

    @property
    def sentiment_after(self) -> float | None:
        """The mood recorded at close, else the shopper's last message to the person."""
        if self.sentiment_at_close is not None:
            return self.sentiment_at_close
        return self.last_shopper_sentiment

    def add(self, event: Event) -> None:
        if isinstance(event, AgentMessage) and self.first_agent_message_at is None:
            self.first_agent_message_at = event.at
        elif isinstance(event, PickedUp) and self.picked_up_at is None:
            self.picked_up_at = event.at
        elif isinstance(event, Resolved) and self.resolved_at is None:
            self.resolved_at, self.solved = event.at, event.solved
            self.sentiment_at_close = event.sentiment_after
        elif isinstance(event, ShopperMessageWithHuman):
            self.last_shopper_sentiment = event.sentiment
            self.repeated_info = self.repeated_info or event.repeated_info
            self.shopper_messages += 1


def outcomes(events: Iterable[Event], handoff_ids: set[str]) -> dict[str, Outcome]:
    """One outcome per handoff id asked for, from events sorted oldest first."""
    found = {hid: Outcome() for hid in handoff_ids}
    for event in events:
        hid = getattr(event, "handoff_id", None)
        if hid in found:
            found[hid].add(event)
    return found
