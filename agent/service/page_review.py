"""The curators' desk: proposals with their flags; approve, edit (previewed as a side-by-side
diff), reject; learned answers with provenance and revoke; knowledge gaps with their trend.
Every decision is the CLI's (``agent.learning.curation.Curator``), so the audit log is one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from agent.errors import CurationError, KnowledgeError
from agent.service import desks
from agent.service.diff import side_by_side
from agent.service.page_kit import form_of, guard, redirect, render, who

router = APIRouter()
ROLE = "curator"
_DONE = {
    "approved": "Approved: it is retrieved from now on.",
    "edited": "Edited and approved: it is retrieved from now on.",
    "rejected": "Rejected.",
    "revoked": "Revoked: it is no longer retrieved.",
}


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, done: str | None = None) -> HTMLResponse:
    session = guard(request, ROLE)
    return _review_page(request, session, notice=_DONE.get(done or ""))


def _review_page(
    request: Request, session: Any, *, notice: str | None = None, error: str | None = None,
    status: int = 200, failed: str | None = None,
) -> HTMLResponse:  # fmt: skip
    curator = desks.curator(request.app.state.agent)
    try:  # finish an approval a crash interrupted, as the CLI does
        curator.sync(who(session, ROLE))
    except (CurationError, KnowledgeError) as exc:  # the list is still worth showing
        error = error or f"The vector store could not be brought in step: {exc}"
    pending = curator.book.all("pending")
    return render(
        request,
        "review.html",
        {
            "title": "Review proposals",
            "pending": pending,
            "flag_kind": desks.flag_kind,
            "notice": notice,
            "error": error,
            "failed": failed,
        },
        status=status,
        session=session,
    )


@router.get("/review/learned", response_class=HTMLResponse)
def learned(request: Request, done: str | None = None, error: str | None = None) -> HTMLResponse:
    session = guard(request, ROLE)
    book = desks.curator(request.app.state.agent).book
    context = {
        "title": "Learned answers",
        "learned": desks.learned(book),
        "edits": desks.edits(book),
        "notice": _DONE.get(done or ""),
        "error": None,
    }
    return render(request, "learned.html", context, session=session)


@router.get("/review/gaps", response_class=HTMLResponse)
def gaps(request: Request, period: str = "day") -> HTMLResponse:
    session = guard(request, ROLE)
    period = period if period in ("day", "week") else "day"
    topics = desks.gaps(request.app.state.agent, period=period)
    settings = request.app.state.agent.settings.learning
    context = {
        "title": "Knowledge gaps",
        "topics": topics,
        "period": period,
        "window": settings.gap_window_days,
        "min_handoffs": settings.gap_min_handoffs,
    }
    return render(request, "gaps.html", context, session=session)


async def _decide(request: Request, pid: str, action: str) -> Response:
    session = guard(request, ROLE)
    fields = await form_of(request)
    return await run_in_threadpool(_do, request, session, pid, action, fields)


def _do(request: Request, session: Any, pid: str, action: str, f: dict[str, str]) -> Response:
    curator = desks.curator(request.app.state.agent)
    name, reason = who(session, ROLE), f.get("reason", "").strip()
    override = f.get("override") == "on"
    try:
        if action == "approved":
            curator.approve(pid, name, override_flags=override, reason=reason or None)
        elif action == "edited":
            curator.approve(
                pid, name, answer=f.get("answer", ""), question=f.get("question", ""),
                override_flags=override, reason=reason or None,
            )  # fmt: skip
        elif action == "rejected":
            curator.reject(pid, name, reason)
        elif action == "preview":
            return _preview(request, session, pid, f)
        else:
            curator.revoke(pid, name, reason)
            return redirect("/review/learned?done=revoked")
    except CurationError as exc:
        if action == "revoked":
            return _learned_error(request, session, str(exc))
        if action == "edited":
            return _preview(request, session, pid, f, error=str(exc), status=409)
        return _review_page(request, session, error=str(exc), status=409, failed=pid)
    return redirect(f"/review?done={action}#{quote(pid)}")


def _preview(
    request: Request, session: Any, pid: str, f: dict[str, str], *,
    error: str | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    """The edit as the curator wrote it, side by side with the proposal, before approving."""
    book = desks.curator(request.app.state.agent).book
    p = book.get(pid)
    if p is None or p.status != "pending":
        return _review_page(request, session, error=f"{pid} is not pending", status=409)
    question, answer = f.get("question", p.question), f.get("answer", p.answer)
    context = {
        "title": f"Edit {pid}",
        "p": p,
        "question": question,
        "answer": answer,
        "reason": f.get("reason", ""),
        "question_diff": side_by_side(p.question, question),
        "answer_diff": side_by_side(p.answer, answer),
        "flag_kind": desks.flag_kind,
        "error": error,
    }
    return render(request, "preview.html", context, status=status, session=session)


def _learned_error(request: Request, session: Any, error: str) -> HTMLResponse:
    book = desks.curator(request.app.state.agent).book
    context = {
        "title": "Learned answers",
        "learned": desks.learned(book),
        "edits": desks.edits(book),
        "notice": None,
        "error": error,
    }
    return render(request, "learned.html", context, status=409, session=session)


@router.post("/review/{pid:id}/approve")
async def approve(request: Request, pid: str) -> Response:
    return await _decide(request, pid, "approved")


@router.post("/review/{pid:id}/preview")
async def preview(request: Request, pid: str) -> Response:
    return await _decide(request, pid, "preview")


@router.post("/review/{pid:id}/edit")
async def edit(request: Request, pid: str) -> Response:
    return await _decide(request, pid, "edited")


@router.post("/review/{pid:id}/reject")
async def reject(request: Request, pid: str) -> Response:
    return await _decide(request, pid, "rejected")


@router.post("/review/learned/{pid:id}/revoke")
async def revoke(request: Request, pid: str) -> Response:
    return await _decide(request, pid, "revoked")
