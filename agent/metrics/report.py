"""The handoff report: the metrics support teams judge handoffs by, over a window of events.

Units, so the numbers add up:

- a *conversation in the window* is one with a start, an answer or a handoff in it;
- the handoff rate counts conversations handed off (twice is still once), so it
  never passes 100 %; per trigger and per route likewise, over all conversations;
- per topic: conversations whose question on that topic was handed off ÷
  conversations where the topic came up (answered by the bot or handed off);
- follow-ups (pickup, replies, resolution) count for the handoffs made in the
  window, whenever they came;
- per channel, per locale and per time zone: conversations from that channel (locale,
  time zone) handed off ÷ its conversations (``(not given)`` when the runtime named none);
- handoff conversion: see agent/metrics/conversion.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import InputError
from agent.metrics.conversion import Conversion, conversion
from agent.metrics.events import BotAnswered, ConversationStarted, Event, Handoff
from agent.metrics.log import EventLog
from agent.metrics.outcomes import Outcome, outcomes
from agent.metrics.stats import Rate, Spread, mean

NO_TRIGGER = "(none)"
NO_CHANNEL = "(not given)"


class SentimentShift(BaseModel):
    """Mean VADER compound at transfer and after the human, over the same handoffs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pairs: int
    """Handoffs with both a 'before' and an 'after' score."""
    before: float | None
    after: float | None


class HandoffReport(BaseModel):
    """Every metric of one window; None wherever there was nothing to measure."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    since: datetime
    until: datetime
    conversations: int
    handoffs: int
    """Handoff events in the window (a conversation may have several)."""
    handoff_rate: Rate
    by_topic: dict[str, Rate]
    by_trigger: dict[str, Rate]
    by_route: dict[str, Rate]
    by_channel: dict[str, Rate] = {}
    """Per channel: its conversations handed off ÷ its conversations."""
    by_locale: dict[str, Rate] = {}
    """Per shopper locale: its conversations handed off ÷ its conversations."""
    by_timezone: dict[str, Rate] = {}
    """Per shopper time zone: its conversations handed off ÷ its conversations."""
    time_to_handoff: Spread
    """Seconds from the conversation's start to the handoff."""
    time_to_first_agent_message: Spread
    """Seconds from a live handoff to the person's first message (offline tickets left out)."""
    success_rate: Rate
    """Handoffs resolved after pickup ÷ handoffs picked up."""
    repeat_info_rate: Rate
    """Handoffs where the shopper repeated what the bot had ÷ handoffs where that is known."""
    sentiment: SentimentShift
    conversion: Conversion | None = None
    """Handoff conversion against bot-only conversations; None: no outcomes recorded."""


def topic_rates(window: Iterable[Event]) -> dict[str, Rate]:
    """Per topic: conversations handed off on it ÷ conversations where it came up."""
    seen: dict[str, set[str]] = defaultdict(set)
    handed: dict[str, set[str]] = defaultdict(set)
    for event in window:
        if isinstance(event, BotAnswered | Handoff) and event.topic:
            seen[event.topic].add(event.conversation_id)
            if isinstance(event, Handoff):
                handed[event.topic].add(event.conversation_id)
    return _ranked({t: Rate(count=len(handed[t]), total=len(c)) for t, c in seen.items()})


def channel_rates(
    window: Iterable[Event], field: Literal["channel", "locale", "timezone"] = "channel"
) -> dict[str, Rate]:
    """Per channel (or ``field``: the shopper's locale, time zone): conversations handed off ÷
    conversations (the last value named wins)."""
    channel: dict[str, str] = {}
    handed: set[str] = set()
    for event in window:
        if isinstance(event, ConversationStarted | BotAnswered | Handoff):
            said = getattr(event, field, None)
            if said or event.conversation_id not in channel:
                channel[event.conversation_id] = said or NO_CHANNEL
            if isinstance(event, Handoff):
                handed.add(event.conversation_id)
    groups: dict[str, set[str]] = defaultdict(set)
    for cid, name in channel.items():
        groups[name].add(cid)
    return _ranked({k: Rate(count=len(c & handed), total=len(c)) for k, c in groups.items()})


