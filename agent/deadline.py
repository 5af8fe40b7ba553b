"""The per-turn deadline: every model and embeddings call of one shopper turn shares it.

The runtime opens a turn with :func:`turn_deadline`; the OpenAI door asks
:func:`remaining` before each attempt, shortens its timeouts to fit, and gives
up rather than sleep past it (a Retry-After of 60 s does not fit a 12 s turn).
Outside a turn (ingest, the CLI) there is no deadline: ``remaining()`` is None.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["remaining", "turn_deadline"]

_ends_at: ContextVar[float | None] = ContextVar("turn_deadline", default=None)


@contextmanager
def turn_deadline(seconds: float) -> Iterator[None]:
    """Within this block, calls to the endpoints end by ``seconds`` from now (a nested
    block never extends an outer one)."""
    outer = _ends_at.get()
    ends = time.monotonic() + seconds
    token = _ends_at.set(ends if outer is None else min(ends, outer))
    try:
        yield
    finally:
        _ends_at.reset(token)


def remaining() -> float | None:
    """Seconds left in the current turn (0 when spent); None outside a turn."""
    ends = _ends_at.get()
    return None if ends is None else max(0.0, ends - time.monotonic())


def ends_at() -> float | None:
    """The turn's end on the ``time.monotonic`` clock; None outside a turn."""
    return _ends_at.get()
