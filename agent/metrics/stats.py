"""The measures a report is made of: a rate, a spread of durations, a mean.

An empty measure is None (shown as "missing"), never 0: no handoffs is not a
0 % handoff rate, it is nothing to measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import floor

from pydantic import BaseModel, ConfigDict, computed_field


class Rate(BaseModel):
    """``count`` out of ``total``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    count: int
    total: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float | None:
        """count ÷ total; None when total is 0."""
        return self.count / self.total if self.total else None


class Spread(BaseModel):
    """Durations in seconds: how many, the median and the 90th percentile."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    count: int
    p50: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread:
        return cls(count=len(seconds), p50=percentile(seconds, 0.5), p90=percentile(seconds, 0.9))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between the two nearest ranks (numpy's default); None if empty.

    For [10, 20, 30, 40]: p50 is 25, p90 is 37.
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
