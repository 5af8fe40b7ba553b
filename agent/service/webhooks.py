"""``POST /v1/webhooks/{vendor}``: helpdesks calling back (zendesk, freshdesk, gorgias, generic).

No API key: each vendor proves itself with its own scheme (agent/helpdesk/inbound/), checked
against the raw body before anything is parsed. Answers:

- 200 ``{"status": "applied" | "duplicate" | "ignored", ...}``: taken (a duplicate or an
  event we do not act on is a 200 too, so the vendor stops retrying it);
- 401 ``invalid_signature``: a bad or missing signature or secret, or a stale timestamp;
- 404 ``webhook_not_configured``: no secret is set for this vendor (or no such vendor);
- 400 ``invalid_payload``: signed, but not the body docs/helpdesk-sync.md describes;
- 413 ``body_too_large``; 409/503 from the runtime (the vendor retries those).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from agent.helpdesk.inbound import WebhookVerificationError, freshdesk, generic, gorgias, zendesk
from agent.helpdesk.inbound.common import InboundEvent
from agent.helpdesk.inbound.sync import apply
from agent.helpdesk.settings import HelpdeskSettings
from agent.service.errors import ApiError

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

_FEED_KIND = {"agent_message": "agent_message", "picked_up": "picked_up", "resolve": "resolved"}


def secret_for(vendor: str, helpdesk: HelpdeskSettings) -> str | None:
    """The configured secret for ``vendor``'s webhooks, or None (the endpoint is off)."""
    if vendor == "generic":
        return helpdesk.webhook.secret.get_secret_value() if helpdesk.webhook else None
    section = (
        getattr(helpdesk, vendor, None) if vendor in ("zendesk", "freshdesk", "gorgias") else None
    )
    secret = getattr(section, "webhook_secret", None)
    return secret.get_secret_value() if secret is not None else None


def _event(vendor: str, body: bytes, headers: dict[str, str], secret: str) -> InboundEvent:
    try:
        if vendor == "zendesk":
            zendesk.verify(body, headers, secret)
        elif vendor == "freshdesk":
            freshdesk.verify(body, headers, secret)
        elif vendor == "gorgias":
            gorgias.verify(body, headers, secret)
        else:
            generic.verify(body, headers, secret)
    except WebhookVerificationError as exc:
        raise ApiError(401, "invalid_signature", f"{vendor} webhook refused: {exc}") from None
    try:
        if vendor == "generic":
            return generic.parse(body, headers)
        return {"zendesk": zendesk, "freshdesk": freshdesk, "gorgias": gorgias}[vendor].parse(body)
    except ValueError as exc:
        raise ApiError(400, "invalid_payload", f"{vendor} webhook: {exc}") from None


@router.post(
    "/{vendor}", summary="A helpdesk's event: an agent's reply, an assignment, a solved ticket"
)
async def receive(vendor: str, request: Request) -> dict[str, Any]:
    agent = request.app.state.agent
    secret = secret_for(vendor, agent.settings.helpdesk)
    if secret is None:
        raise ApiError(
            404,
            "webhook_not_configured",
            f"no webhook secret is configured for {vendor!r} (docs/helpdesk-sync.md)",
        )
    limit = agent.settings.service.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", f"the body is larger than {limit} bytes")
    body = await request.body()
    if len(body) > limit:
        raise ApiError(413, "body_too_large", f"the body is larger than {limit} bytes")
    event = _event(vendor, body, dict(request.headers), secret)
    outcome = await run_in_threadpool(apply, agent, event)
    if outcome.status == "applied" and outcome.conversation_id and outcome.action:
        request.app.state.hub.publish(
            outcome.conversation_id,
            {"kind": _FEED_KIND[outcome.action], "conversation_id": outcome.conversation_id},
        )
    return {
        "status": outcome.status,
        "detail": outcome.detail,
        "event_id": event.event_id,
        "action": outcome.action,
        "conversation_id": outcome.conversation_id,
    }
