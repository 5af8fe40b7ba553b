"""A turn as a stream of events, for the widget's ``text/event-stream`` replies.

Events, in order: ``message`` (one shown line; ``{"text": ...}``) once per line the shopper
is shown, then ``citations`` (``{"citations": [...]}``, only for an answer), then ``done``
(``{"reply": <BotReply as JSON>}``). Nothing is sent that the grounding gate has not passed.

Without a model (the offline backend) the turn runs whole and each of its messages is one
event. With a model, the answer streams from the model and each sentence is sent once it is
complete and the grounding gate has passed it with its citations (``EscalationAgent.stream``):
its ``message`` event also carries ``citations``, the ids of the chunks it cites. If the rest
of the draft then fails the gate, the next ``message`` says so plainly and the reply is a
handoff. A message's retry (the same ``message_id``) replays the filed reply, one event per
message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.reply import BotReply
    from agent.runtime import Emit, EscalationAgent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamEvent:
    event: str
    """``message``, ``citations`` or ``done``."""
    data: dict[str, Any] = field(default_factory=dict)


def reply_events(reply: BotReply, shown: str | None = None) -> Iterator[StreamEvent]:
    """A finished reply as events: one per message (but ``shown``, already streamed sentence
    by sentence), its citations, then done."""
    for text in reply.messages:
        if text == shown:
            shown = None
            continue
        yield StreamEvent("message", {"text": text})
    if reply.citations:
        yield StreamEvent(
            "citations", {"citations": [c.model_dump(mode="json") for c in reply.citations]}
        )
    yield StreamEvent("done", {"reply": reply.model_dump(mode="json")})


def stream_turn(
    agent: EscalationAgent, conversation_id: str, text: str | bytes, **send: Any
) -> Iterator[StreamEvent]:
    """One shopper message as events (``send`` takes :meth:`EscalationAgent.send`'s keywords):
    streamed from the model when it can stream (the turn starts now, in a thread of its own),
    else the whole turn at the first ``next()``, then its events. Either way an InputError
    comes before any event."""
    if getattr(agent.context.llm, "stream_answer", None) is not None:
        return agent.stream(conversation_id, text, **send)
    return _whole(agent, conversation_id, text, send)


def _whole(
    agent: EscalationAgent, conversation_id: str, text: str | bytes, send: dict[str, Any]
) -> Iterator[StreamEvent]:
    yield from reply_events(agent.send(conversation_id, text, **send))


def run_streamed(
    turn: Callable[[Emit], BotReply], wait_s: float, failed: Callable[[], BotReply]
) -> TurnEvents:
    """Run ``turn`` in a thread of its own now, and return its events as they happen.

    The turn does not depend on the reader: one who stops reading (a closed connection)
    leaves it to finish, journal and file its reply. ``failed`` is the reply when no word
    has come from the turn for ``wait_s`` (it has its own deadline; this is a backstop).
    """
    events = TurnEvents(wait_s, failed)

    def work() -> None:
        try:
            events.put(("reply", turn(events.put)))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
            events.put(("error", exc))

    threading.Thread(target=work, name="escalate-stream-turn", daemon=True).start()
    return events


class TurnEvents:
    """The events of a turn running in its own thread, read either way:

    - ``next()`` / ``for``: the reader's thread blocks until the next one;
    - ``async for`` (the service): the turn's thread wakes the event loop itself, so no
      thread sits waiting for it and a sentence is written to the socket one hop after the
      gate passed it.
    """

    def __init__(self, wait_s: float, failed: Callable[[], BotReply]) -> None:
        self.wait_s = wait_s
        self._failed = failed
        self._happened: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._wake: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._shown: str | None = None
        self._sync: Iterator[StreamEvent] | None = None

    def put(self, item: tuple[str, Any]) -> None:
        """What the turn says (its thread): ``sentence``, ``shown``, ``reply`` or ``error``."""
        self._happened.put(item)
        with self._lock:
            wake = self._wake
        if wake is not None:
            wake()

    def _step(self, kind: str, item: Any) -> tuple[list[StreamEvent], bool]:
        """The events one item makes, and whether it was the last."""
        if kind == "sentence":
            return [
                StreamEvent("message", {"text": item["sentence"], "citations": item["citations"]})
            ], False
        if kind == "shown":
            self._shown = item
            return [], False
        if kind == "reply":
            return list(reply_events(item, self._shown)), True
        raise item

    def __iter__(self) -> Iterator[StreamEvent]:
        return self

    def __next__(self) -> StreamEvent:
        if self._sync is None:
            self._sync = self._blocking()
        return next(self._sync)

    def _blocking(self) -> Iterator[StreamEvent]:
        while True:
            try:
                kind, item = self._happened.get(timeout=self.wait_s)
            except queue.Empty:
                log.error("a streamed turn said nothing for %.0fs", self.wait_s)
                yield from reply_events(self._failed())
                return
            events, last = self._step(kind, item)
            yield from events
            if last:
                return

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._woken()

    async def _woken(self) -> AsyncIterator[StreamEvent]:
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody to tell
                loop.call_soon_threadsafe(ready.set)

        with self._lock:
            self._wake = wake
        try:
            while True:
                ready.clear()  # before looking: a put after the look sets it again
                try:
                    kind, item = self._happened.get_nowait()
                except queue.Empty:
                    try:
                        await asyncio.wait_for(ready.wait(), timeout=self.wait_s)
                    except TimeoutError:
                        log.error("a streamed turn said nothing for %.0fs", self.wait_s)
                        for event in reply_events(await asyncio.to_thread(self._failed)):
                            yield event
                        return
                    continue
                events, last = self._step(kind, item)
                for event in events:
                    yield event
                if last:
                    return
        finally:
            with self._lock:
                self._wake = None
