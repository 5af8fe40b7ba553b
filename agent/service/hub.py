"""Wake-ups for the widget's event stream (``GET /v1/conversations/{id}/events``).

Whoever changes a conversation a shopper may be watching (an agent's reply from a page or a
helpdesk webhook, a pick-up, a resolution, a wait update) calls
``request.app.state.hub.publish(conversation_id, event)``. Subscribers in this process wake
at once; the stream also re-reads the conversation on a timer, so a change made by another
replica reaches the shopper too, only later.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import Any


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = (
            defaultdict(set)
        )

    def subscribe(self, conversation_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        with self._lock:
            self._subscribers[conversation_id].add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue) -> None:
        with self._lock:
            subs = self._subscribers.get(conversation_id, set())
            for item in [s for s in subs if s[1] is queue]:
                subs.discard(item)
            if not subs:
                self._subscribers.pop(conversation_id, None)

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Safe from any thread (sync routes run in a thread pool)."""
        with self._lock:
            subs = list(self._subscribers.get(conversation_id, ()))
        for loop, queue in subs:
            loop.call_soon_threadsafe(_offer, queue, event)

    def subscribers(self, conversation_id: str) -> int:
        with self._lock:
            return len(self._subscribers.get(conversation_id, ()))


def _offer(queue: asyncio.Queue, event: dict[str, Any]) -> None:
    if queue.full():  # a stalled reader loses the oldest wake-up, never blocks a writer
        queue.get_nowait()
    queue.put_nowait(event)


def changed(app: Any, conversation_id: str, kind: str = "feed") -> None:
    """Wake the event streams watching ``conversation_id`` (call it after
    ``agent_message``, ``picked_up``, ``resolve`` or anything else that appends to the
    conversation's feed). ``app`` is the FastAPI app (``request.app``); safe from any thread."""
    hub = getattr(getattr(app, "state", None), "hub", None)
    if hub is not None:
        hub.publish(conversation_id, {"kind": kind})
