from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.errors import ConfigError, InputError
from agent.ops.hours import Hours, is_open, next_opening, parse_day, reopening_phrase
from agent.settings import Settings

WEEKDAYS = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
NY = Hours(timezone="America/New_York", weekly=WEEKDAYS, holidays=[date(2026, 12, 25)])


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_always_open_by_default():
    hours = Hours()
    assert hours.always_open
    at = utc(2026, 12, 25, 3, 0)
    assert is_open(hours, at) and next_opening(hours, at) == at


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (utc(2026, 1, 5, 13, 59), False),  # Monday 08:59 EST
        (utc(2026, 1, 5, 14, 0), True),  # 09:00 EST
        (utc(2026, 1, 5, 21, 59), True),  # 16:59 EST
        (utc(2026, 1, 5, 22, 0), False),  # 17:00 EST: the end is exclusive
        (utc(2026, 7, 6, 13, 0), True),  # Monday 09:00 EDT
        (utc(2026, 7, 6, 21, 0), False),  # 17:00 EDT
        (utc(2026, 1, 10, 15, 0), False),  # Saturday
        (utc(2026, 12, 25, 15, 0), False),  # a holiday (a Friday)
    ],
)
def test_weekday_hours_in_new_york(at, open_):
    assert is_open(NY, at) is open_


def test_the_dst_week_keeps_wall_clock_hours():
    # US clocks spring forward on Sunday 2026-03-08: Friday opens 14:00 UTC, Monday 13:00 UTC.
    assert next_opening(NY, utc(2026, 3, 6, 3, 0)) == utc(2026, 3, 6, 14, 0)
    monday = next_opening(NY, utc(2026, 3, 7, 12, 0))
    assert monday == utc(2026, 3, 9, 13, 0)
    assert (monday.hour, monday.utcoffset()) == (9, timedelta(hours=-4))
    # and fall back on 2026-11-01
    assert next_opening(NY, utc(2026, 10, 31, 12, 0)) == utc(2026, 11, 2, 14, 0)


def test_an_overnight_shift_runs_into_the_next_day():
    night = Hours(timezone="Europe/London", weekly={"fri": "22:00-06:00"})
    assert is_open(night, utc(2026, 1, 9, 23, 0))  # Friday 23:00
    assert is_open(night, utc(2026, 1, 10, 5, 59))  # Saturday, not a working day, still on shift
    assert not is_open(night, utc(2026, 1, 10, 6, 0))
    assert next_opening(night, utc(2026, 1, 10, 7, 0)) == utc(2026, 1, 16, 22, 0)


def test_a_holiday_closes_its_whole_day_even_mid_shift():
    night = Hours(weekly={"thu": "22:00-06:00", "fri": "09:00-17:00"}, holidays=["2026-12-25"])
    assert is_open(night, utc(2026, 12, 24, 23, 59))
    assert not is_open(night, utc(2026, 12, 25, 0, 0))  # Christmas (a Friday) begins
    assert next_opening(night, utc(2026, 12, 24, 23, 0)) == utc(2026, 12, 24, 23, 0)
    assert next_opening(night, utc(2026, 12, 25, 1, 0)) == utc(2026, 12, 31, 22, 0)


def test_a_closed_weekend_reopens_on_monday():
    friday_evening = utc(2026, 1, 9, 23, 0)  # 18:00 in New York
    opening = next_opening(NY, friday_evening)
    assert opening == utc(2026, 1, 12, 14, 0)
    assert reopening_phrase(NY, friday_evening, "America/New_York") == "on Monday at 9 AM"
    assert reopening_phrase(NY, friday_evening) == "on Monday at 9 AM Eastern time"


def test_nothing_within_the_horizon_is_none():
    closed = Hours(
        weekly={"mon": "09:00-17:00"},
        holidays=[date(2026, 1, 5) + timedelta(weeks=w) for w in range(6)],
    )
    at = utc(2026, 1, 1)
    assert next_opening(closed, at) is None
    assert next_opening(closed, at, within_days=60) == utc(2026, 2, 16, 9, 0)
    assert reopening_phrase(closed, at) == "as soon as we reopen"
    assert next_opening(Hours(weekly={}), at) is None


@pytest.mark.parametrize(
    ("spec", "spans"),
    [
        ("closed", ()),
        ("open", ((0, 1440),)),
        ("00:00-24:00", ((0, 1440),)),
        ("13:00-17:00, 9:00-12:00", ((540, 720), (780, 1020))),
        ("22:00-06:00", ((1320, 1800),)),
    ],
)
def test_day_specs(spec, spans):
    assert parse_day(spec) == spans


@pytest.mark.parametrize("spec", ["9-5", "25:00-26:00", "09:00-24:30", "09:60-10:00", "sometimes"])
def test_bad_day_specs_fail_at_load(tmp_path, spec):
    path = tmp_path / "store.toml"
    path.write_text(f'[handoff.hours]\nweekly = {{ mon = "{spec}" }}\n')
    with pytest.raises(ConfigError, match="handoff.hours.weekly"):
        Settings.load(path)


def test_a_queue_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "store.toml"
    path.write_text(
        '[handoff.hours]\ntimezone = "America/New_York"\nholidays = ["2026-12-25"]\n'
        'weekly = { mon = "09:00-17:00", sat = "10:00-14:00", sun = "closed" }\n'
        '[handoff.queues.vip.hours]\nweekly = { sat = "open", sun = "open" }\n'
    )
    handoff = Settings.load(path).handoff
    vip = handoff.hours_for("vip")
    assert (vip.timezone, vip.holidays, vip.weekly) == (
        "America/New_York", [date(2026, 12, 25)], {"sat": "open", "sun": "open"})  # fmt: skip
    assert handoff.hours_for("billing") == handoff.hours
    assert handoff.queues["vip"].team == "your dedicated VIP concierge"
    assert Settings.load().handoff.hours_for("vip").always_open


def test_a_naive_time_is_refused():
    with pytest.raises(InputError):
        is_open(NY, datetime(2026, 1, 5, 12, 0))


ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",
]
TIMES = st.sampled_from(["closed", "open", "09:00-17:00", "22:00-06:00", "00:00-02:30", "01:30-03:00",
                         "02:00-02:30", "12:00-13:00, 14:00-23:59", "23:00-23:30"])  # fmt: skip
HOURS = st.builds(
    Hours,
    timezone=st.sampled_from(ZONES),
    weekly=st.none()
    | st.dictionaries(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), TIMES),
    holidays=st.lists(st.dates(date(2025, 12, 20), date(2027, 1, 10)), max_size=8),
)
MOMENTS = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(hours=HOURS, at=MOMENTS)
def test_next_opening_is_open_and_not_before_now(hours, at):
    opening = next_opening(hours, at)
    if opening is None:
        return
    assert opening >= at
    assert is_open(hours, opening)
    # (compare timestamps: == between zones is False for ambiguous wall times, PEP 495)
    assert (opening.timestamp() == at.timestamp()) is is_open(hours, at)
    for k in (1, 2, 3) if opening > at else ():  # nothing opens in between
        assert not is_open(hours, at + (opening - at) * k / 4)
