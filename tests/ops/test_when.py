from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agent.messages import Messages
from agent.ops.hours import when_phrase
from agent.ops.when import clock, zone_name

NY = ZoneInfo("America/New_York")


def ny(*args):
    return datetime(*args, tzinfo=NY)


# 2026-12-17 is a Thursday.
@pytest.mark.parametrize(
    ("opening", "now", "phrase"),
    [
        (ny(2026, 12, 17, 14, 0), ny(2026, 12, 17, 8, 0), "today at 2 PM"),
        (ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0), "tomorrow at 9 AM"),
        (ny(2026, 12, 21, 9, 0), ny(2026, 12, 18, 18, 0), "on Monday at 9 AM"),
        (ny(2026, 12, 24, 9, 30), ny(2026, 12, 18, 9, 0), "on Thursday at 9:30 AM"),
        (ny(2026, 12, 26, 9, 0), ny(2026, 12, 17, 18, 0), "on Saturday, December 26 at 9 AM"),
        (ny(2027, 1, 4, 12, 0), ny(2026, 12, 24, 18, 0), "on Monday, January 4, 2027 at noon"),
        (ny(2026, 12, 17, 14, 0), ny(2026, 12, 17, 14, 0), "now"),
    ],
)
def test_phrases_in_the_shoppers_zone(opening, now, phrase):
    assert when_phrase(opening, now, "America/New_York") == phrase
    assert when_phrase(opening, now, "America/Toronto") == phrase  # another name, the same clock


def test_the_store_zone_is_named_when_the_shoppers_is_unknown():
    opening, now = ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0)
    assert when_phrase(opening, now, None) == "tomorrow at 9 AM Eastern time"
    assert when_phrase(opening, now, "Not/AZone") == "tomorrow at 9 AM Eastern time"


def test_a_shopper_elsewhere_gets_their_time_and_ours():
    opening, now = ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0)
    assert when_phrase(opening, now, "America/Los_Angeles") == (
        "tomorrow at 6 AM your time (9 AM Eastern time)"
    )
    # noon Thursday in New York is 2 AM Friday in Tokyo; 9 PM Thursday is 11 AM Friday there
    late = ny(2026, 12, 17, 21, 0)
    assert when_phrase(late, ny(2026, 12, 17, 12, 0), "Asia/Tokyo") == (
        "today at 11 AM your time (Thursday 9 PM Eastern time)"
    )


def test_days_count_across_dst_by_calendar_date():
    # Sunday 2026-03-08 is 23 hours long in New York.
    assert when_phrase(ny(2026, 3, 9, 9, 0), ny(2026, 3, 8, 0, 30), None) == (
        "tomorrow at 9 AM Eastern time"
    )


def test_zone_names_and_clock():
    assert zone_name(ZoneInfo("America/Los_Angeles")) == "Pacific time"
    assert zone_name(ZoneInfo("America/Argentina/Buenos_Aires")) == "Buenos Aires time"
    assert zone_name(UTC) == "UTC"
    times = [datetime(2026, 1, 1, h, m) for h, m in ((0, 0), (9, 5), (12, 0), (12, 30), (23, 0))]
    assert [clock(t) for t in times] == ["12 AM", "9:05 AM", "noon", "12:30 PM", "11 PM"]


@pytest.mark.parametrize(
    ("language", "opening", "now", "shopper_tz", "phrase"),
    [
        ("es", ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0), None,
         "mañana a las 9:00, hora del Este de EE. UU."),
        ("es", ny(2026, 12, 21, 1, 30), ny(2026, 12, 18, 18, 0), "America/New_York",
         "el lunes a la 1:30"),
        ("fr", ny(2026, 12, 26, 14, 0), ny(2026, 12, 17, 18, 0), "America/New_York",
         "le samedi 26 décembre à 14 h"),
        ("de", ny(2027, 1, 4, 12, 0), ny(2026, 12, 24, 18, 0), "America/New_York",
         "am Montag, 4. Januar 2027 um 12:00 Uhr"),
        ("pt", ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0), "Europe/Lisbon",
         "amanhã às 14h no seu horário (9h, horário do leste dos EUA)"),
        ("es", ny(2026, 12, 18, 9, 0), ny(2026, 12, 17, 18, 0), "Asia/Tokyo",
         "hoy a las 23:00, en su hora local (9:00, hora del Este de EE. UU.)"),
    ],
)  # fmt: skip
def test_phrases_in_other_languages(language, opening, now, shopper_tz, phrase):
    assert when_phrase(opening, now, shopper_tz, Messages(language)) == phrase


def test_an_unnamed_zone_is_named_by_its_city_in_the_language():
    assert zone_name(ZoneInfo("America/Argentina/Buenos_Aires"), Messages("es")) == (
        "hora de Buenos Aires"
    )
    assert clock(datetime(2026, 1, 1, 12, 0), Messages("fr")) == "12 h"
