"""Timing and memory helpers: interleaved runs, percentiles, resident memory."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["interleaved", "percentile", "rss_mb", "timed"]

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def interleaved(
    calls: dict[str, Callable[[Any], object]],
    items: list[Any],
    rounds: int,
    tick: Callable[[], None] | None = None,
) -> dict[str, list[float]]:
    """Milliseconds of every call on every item (round-major, then item order), the calls
    taking turns (their order flips each round) so that a noisy neighbour slows both alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for round_ in range(rounds):
        for item in items:
            for name in names if round_ % 2 == 0 else reversed(names):
                seconds, _ = timed(partial(calls[name], item))
                times[name].append(seconds * 1000)
            if tick is not None:
                tick()
    return times


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def rss_mb(peak: bool = False) -> float:
    """Resident memory of this process in MB, now or at its peak (VmRSS / VmHWM on Linux;
    elsewhere ru_maxrss, which is always the peak)."""
    status = Path("/proc/self/status")
    if status.is_file():
        field = "VmHWM:" if peak else "VmRSS:"
        for line in status.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