def _ranked(rates: dict[str, Rate]) -> dict[str, Rate]:
    return dict(sorted(rates.items(), key=lambda kv: (-kv[1].count, kv[0])))


def _share(
    handoffs: Sequence[Handoff], conversations: int, labels: Callable[[Handoff], Iterable[str]]
) -> dict[str, Rate]:
    by: dict[str, set[str]] = defaultdict(set)
    for h in handoffs:
        for label in labels(h):
            by[label].add(h.conversation_id)
    return _ranked({k: Rate(count=len(c), total=conversations) for k, c in by.items()})


def _repeat_info(handoffs: Sequence[Handoff], done: dict[str, Outcome]) -> Rate:
    known = [
        h for h in handoffs if h.repeat_info is not None or done[h.handoff_id].shopper_messages
    ]
    repeated = [h for h in known if h.repeat_info or done[h.handoff_id].repeated_info]
    return Rate(count=len(repeated), total=len(known))


def _sentiment(handoffs: Sequence[Handoff], done: dict[str, Outcome]) -> SentimentShift:
    pairs = [
        (before, after)
        for h in handoffs
        if (before := h.sentiment_before) is not None
        and (after := done[h.handoff_id].sentiment_after) is not None
    ]
    return SentimentShift(
        pairs=len(pairs),
        before=mean([b for b, _ in pairs]),
        after=mean([a for _, a in pairs]),
    )


def _seconds(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds())  # clocks of two processes may disagree


def compute_report(events: Sequence[Event], since: datetime, until: datetime) -> HandoffReport:
    """The report of handoffs made in ``[since, until)``; ``events`` sorted oldest first."""
    window = [e for e in events if since <= e.at < until]
    talks = {e.conversation_id for e in window if isinstance(e, ConversationStarted | BotAnswered)}
    handoffs = [e for e in window if isinstance(e, Handoff)]
    conversations = len(talks | {h.conversation_id for h in handoffs})
    done = outcomes(events, {h.handoff_id for h in handoffs})
    picked = [h for h in handoffs if done[h.handoff_id].pickup is not None]
    first_replies = [
        _seconds(t, h.at)
        for h in handoffs
        if h.delivery == "live" and (t := done[h.handoff_id].first_agent_message_at) is not None
    ]
    return HandoffReport(
        since=since,
        until=until,
        conversations=conversations,
        handoffs=len(handoffs),
        handoff_rate=Rate(count=len({h.conversation_id for h in handoffs}), total=conversations),
        by_topic=topic_rates(window),
        by_trigger=_share(handoffs, conversations, lambda h: h.triggers or [NO_TRIGGER]),
        by_route=_share(handoffs, conversations, lambda h: [h.route]),
        by_channel=channel_rates(window),
        by_locale=channel_rates(window, "locale"),
        by_timezone=channel_rates(window, "timezone"),
        time_to_handoff=Spread.of([_seconds(h.at, h.conversation_started_at) for h in handoffs]),
        time_to_first_agent_message=Spread.of(first_replies),
        success_rate=Rate(
            count=sum(done[h.handoff_id].succeeded for h in picked), total=len(picked)
        ),
        repeat_info_rate=_repeat_info(handoffs, done),
        sentiment=_sentiment(handoffs, done),
        conversion=conversion(window),
    )


def handoff_report(log: EventLog, *, days: int = 7, now: datetime | None = None) -> HandoffReport:
    """The report of the trailing ``days`` days up to ``now`` (default: the current time)."""
    if days < 1:
        raise InputError(f"days must be at least 1, not {days}")
    until = now or datetime.now(UTC)
    since = until - timedelta(days=days)
    return compute_report(log.events(since=since, until=until), since, until)
