"""The circuit breaker's states, and the per-turn deadline, on their own."""

from __future__ import annotations

import time

import httpx
import pytest

from agent import deadline
from agent.breaker import CircuitBreaker
from agent.http_deadline import DeadlineTransport


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_n_failures_in_a_row_and_half_opens_after_the_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker("llm", failures=3, cooldown_s=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failed()
    breaker.succeeded()  # a success in between: the count starts again
    for _ in range(3):
        assert breaker.allow()
        breaker.failed()
    assert breaker.state == "open" and not breaker.allow()
    assert breaker.retry_in() == pytest.approx(30)
    clock.now += 30
    assert breaker.state == "half-open"
    assert breaker.allow() and not breaker.allow()  # one trial call at a time
    breaker.failed()  # the trial failed: open for another cool-down
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 30
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state == "closed" and breaker.allow()


def test_the_deadline_is_shared_and_never_extended_by_a_nested_block() -> None:
    assert deadline.remaining() is None
    with deadline.turn_deadline(1.0):
        with deadline.turn_deadline(60):
            left = deadline.remaining()
            assert left is not None and left <= 1.0
        time.sleep(0.05)
        left = deadline.remaining()
        assert left is not None and 0.5 < left < 1.0
    assert deadline.remaining() is None


class Trickle(httpx.BaseTransport):
    """A server that sends one byte every 0.1 s: no read ever times out."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def body():
            for _ in range(20):
                time.sleep(0.1)
                yield b" "

        return httpx.Response(200, content=body())


def test_a_trickling_body_is_cut_at_the_deadline() -> None:
    client = httpx.Client(transport=DeadlineTransport(Trickle()))
    started = time.monotonic()
    with deadline.turn_deadline(0.5), pytest.raises(httpx.ReadTimeout):
        client.get("http://127.0.0.1/")
    assert time.monotonic() - started < 1.0
    assert client.get("http://127.0.0.1/").content == b" " * 20  # no deadline: untouched
