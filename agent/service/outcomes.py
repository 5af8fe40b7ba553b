"""``POST /v1/conversations/{id}/outcomes``: a purchase, refund or cancellation after a chat.

The store's backend (or its widget, on the order confirmation page) reports what became of a
conversation, so ``escalate report`` can show handoff conversion against bot-only
conversations. Role ``widget``. An order's outcome of one kind counts once: reporting it
again answers 200 with ``"recorded": false`` (201 the first time).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from agent.service.auth import require_role
from agent.service.errors import ApiError

router = APIRouter()


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["purchase", "refund", "cancellation", "other"]
    value: float | None = Field(None, ge=0, allow_inf_nan=False)
    """The amount, with its ``currency``."""
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    """ISO 4217 (``EUR``)."""
    at: AwareDatetime | None = None
    """When it happened (default: now)."""
    order_id: str | None = Field(None, min_length=1, max_length=200)
    """Makes the report idempotent: an order's purchase counts once."""


class OutcomeOut(BaseModel):
    conversation_id: str
    kind: str
    recorded: bool
    """False: this order's outcome of this kind was already recorded (nothing changed)."""


@router.post(
    "/v1/conversations/{conversation_id:id}/outcomes",
    status_code=201,
    response_model=OutcomeOut,
    responses={
        200: {"description": "already recorded"},
        404: {"description": "no such conversation"},
    },
    tags=["widget"],
)
def record_outcome(
    conversation_id: str,
    body: OutcomeIn,
    request: Request,
    response: Response,
    _: str = Depends(require_role("widget")),
) -> OutcomeOut:
    agent = request.app.state.agent
    if agent.conversation(conversation_id).mode == "new":
        raise ApiError(404, "not_found", f"no conversation {conversation_id!r}")
    recorded = agent.record_outcome(
        conversation_id,
        body.kind,
        value=body.value,
        currency=body.currency,
        at=body.at,
        order_id=body.order_id,
    )
    if not recorded:
        response.status_code = 200
    return OutcomeOut(conversation_id=conversation_id, kind=body.kind, recorded=recorded)
