"""Business hours: when a queue is open, and when it next opens.

Shifts are wall-clock times in the store's time zone, so a 09:00-17:00 day
stays 09:00-17:00 across a DST change. A shift may run past midnight
(``22:00-06:00``: until 06:00 the next day). A holiday closes its whole local
date, including the tail of an overnight shift that started the day before.
With no ``weekly`` table a queue is open around the clock (holidays aside).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator

from agent.errors import InputError
from agent.messages import ENGLISH, Messages
from agent.ops.when import when_phrase

__all__ = ["Hours", "is_open", "next_opening", "reopening_phrase", "when_phrase"]

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = get_args(Day)
_DAY_MINUTES = 24 * 60
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_ALL_DAY = ((0, _DAY_MINUTES),)


@cache
def parse_day(spec: str) -> tuple[tuple[int, int], ...]:
    """``"09:00-12:00, 13:00-17:00"`` -> minute spans; ``closed``; ``open`` (all day).

    An end at or before the start runs into the next day (end > 1440).
    """
    text = spec.strip().casefold()
    if text == "closed":
        return ()
    if text in ("open", "24h"):
        return _ALL_DAY
    spans = []
    for part in text.split(","):
        m = _SPAN.match(part.strip())
        if not m:
            raise ValueError(f"{spec!r}: write 'HH:MM-HH:MM', 'closed' or 'open'")
        h1, m1, h2, m2 = map(int, m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"{spec!r}: {part.strip()!r} is not a time of day")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        spans.append((start, end if end > start else end + _DAY_MINUTES))
    return tuple(sorted(spans))


class Hours(BaseModel):
    """When people are on shift. The default (no weekly table, no holidays): always open."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str = "UTC"
    """IANA name, e.g. ``America/New_York``."""
    weekly: dict[Day, str] | None = None
    """``mon = "09:00-17:00"``; a day not named is closed. None: open every day, all day."""
    holidays: list[date] = []
    """Local dates on which the queue is closed all day."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @field_validator("weekly")
    @classmethod
    def _parse_days(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for spec in (value or {}).values():
            parse_day(spec)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def always_open(self) -> bool:
        return self.weekly is None and not self.holidays

    def shifts(self, day: date) -> tuple[tuple[int, int], ...]:
        if day in self.holidays:
            return ()
        if self.weekly is None:
            return _ALL_DAY
        return parse_day(self.weekly.get(DAYS[day.weekday()], "closed"))


def _utc(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    extra, minutes = divmod(minutes, _DAY_MINUTES)
    wall = datetime.combine(day + timedelta(days=extra), time(minutes // 60, minutes % 60))
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _spans(hours: Hours, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The open spans (UTC, end exclusive) of the shifts that start on local ``day``."""
    zone = hours.zone
    for start_min, end_min in hours.shifts(day):
        start, end = _utc(day, start_min, zone), _utc(day, end_min, zone)
        if end_min > _DAY_MINUTES and day + timedelta(days=1) in hours.holidays:
            end = _utc(day + timedelta(days=1), 0, zone)  # an overnight shift stops at a holiday
        if start < end:
            yield start, end


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InputError("a time zone is required: pass an aware datetime (UTC from the clock)")
    return at.astimezone(UTC)


def is_open(hours: Hours, at: datetime) -> bool:
    """Whether ``at`` falls inside a shift."""
    now = _aware(at)
    today = now.astimezone(hours.zone).date()
    days = (today - timedelta(days=1), today)  # yesterday: an overnight shift may still run
    return any(s <= now < e for d in days for s, e in _spans(hours, d))


def next_opening(hours: Hours, at: datetime, within_days: int = 30) -> datetime | None:
    """``at`` itself when open, else the start of the next shift; None when nothing opens
    within ``within_days``. In the hours' zone: test "open now" with :func:`is_open`, not
    ``==`` (an ambiguous wall time never equals a time in another zone, PEP 495)."""
    now, zone = _aware(at), hours.zone
    today = now.astimezone(zone).date()
    best: datetime | None = None
    for offset in range(-1, within_days + 1):
        day = today + timedelta(days=offset)
        if best is not None and _utc(day, 0, zone) > best:
            break  # every later shift starts after the one found
        for start, end in _spans(hours, day):
            if end > now and (best is None or max(start, now) < best):
                best = max(start, now)
    return best.astimezone(zone) if best is not None else None


def reopening_phrase(
    hours: Hours,
    now: datetime,
    shopper_tz: str | None = None,
    within_days: int = 30,
    msgs: Messages | None = None,
) -> str:
    """ "tomorrow at 9 AM Eastern time", or "as soon as we reopen" when nothing is scheduled."""
    opening = next_opening(hours, now, within_days)
    if opening is None:
        return (msgs or Messages(ENGLISH)).text("when.asap")
    return when_phrase(opening, now, shopper_tz, msgs)
