"""A topic's handoff rate period by period: the curve a curator watches fall after a fix."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import InputError
from agent.metrics.events import Event
from agent.metrics.log import EventLog
from agent.metrics.report import topic_rates
from agent.metrics.stats import Rate

Period = Literal["day", "week"]


class PeriodRate(BaseModel):
    """One point of the curve: the period's first day (UTC; weeks start on Monday) and its rate."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    rate: Rate


def period_start(at: datetime, period: Period) -> date:
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday()) if period == "week" else day


def rate_by_period(
    log: EventLog,
    topic: str,
    *,
    period: Period = "day",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PeriodRate]:
    """Every period from ``since`` (default: 28 days before ``until``) to ``until`` (default: now).

    A period where the topic never came up has a rate of None (missing), not 0.
    """
    if period not in ("day", "week"):
        raise InputError(f"period must be 'day' or 'week', not {period!r}")
    until = until or datetime.now(UTC)
    since = since or until - timedelta(days=28)
    buckets: dict[date, list[Event]] = defaultdict(list)
    for event in log.events(since=since, until=until):
        if event.type in ("bot_answered", "handoff"):
            buckets[period_start(event.at, period)].append(event)
    step = timedelta(days=7 if period == "week" else 1)
    points: list[PeriodRate] = []
    start, last = period_start(since, period), period_start(until - timedelta.resolution, period)
    while start <= last:
        rate = topic_rates(buckets[start]).get(topic, Rate(count=0, total=0))
        points.append(PeriodRate(start=start, rate=rate))
        start += step
    return points
