"""The chat widget's API (role ``widget``): ``/v1/conversations/{id}/...``.

- ``POST .../messages``: one shopper message; the ``BotReply`` as JSON, or with
  ``Accept: text/event-stream`` the reply as server-sent events (``agent/streaming.py``);
- ``POST .../talk-to-person``: the "Talk to a person" button;
- ``GET /v1/conversations/{id}``: transcript, mode, last handoff;
- ``GET .../events``: what the shopper is owed between replies (a person's line, a pick-up,
  a resolution, a wait update) as server-sent events, resumable with ``Last-Event-ID``.

The runtime is synchronous: its calls run in the thread pool (plain ``def`` routes,
``run_in_threadpool``), never on the event loop. A turn that streams from a model runs in a
thread of its own, which wakes the loop for each event (``agent.streaming.TurnEvents``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from agent.reply import BotReply
from agent.runtime import Conversation, EscalationAgent, _check_id
from agent.service.auth import require_role
from agent.service.errors import ApiError
from agent.service.hub import changed
from agent.streaming import StreamEvent, TurnEvents, stream_turn

router = APIRouter(
    prefix="/v1/conversations", tags=["widget"], dependencies=[Depends(require_role("widget"))]
)

EVENTS_POLL_S = 1.0
"""The event stream re-reads the feed this often (another replica may have written)."""
EVENTS_HEARTBEAT_S = 15.0
EVENTS_LIFETIME_S = 600.0
"""A stream ends after this long; the browser's EventSource reconnects with Last-Event-ID."""
EVENTS_BATCH = 100
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


