"""A circuit breaker per endpoint: after N failures in a row, skip it for a while.

closed --(N failures in a row)--> open --(cool-down passed)--> half-open
half-open --(the one trial call succeeds)--> closed; --(it fails)--> open again

While open, a call fails at once, so a shopper's turn hands off in
milliseconds instead of waiting on an endpoint that is known to be down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

__all__ = ["CircuitBreaker"]

State = Literal["closed", "open", "half-open"]


class CircuitBreaker:
    """Counts consecutive failures of one endpoint; thread-safe."""

    def __init__(
        self,
        name: str,
        failures: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> State:
        with self._lock:
            return self._state()

    def _state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_s:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one trial call at a time."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self._trial:
                self._trial = True
                return True
            return False

    def retry_in(self) -> float:
        """Seconds until the breaker lets a trial call through (0 when closed)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown_s - (self._clock() - self._opened_at))

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row, self._opened_at, self._trial = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self._in_a_row += 1
            if self._trial or self._in_a_row >= self.failures:
                self._opened_at = self._clock()
            self._trial = False
