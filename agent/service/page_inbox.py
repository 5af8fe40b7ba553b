"""The agents' inbox: queues with waiting time; a conversation's handoff package; pick up,
reply, resolve (the runtime's calls, then a wake-up for the shopper's event stream)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from agent.errors import ConversationError, InputError
from agent.service import desks
from agent.service.page_kit import form_of, guard, redirect, render, who
from agent.service.paths import segment

router = APIRouter()
ROLE = "agent"
_DONE = {
    "picked_up": "You picked this conversation up; the shopper was told.",
    "replied": "Your reply was sent to the shopper.",
    "resolved": "Resolved: the conversation is back with the bot, and your answer was "
    "proposed for the knowledge base.",
}


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request) -> HTMLResponse:
    session = guard(request, ROLE)
    queues = desks.inbox(request.app.state.agent)
    return render(
        request,
        "inbox.html",
        {"title": "Inbox", "queues": queues, "total": sum(len(q.rows) for q in queues)},
        session=session,
    )


@router.get("/inbox/{conversation_id:id}", response_class=HTMLResponse)
def conversation(request: Request, conversation_id: str, done: str | None = None) -> HTMLResponse:
    session = guard(request, ROLE)
    return _page(request, conversation_id, session, notice=_DONE.get(done or ""))


def _page(
    request: Request, cid: str, session: Any, *, notice: str | None = None,
    error: str | None = None, status: int = 200, draft: str = "",
) -> HTMLResponse:  # fmt: skip
    view = desks.handoff_view(request.app.state.agent, cid)
    if view is None:
        context = {"title": "Not found", "message": f"No handoff in conversation {cid!r}."}
        return render(request, "error.html", context, status=404, session=session)
    now = request.app.state.agent.context.clock()
    board = view.board or {}
    return render(
        request,
        "handoff.html",
        {
            "title": f"Conversation {cid}",
            "v": view,
            "p": view.package,
            "cid": cid,
            "waited": desks.waited(board["opened_at"], now) if board.get("opened_at") else None,
            "board_status": board.get("status"),
            "notice": notice,
            "error": error,
            "draft": draft,
        },
        status=status,
        session=session,
    )


async def _act(request: Request, cid: str, action: str) -> Response:
    session = guard(request, ROLE)
    fields = await form_of(request)  # the runtime's calls block: run them off the event loop
    return await run_in_threadpool(_do, request, cid, session, action, fields.get("text", ""))


def _do(request: Request, cid: str, session: Any, action: str, text: str) -> Response:
    agent, hub = request.app.state.agent, request.app.state.hub
    name = who(session, ROLE)
    try:
        if action == "picked_up":
            agent.picked_up(cid, agent=name)
            event: dict[str, Any] = {"kind": "picked_up", "agent": name}
        elif action == "replied":
            agent.agent_message(cid, text, agent=name)
            event = {"kind": "agent_message", "agent": name, "text": text}
        else:
            agent.resolve(cid, text, agent=name)
            event = {"kind": "resolved", "agent": name}
    except (ConversationError, InputError) as exc:
        status = 409 if isinstance(exc, ConversationError) else 400
        return _page(request, cid, session, error=str(exc), status=status, draft=text)
    hub.publish(cid, event)
    return redirect(f"/inbox/{segment(cid)}?done={action}")


@router.post("/inbox/{conversation_id:id}/pickup")
async def pick_up(request: Request, conversation_id: str) -> Response:
    return await _act(request, conversation_id, "picked_up")


@router.post("/inbox/{conversation_id:id}/reply")
async def reply(request: Request, conversation_id: str) -> Response:
    return await _act(request, conversation_id, "replied")


@router.post("/inbox/{conversation_id:id}/resolve")
async def resolve(request: Request, conversation_id: str) -> Response:
    return await _act(request, conversation_id, "resolved")
