"""A moment told the way a person says it: "tomorrow at 9 AM Eastern time".

Days are counted in the shopper's zone when we know it, else in the store's
(the zone of the ``opening`` datetime). The store's zone is named whenever the
shopper's is unknown or keeps a different clock.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.messages import ENGLISH, Messages

_ZONE_NAMES = {
    "America/New_York": "eastern",
    "America/Detroit": "eastern",
    "America/Toronto": "eastern",
    "America/Chicago": "central",
    "America/Winnipeg": "central",
    "America/Denver": "mountain",
    "America/Edmonton": "mountain",
    "America/Phoenix": "arizona",
    "America/Los_Angeles": "pacific",
    "America/Vancouver": "pacific",
    "America/Anchorage": "alaska",
    "Pacific/Honolulu": "hawaii",
    "Europe/London": "uk",
    "UTC": "utc",
    "Etc/UTC": "utc",
}


def _say(msgs: Messages | None) -> Messages:
    return msgs or Messages(ENGLISH)


def zone_name(zone: tzinfo | None, msgs: Messages | None = None) -> str:
    """ "Eastern time", else the city ("Tokyo time"), else "UTC"."""
    say = _say(msgs)
    key = getattr(zone, "key", None)
    if key is None:
        return say.text("zone.utc")
    if key in _ZONE_NAMES:
        return say.text(f"zone.{_ZONE_NAMES[key]}")
    return say.text("zone.city", city=key.rsplit("/", 1)[-1].replace("_", " "))


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # a browser sent nonsense: treat as unknown


def clock(t: datetime, msgs: Messages | None = None) -> str:
    """ "9 AM", "2:30 PM", "noon", "12 AM"; or a 24-hour "14:30" where the language uses one."""
    say = _say(msgs)
    twelve = say.text("format.clock") == "12h"
    if twelve and (t.hour, t.minute) == (12, 0):
        return say.text("clock.noon")
    hour = (t.hour % 12 or 12) if twelve else t.hour
    key = "clock.am" if t.hour < 12 else "clock.pm"
    if t.minute:
        return say.text(f"{key}_minutes", hour=hour, minute=f"{t.minute:02d}")
    return say.text(key, hour=hour)


def day_words(day: date, today: date, msgs: Messages | None = None) -> str:
    """ "today", "tomorrow", "on Monday" (within six days), "on Friday, December 26"."""
    say = _say(msgs)
    ahead = (day - today).days
    if ahead <= 0:
        return say.text("when.today")
    if ahead == 1:
        return say.text("when.tomorrow")
    weekday = say.text(f"weekday.{day.weekday()}")
    if ahead <= 6:
        return say.text("when.on_weekday", weekday=weekday)
    key = "when.on_date_year" if day.year != today.year else "when.on_date"
    month = say.text(f"month.{day.month}")
    return say.text(key, weekday=weekday, month=month, day=day.day, year=day.year)


def _at(day: str, t: datetime, say: Messages) -> str:
    """ "tomorrow at 9 AM"; Spanish and Portuguese say one o'clock differently ("a la 1:00")."""
    twelve = say.text("format.clock") == "12h"
    one = ((t.hour % 12 or 12) if twelve else t.hour) == 1
    return say.text("when.at_one" if one else "when.at", day=day, clock=clock(t, say))


def when_phrase(
    opening: datetime, now: datetime, shopper_tz: str | None = None, msgs: Messages | None = None
) -> str:
    """The next opening in the shopper's words ("on Monday at 9 AM"), naming a zone when needed."""
    say = _say(msgs)
    if opening <= now:
        return say.text("when.now")
    store, shopper = opening.tzinfo, _zone(shopper_tz)
    view = shopper or store
    local = opening.astimezone(view)
    text = _at(day_words(local.date(), now.astimezone(view).date(), say), local, say)
    if shopper is None:
        return say.text("when.with_zone", moment=text, zone=zone_name(store, say))
    there = opening.astimezone(store)
    if there.utcoffset() == local.utcoffset():
        return text  # same clock: no zone to name
    zone = zone_name(store, say)
    if there.date() == local.date():
        away = say.text("when.there", clock=clock(there, say), zone=zone)
    else:
        weekday = say.text(f"weekday.{there.weekday()}")
        away = say.text("when.there_weekday", weekday=weekday, clock=clock(there, say), zone=zone)
    return say.text("when.your_time", moment=text, there=away)
