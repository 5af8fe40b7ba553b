"""``/v1/curator/...``: KB curators (the review page, the CLI's ``--server`` mode, scripts).

- ``GET  /v1/curator/proposals?status=pending``: proposals with their flags and provenance;
- ``POST /v1/curator/proposals/{id}/approve`` ``{"curator", "override_flags", "reason"}``;
- ``POST /v1/curator/proposals/{id}/edit`` ``{"answer", "question", "reason", "curator"}``:
  edit, then approve (the reason goes into the audit log with the change);
- ``POST /v1/curator/proposals/{id}/reject`` ``{"reason", "curator"}``;
- ``GET  /v1/curator/learned``, ``POST /v1/curator/learned/{id}/revoke`` ``{"reason"}``;
- ``GET  /v1/curator/audit``; ``GET /v1/curator/gaps``.

The same functions as ``escalate kb review / learned / gaps`` (agent/learning/desk.py).
Role ``curator``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from agent.learning.book import Proposal
from agent.learning.desk import Desk, approve, gap_topics, make_desk
from agent.service.auth import require_role
from agent.service.errors import ApiError

router = APIRouter(
    prefix="/v1/curator", tags=["curator"], dependencies=[Depends(require_role("curator"))]
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    curator: str = Field("curator", min_length=1, max_length=200)
    """Who decides (kept in the audit log)."""


class Approve(_Body):
    override_flags: bool = False
    reason: str | None = Field(None, max_length=2_000)
    """Required to approve a flagged proposal (with ``override_flags``)."""


class Edit(_Body):
    answer: str | None = Field(None, min_length=1, max_length=20_000)
    question: str | None = Field(None, min_length=1, max_length=2_000)
    reason: str = Field(min_length=1, max_length=2_000)
    """Why the text changed (kept with the edit in the audit log)."""
    override_flags: bool = False


class Reason(_Body):
    reason: str = Field(min_length=1, max_length=2_000)


def desk(request: Request) -> Desk:
    """The desk over the service's records store and vector store (made once per app)."""
    state = request.app.state
    made = getattr(state, "curator_desk", None)
    if made is None:
        agent = state.agent
        made = state.curator_desk = make_desk(agent.settings, agent.store, agent.context.retriever)
    return made


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        **p.model_dump(mode="json"),
        "question": p.question,
        "doc_id": p.doc_id,
        "flagged": p.flagged,
        "provenance": p.provenance(),
    }


@router.get("/proposals", summary="Proposed learned answers, with their flags")
def proposals(
    request: Request,
    status: Literal["pending", "approved", "rejected", "revoked"] = Query("pending"),
) -> dict[str, Any]:
    return {"proposals": [_proposal(p) for p in desk(request).book.all(status)]}


@router.get("/proposals/{proposal_id:id}", summary="One proposal with its audit trail")
def proposal(proposal_id: str, request: Request) -> dict[str, Any]:
    d = desk(request)
    found = d.book.get(proposal_id)
    if found is None:
        raise ApiError(404, "not_found", f"no proposal {proposal_id!r}")
    audit = [e.model_dump(mode="json") for e in d.book.audit(proposal_id)]
    return {"proposal": _proposal(found), "audit": audit}


@router.post("/proposals/{proposal_id:id}/approve", summary="Approve as proposed")
def approve_route(proposal_id: str, body: Approve, request: Request) -> dict[str, Any]:
    p = approve(
        desk(request),
        proposal_id,
        body.curator,
        override_flags=body.override_flags,
        reason=body.reason,
    )
    return {"status": p.status, "proposal": _proposal(p)}


@router.post("/proposals/{proposal_id:id}/edit", summary="Edit, then approve (with a reason)")
def edit_route(proposal_id: str, body: Edit, request: Request) -> dict[str, Any]:
    if body.answer is None and body.question is None:
        raise ApiError(422, "invalid_request", "an edit changes the answer, the question, or both")
    p = approve(
        desk(request),
        proposal_id,
        body.curator,
        answer=body.answer,
        question=body.question,
        override_flags=body.override_flags,
        reason=body.reason,
    )
    return {"status": p.status, "proposal": _proposal(p)}


@router.post("/proposals/{proposal_id:id}/reject", summary="Reject, with a reason")
def reject_route(proposal_id: str, body: Reason, request: Request) -> dict[str, Any]:
    d = desk(request)
    d.curator.sync(body.curator)
    p = d.curator.reject(proposal_id, body.curator, body.reason)
    return {"status": p.status, "proposal": _proposal(p)}


@router.get("/learned", summary="Approved learned answers with their provenance")
def learned(request: Request) -> dict[str, Any]:
    return {"learned": [_proposal(p) for p in desk(request).book.all("approved")]}


@router.post("/learned/{proposal_id:id}/revoke", summary="Stop retrieving a learned answer")
def revoke_route(proposal_id: str, body: Reason, request: Request) -> dict[str, Any]:
    p = desk(request).curator.revoke(proposal_id, body.curator, body.reason)
    return {"status": p.status, "proposal": _proposal(p)}


@router.get("/audit", summary="Every curator decision, oldest first")
def audit(
    request: Request, proposal_id: str | None = Query(None, max_length=100)
) -> dict[str, Any]:
    return {"audit": [e.model_dump(mode="json") for e in desk(request).book.audit(proposal_id)]}


@router.get("/gaps", summary="Topics handed off again and again, with their trend")
def gaps(
    request: Request,
    days: int | None = Query(None, ge=1, le=365),
    min_handoffs: int | None = Query(None, ge=1, le=10_000),
    history_days: int = Query(56, ge=1, le=730),
    period: Literal["day", "week"] = Query("day"),
) -> dict[str, Any]:
    agent = request.app.state.agent
    embedder = getattr(agent.context.retriever, "embedder", None)
    topics, window, threshold = gap_topics(
        agent.settings,
        agent.store,
        embedder.embed if embedder is not None else None,
        days=days,
        min_handoffs=min_handoffs,
        history_days=history_days,
        period=period,
        clock=agent.context.clock,
    )
    return {
        "window_days": window,
        "min_handoffs": threshold,
        "topics": [asdict(t) for t in topics],
    }
