"""A streamed turn's events read on an event loop (the service) or by a blocking reader:
the same events, in the same order, woken by the turn's own thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from agent.reply import BotReply
from agent.runtime import Emit
from agent.streaming import StreamEvent, run_streamed

SENTENCES = ["Returns are free within 30 days.", "Unworn items only."]


def _reply(kind: str = "answer") -> BotReply:
    return BotReply(conversation_id="t1", kind=kind, messages=[" ".join(SENTENCES)])


def _turn(pause_s: float) -> Callable[[Emit], BotReply]:
    def turn(emit: Emit) -> BotReply:
        for sentence in SENTENCES:
            time.sleep(pause_s)  # the model writing
            emit(("sentence", {"sentence": sentence, "citations": ["policies/returns.md#0"]}))
        emit(("shown", " ".join(SENTENCES)))
        return _reply()

    return turn


async def _collect(events: object) -> list[tuple[float, StreamEvent]]:
    return [(time.monotonic(), e) async for e in events]  # type: ignore[attr-defined]


def test_async_and_blocking_readers_see_the_same_events() -> None:
    blocking = list(run_streamed(_turn(0.0), 5, _reply))
    woken = [e for _, e in asyncio.run(_collect(run_streamed(_turn(0.0), 5, _reply)))]
    assert woken == blocking
    assert [e.event for e in woken] == ["message", "message", "done"]
    assert [e.data["text"] for e in woken[:2]] == SENTENCES
    assert woken[-1].data["reply"]["kind"] == "answer"  # the shown message is not repeated


def test_each_sentence_reaches_the_loop_as_the_turn_writes_it() -> None:
    started = time.monotonic()
    got = asyncio.run(_collect(run_streamed(_turn(0.3), 5, _reply)))
    assert got[0][1].event == "message" and got[-1][1].event == "done"
    assert got[0][0] - started >= 0.3
    assert got[-1][0] - got[0][0] >= 0.2  # not held until the turn ends, 0.3 s later


def test_a_silent_turn_ends_with_the_failed_reply_on_the_loop() -> None:
    release = threading.Event()

    def stuck(emit: Emit) -> BotReply:
        release.wait(5)
        return _reply()

    try:
        got = [
            e for _, e in asyncio.run(_collect(run_streamed(stuck, 0.2, lambda: _reply("error"))))
        ]
    finally:
        release.set()
    assert [e.event for e in got] == ["message", "done"]
    assert got[-1].data["reply"]["kind"] == "error"


def test_a_turn_that_raises_raises_in_the_async_reader() -> None:
    def broken(emit: Emit) -> BotReply:
        raise RuntimeError("the turn broke")

    with pytest.raises(RuntimeError, match="the turn broke"):
        asyncio.run(_collect(run_streamed(broken, 5, _reply)))
