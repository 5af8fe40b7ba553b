"""A signed webhook: any system that accepts an HTTPS POST can receive handoffs.

Request::

    POST <helpdesk.webhook.url>
    Content-Type: application/json
    User-Agent: escalation-agent
    Idempotency-Key: HO-1A2B3C4D
    X-Escalate-Event: handoff.created
    X-Escalate-Timestamp: 1795273200
    X-Escalate-Signature: sha256=5d41402abc4b2a76b9719d911017c592...

    {"event": "handoff.created",
     "schema_version": 1,
     "id": "evt_6f1c0b9e2d4a8c7f3e5b1a90",
     "idempotency_key": "HO-1A2B3C4D",
     "created_at": "2026-11-21T15:00:00+00:00",
     "package": {...the HandoffPackage...}}

- ``id`` and ``idempotency_key`` are the same on every retry of one handoff
  (the body is byte-for-byte the same): store them and ignore a repeat.
- ``created_at`` is when the handoff was made, not when this attempt was sent.
- ``package`` is the full :class:`~agent.package.HandoffPackage` as JSON:
  ``id``, ``conversation_id``, ``created_at``, ``transcript`` [{role, text, at,
  kind}], ``summary``, ``intent``, ``sentiment`` {compound, label},
  ``customer``, ``shared_details``, ``orders``, ``product_context``,
  ``suggested_resolution``, ``triggers`` [{kind, reason, evidence, score}],
  ``route``, ``team``, ``agents_online``, ``context_block``, ``opening_line``,
  ``shopper_messages``.
- ``X-Escalate-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of the raw
  request body, keyed with ``helpdesk.webhook.secret``. ``X-Escalate-Timestamp``
  is the Unix time of this attempt (informational: it is not signed, so dedupe
  on ``id`` rather than trusting it against replays).

Verify before parsing, on the raw bytes, in constant time::

    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers["X-Escalate-Signature"]):
        return 401

Answer any 2xx to accept (a JSON body with ``id`` and ``url`` becomes the
receipt shown by ``escalate outbox``); 429 or 5xx to be retried with backoff
(Retry-After honoured); any other 4xx marks the handoff failed, kept for a
retry by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from agent.helpdesk.base import Progress, Receipt, utc_now
from agent.helpdesk.http import HelpdeskHTTP
from agent.helpdesk.settings import HelpdeskSettings, WebhookSettings
from agent.package import HandoffPackage

EVENT = "handoff.created"
SCHEMA_VERSION = 1


def sign(body: bytes, secret: str) -> str:
    """The X-Escalate-Signature value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    """What a receiver does: recompute over the raw body and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), signature)


def event_id(key: str) -> str:
    return "evt_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def event_body(package: HandoffPackage, key: str) -> bytes:
    """The exact bytes sent (and signed): the same on every attempt."""
    event = {
        "event": EVENT,
        "schema_version": SCHEMA_VERSION,
        "id": event_id(key),
        "idempotency_key": key,
        "created_at": package.created_at,
        "package": package.model_dump(mode="json"),
    }
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


class Webhook:
    """POSTs each handoff, signed, to one URL."""

    name = "webhook"

    def __init__(self, settings: HelpdeskSettings, clock: Callable[[], datetime] = utc_now) -> None:
        wh: WebhookSettings = settings.webhook  # type: ignore[assignment]  # checked by HelpdeskSettings
        self.url = settings.base_url or wh.url
        self._secret = wh.secret.get_secret_value()
        self.clock = clock
        self.http = HelpdeskHTTP(
            "webhook",
            self.url,
            timeout_s=settings.timeout_s,
            headers={"User-Agent": "escalation-agent"},
        )

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        body = event_body(package, key)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-Escalate-Event": EVENT,
            "X-Escalate-Timestamp": str(int(self.clock().timestamp())),
            "X-Escalate-Signature": sign(body, self._secret),
        }
        answer: dict[str, Any] = self.http.post("", content=body, headers=headers)
        their_id = answer.get("id") or answer.get("ticket_id")
        url = answer.get("url")
        return Receipt(
            external_id=str(their_id) if their_id else event_id(key),
            url=url if isinstance(url, str) else None,
        )

    def close(self) -> None:
        self.http.close()
