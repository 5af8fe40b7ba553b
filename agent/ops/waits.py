"""An honest wait window from the queue's real state, and how the shopper hears it.

The model is deliberately simple and says what it rests on (``basis``): the
shopper is ``position`` in line, ``agents`` people work the queue, and each
handoff takes an agent about the recent median handle time; the window runs
from the 25th to the 75th percentile. It assumes every agent is busy, so it
errs long rather than short.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from agent.messages import ENGLISH, Messages

MIN_HISTORY = 3
"""Fewer recent handle times than this and the queue's configured typical time is used."""
_CONFIGURED_RANGE = (0.75, 1.5)  # waits run long more often than short


@dataclass(frozen=True)
class QueueState:
    agents_on_shift: int
    ahead: int
    """Open handoffs in the queue, not yet picked up, opened before this one."""
    handle_times_s: list[float] = field(default_factory=list)
    """Recent handle times (pickup to close), any order."""


@dataclass(frozen=True)
class WaitEstimate:
    low_s: float | None
    """None: nobody is on shift, so no honest window exists."""
    high_s: float | None
    position: int
    """1: next in line."""
    basis: str
    """What the estimate rests on, for logs and the agent's screen."""

    @property
    def offline(self) -> bool:
        return self.low_s is None


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def estimate_wait(
    state: QueueState, default_handle_s: float, min_history: int = MIN_HISTORY
) -> WaitEstimate:
    """position / agents x handle time, as a 25th-75th percentile window."""
    position = max(state.ahead, 0) + 1
    if state.agents_on_shift <= 0:
        return WaitEstimate(None, None, position, "no agents on shift")
    times = [t for t in state.handle_times_s if t > 0]
    staff = f"{state.agents_on_shift} on shift, {position - 1} ahead"
    if len(times) >= max(min_history, 1):
        low, mid, high = _quartiles(times)
        basis = (
            f"median handle time {mid / 60:.1f} min over the last {len(times)} handoffs; {staff}"
        )
    else:
        low, high = (default_handle_s * f for f in _CONFIGURED_RANGE)
        basis = f"configured typical handle time {default_handle_s / 60:g} min (no recent history); {staff}"
    share = position / state.agents_on_shift
    return WaitEstimate(low * share, high * share, position, basis)


def window_words(low_s: float, high_s: float, msgs: Messages | None = None) -> str:
    """ "about 4–7 minutes", "about 2–3 hours" (in the catalogue's language)."""
    say = msgs or Messages(ENGLISH)
    low_m = max(1, math.floor(low_s / 60))
    high_m = max(low_m + 1, math.ceil(high_s / 60))
    if high_m <= 90:
        return say.text("wait.minutes", low=low_m, high=high_m)
    low_h = max(1, math.floor(low_s / 3600))
    high_h = max(low_h + 1, math.ceil(high_s / 3600))
    return say.text("wait.hours", low=low_h, high=high_h)


def wait_phrase(estimate: WaitEstimate, msgs: Messages | None = None) -> str:
    """ "You're number 3 in line; the wait is about 4–7 minutes." """
    say = msgs or Messages(ENGLISH)
    key = "wait.next" if estimate.position == 1 else "wait.numbered"
    if estimate.low_s is None or estimate.high_s is None:
        return say.text(f"{key}_nobody", position=estimate.position)
    window = window_words(estimate.low_s, estimate.high_s, say)
    return say.text(key, position=estimate.position, window=window)


def update_phrase(estimate: WaitEstimate, msgs: Messages | None = None) -> str:
    """The second update, for a wait that ran past two minutes."""
    say = msgs or Messages(ENGLISH)
    return say.text("wait.update", wait=wait_phrase(estimate, say))
