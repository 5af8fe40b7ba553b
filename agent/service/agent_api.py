"""``/v1/agent/...``: human agents (the inbox page, the CLI's ``--server`` mode, scripts).

- ``GET  /v1/agent/conversations``: waiting and owned conversations by queue, with waiting time;
- ``GET  /v1/agent/conversations/{id}``: the handoff package, transcript and mode;
- ``POST /v1/agent/conversations/{id}/pick-up`` ``{"agent"}``;
- ``POST /v1/agent/conversations/{id}/reply`` ``{"text", "agent"}``;
- ``POST /v1/agent/conversations/{id}/resolve`` ``{"resolution", "agent"}``.

Each change is a runtime call (``picked_up``, ``agent_message``, ``resolve``) and wakes the
shopper's event stream (``app.state.hub``). Role ``agent``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from agent.ops.board import HANDOFFS
from agent.service.auth import require_role
from agent.service.errors import ApiError

router = APIRouter(
    prefix="/v1/agent", tags=["agent"], dependencies=[Depends(require_role("agent"))]
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent: str = Field("agent", min_length=1, max_length=200)
    """Who acts (shown to the shopper and kept in the transcript)."""


class PickUp(_Body):
    pass


class Reply(_Body):
    text: str = Field(min_length=1, max_length=20_000)


class Resolve(_Body):
    resolution: str = Field(min_length=1, max_length=20_000)


def _since(opened_at: str, until: datetime) -> float:
    return max((until - datetime.fromisoformat(opened_at)).total_seconds(), 0.0)


def inbox(agent: Any, queue: str | None = None) -> list[dict[str, Any]]:
    """Queues, each with its open handoffs (waiting first, oldest first) and waiting times."""
    now = agent.context.clock()
    queues: dict[str, dict[str, Any]] = {}
    for name in agent.settings.handoff.queues if queue is None else [queue]:
        queues[name] = {"queue": name, "waiting": 0, "owned": 0, "conversations": []}
    for handoff_id, record in agent.board.open_handoffs(queue):
        row = queues.setdefault(
            record["queue"],
            {"queue": record["queue"], "waiting": 0, "owned": 0, "conversations": []},
        )
        waiting = record["status"] == "waiting"
        ended = now if waiting else datetime.fromisoformat(record["picked_up_at"])
        item = agent.outbox.get(handoff_id)
        package = item.package if item is not None else {}
        row["waiting" if waiting else "owned"] += 1
        row["conversations"].append(
            {
                "conversation_id": record["conversation_id"],
                "handoff_id": handoff_id,
                "status": "waiting" if waiting else "owned",
                "opened_at": record["opened_at"],
                "picked_up_at": record["picked_up_at"],
                "waiting_s": round(_since(record["opened_at"], ended), 1),
                "summary": package.get("summary", ""),
                "intent": package.get("intent", ""),
                "team": package.get("team", ""),
                "ticket": item.external_id if item is not None else None,
            }
        )
    for row in queues.values():
        row["conversations"].sort(key=lambda c: (c["status"] != "waiting", c["opened_at"]))
        row["agents_on_shift"] = agent.board.staff(row["queue"])
    return list(queues.values())


@router.get("/conversations", summary="Waiting and owned conversations by queue")
def conversations(
    request: Request, queue: str | None = Query(None, max_length=100)
) -> dict[str, Any]:
    agent = request.app.state.agent
    if queue is not None and queue not in agent.settings.handoff.queues:
        raise ApiError(404, "not_found", f"no queue {queue!r}")
    return {"queues": inbox(agent, queue)}


def _view(agent: Any, cid: str) -> Any:
    view = agent.conversation(cid)
    if view.mode == "new":
        raise ApiError(404, "not_found", f"no conversation {cid!r}")
    return view


@router.get(
    "/conversations/{conversation_id:id}", summary="One conversation and its handoff package"
)
def conversation(conversation_id: str, request: Request) -> dict[str, Any]:
    view = _view(request.app.state.agent, conversation_id)
    return view.model_dump(mode="json")


def _publish(request: Request, cid: str, kind: str) -> None:
    request.app.state.hub.publish(cid, {"kind": kind, "conversation_id": cid})


@router.post("/conversations/{conversation_id:id}/pick-up", summary="Take the conversation")
def pick_up(conversation_id: str, body: PickUp, request: Request) -> dict[str, Any]:
    agent = request.app.state.agent
    view = _view(agent, conversation_id)
    handoff_id = view.handoff.id if view.handoff else None
    status: Literal["picked_up", "already_picked_up"] = "picked_up"
    record = agent.store.get(HANDOFFS, handoff_id) if handoff_id else None
    if record is not None and record.value.get("status") == "picked_up" and view.mode == "human":
        status = "already_picked_up"  # a second click is not a second "Sam joined"
    else:
        agent.picked_up(conversation_id, agent=body.agent)
        _publish(request, view.conversation_id, "picked_up")
    return {"status": status, "conversation_id": view.conversation_id, "handoff_id": handoff_id}


@router.post("/conversations/{conversation_id:id}/reply", summary="Write to the shopper")
def reply(conversation_id: str, body: Reply, request: Request) -> dict[str, Any]:
    agent = request.app.state.agent
    _view(agent, conversation_id)
    agent.agent_message(conversation_id, body.text, agent=body.agent)
    _publish(request, conversation_id, "agent_message")
    return {"status": "sent", "conversation_id": conversation_id}


@router.post("/conversations/{conversation_id:id}/resolve", summary="Hand the conversation back")
def resolve(conversation_id: str, body: Resolve, request: Request) -> dict[str, Any]:
    agent = request.app.state.agent
    _view(agent, conversation_id)
    view = agent.resolve(conversation_id, body.resolution, agent=body.agent)
    _publish(request, conversation_id, "resolved")
    proposal = (view.resolution or {}).get("proposal")
    return {
        "status": "resolved",
        "conversation_id": conversation_id,
        "mode": view.mode,
        "proposal": proposal,
    }