class Where(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer: dict[str, Any] | None = None
    """The customer record (name, email, tier, orders...) as the store knows it."""
    vertical: str | None = None
    channel: str | None = Field(None, examples=["chat"])
    """chat, email, voice or social."""
    locale: str | None = Field(None, examples=["en-US"])
    """The shopper's locale (BCP 47)."""
    timezone: str | None = Field(None, examples=["America/New_York"])
    """The shopper's time zone (IANA)."""
    message_id: str | None = None
    """The widget's id for this message: a retry with the same id gets the same reply."""


class MessageIn(Where):
    text: str = Field(..., max_length=1_000_000, examples=["Where is my order NW-10482?"])
    """What the shopper typed (may be empty: the bot asks what they need)."""


def _agent(request: Request) -> EscalationAgent:
    agent: EscalationAgent = request.app.state.agent
    return agent


def _kwargs(body: Where) -> dict[str, Any]:
    return body.model_dump(exclude_none=True, exclude={"text"})


def as_json(model: BaseModel) -> Response:
    """A model the runtime already validated, serialized once (FastAPI's response_model
    would validate it again: measurable on every turn)."""
    return Response(model.model_dump_json(), media_type="application/json")


def wants_stream(accept: str | None) -> bool:
    return "text/event-stream" in (accept or "").lower()


def sse(event: str, data: Any, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/{conversation_id:id}/messages",
    response_model=BotReply,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def post_message(
    conversation_id: str,
    body: MessageIn,
    request: Request,
    accept: str | None = Header(None),
) -> Any:
    """One shopper message; the reply, or with ``Accept: text/event-stream`` its events."""
    agent, metrics = _agent(request), request.app.state.metrics
    kwargs = _kwargs(body)
    started = time.perf_counter()
    if not wants_stream(accept):
        reply = await run_in_threadpool(agent.send, conversation_id, body.text, **kwargs)
        metrics.turn(reply, time.perf_counter() - started)
        return as_json(reply)
    events = stream_turn(agent, conversation_id, body.text, **kwargs)

    def on_done(reply: dict) -> None:
        metrics.turn(reply, time.perf_counter() - started)

    if isinstance(events, TurnEvents):  # a model streams: its thread wakes the loop
        woken = aiter(events)
        first = await anext(woken, None)
        content: Any = _sse_woken(first, woken, on_done)
    else:  # the whole turn runs at the first event: in the thread pool, never on the loop
        # the first event is pulled before the response starts: a bad id or field is a 400
        first = await run_in_threadpool(_first, events)
        content = _sse_events(first, events, on_done)
    return StreamingResponse(content, media_type="text/event-stream", headers=SSE_HEADERS)


def _first(events: Iterator[StreamEvent]) -> StreamEvent | None:
    return next(events, None)


def _sse_events(
    first: StreamEvent | None, rest: Iterator[StreamEvent], on_done: Callable[[dict], None]
) -> Iterator[str]:
    """Sync on purpose: Starlette iterates it in the thread pool (the turn blocks)."""
    if first is None:
        return
    for event in itertools.chain([first], rest):
        if event.event == "done":
            on_done(event.data.get("reply") or {})
        yield sse(event.event, event.data)


async def _sse_woken(
    first: StreamEvent | None, rest: AsyncIterator[StreamEvent], on_done: Callable[[dict], None]
) -> AsyncIterator[str]:
    """A streamed turn's events as the turn's thread hands them over: each is written the
    moment it exists, with no thread hop on the way."""
    event = first
    while event is not None:
        if event.event == "done":
            on_done(event.data.get("reply") or {})
        yield sse(event.event, event.data)
        event = await anext(rest, None)


@router.post("/{conversation_id:id}/talk-to-person", response_model=BotReply)
def talk_to_person(conversation_id: str, body: Where, request: Request) -> Response:
    """The widget's "Talk to a person" button: an immediate handoff."""
    started = time.perf_counter()
    reply = _agent(request).request_human(conversation_id, **_kwargs(body))
    request.app.state.metrics.turn(reply, time.perf_counter() - started)
    changed(request.app, reply.conversation_id)
    return as_json(reply)


@router.get("/{conversation_id:id}", response_model=Conversation)
def get_conversation(conversation_id: str, request: Request) -> Conversation:
    """The transcript, who owns the conversation (bot or human) and its last handoff."""
    view = _agent(request).conversation(conversation_id)
    if view.mode == "new" and not view.transcript:
        raise ApiError(404, "not_found", f"no conversation {conversation_id!r}")
    return view


@router.get(
    "/{conversation_id:id}/events",
    responses={200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
async def events(
    conversation_id: str,
    request: Request,
    after: int | None = Query(None, ge=0, description="Resume after this event id."),
    last_event_id: str | None = Header(None),
) -> StreamingResponse:
    """What the shopper is owed between replies, as server-sent events: ``agent_message``,
    ``picked_up``, ``resolved``, ``wait_update``, ``notice``; each with ``id: <seq>``."""
    cid = _check_id(conversation_id)
    cursor = after or 0
    if last_event_id is not None and last_event_id.strip():
        try:
            cursor = max(cursor, int(last_event_id.strip()))
        except ValueError:
            raise ApiError(400, "invalid_input", "Last-Event-ID must be an event id") from None
    return StreamingResponse(
        _feed_events(request, cid, cursor), media_type="text/event-stream", headers=SSE_HEADERS
    )


async def _feed_events(request: Request, cid: str, cursor: int) -> AsyncIterator[str]:
    state = request.app.state
    agent: EscalationAgent = state.agent
    poll = float(getattr(state, "events_poll_s", EVENTS_POLL_S))
    heartbeat = float(getattr(state, "events_heartbeat_s", EVENTS_HEARTBEAT_S))
    lifetime = float(getattr(state, "events_lifetime_s", EVENTS_LIFETIME_S))
    stopping = getattr(state, "stopping", None) or (lambda: False)
    loop = asyncio.get_running_loop()
    queue = state.hub.subscribe(cid)
    try:
        yield "retry: 3000\n\n"
        start = last_beat = loop.time()
        while loop.time() - start < lifetime:
            if await request.is_disconnected() or stopping():
                return
            items = await run_in_threadpool(agent.feed.since, cid, cursor, EVENTS_BATCH)
            for item in items:
                cursor = item.seq
                yield sse(item.kind, item.model_dump(mode="json"), item.seq)
            if len(items) == EVENTS_BATCH:
                continue  # more are waiting
            if loop.time() - last_beat >= heartbeat:
                last_beat = loop.time()
                yield ": keep-alive\n\n"
            wait = min(poll, max(0.0, lifetime - (loop.time() - start)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queue.get(), timeout=wait)
    finally:
        state.hub.unsubscribe(cid, queue)
