"""A moment told the way a person says it: "tomorrow at 9 AM Eastern time".

Days are counted in the shopper's zone when we know it, else in the store's
(the zone of the ``opening`` datetime). The store's zone is named whenever the
shopper's is unknown or keeps a different clock.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_ZONE_NAMES = {
    "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time",
    "America/Toronto": "Eastern time",
    "America/Chicago": "Central time",
    "America/Winnipeg": "Central time",
    "America/Denver": "Mountain time",
    "America/Edmonton": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Vancouver": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
    "Europe/London": "UK time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


def zone_name(zone: tzinfo | None) -> str:
    """ "Eastern time", else the city ("Tokyo time"), else "UTC"."""
    key = getattr(zone, "key", None)
    if key is None:
        return "UTC"
    return _ZONE_NAMES.get(key, key.rsplit("/", 1)[-1].replace("_", " ") + " time")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # a browser sent nonsense: treat as unknown


def clock(t: datetime) -> str:
    """ "9 AM", "2:30 PM", "noon", "12 AM"."""
    if (t.hour, t.minute) == (12, 0):
        return "noon"
    hour = t.hour % 12 or 12
    minutes = f":{t.minute:02d}" if t.minute else ""
    return f"{hour}{minutes} {'AM' if t.hour < 12 else 'PM'}"


def day_words(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Monday" (within six days), "on Friday, December 26"."""
    ahead = (day - today).days
    if ahead <= 0:
        return "today"
    if ahead == 1:
        return "tomorrow"
    weekday = _WEEKDAYS[day.weekday()]
    if ahead <= 6:
        return f"on {weekday}"
    year = f", {day.year}" if day.year != today.year else ""
    return f"on {weekday}, {_MONTHS[day.month - 1]} {day.day}{year}"


def when_phrase(opening: datetime, now: datetime, shopper_tz: str | None = None) -> str:
    """The next opening in the shopper's words ("on Monday at 9 AM"), naming a zone when needed."""
    if opening <= now:
        return "now"
    store, shopper = opening.tzinfo, _zone(shopper_tz)
    view = shopper or store
    local = opening.astimezone(view)
    text = f"{day_words(local.date(), now.astimezone(view).date())} at {clock(local)}"
    if shopper is None:
        return f"{text} {zone_name(store)}"
    there = opening.astimezone(store)
    if there.utcoffset() == local.utcoffset():
        return text  # same clock: no zone to name
    weekday = "" if there.date() == local.date() else f"{_WEEKDAYS[there.weekday()]} "
    return f"{text} your time ({weekday}{clock(there)} {zone_name(store)})"
