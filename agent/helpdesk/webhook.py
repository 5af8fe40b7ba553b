"""A signed webhook: any system that accepts an HTTPS POST can receive handoffs.

Signed as `Standard Webhooks <https://www.standardwebhooks.com/>`_ sign them::

    POST <helpdesk.webhook.url>
    Content-Type: application/json
    User-Agent: escalation-agent
    Idempotency-Key: HO-1A2B3C4D
    webhook-id: evt_6f1c0b9e2d4a8c7f3e5b1a90
    webhook-timestamp: 1795273200
    webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=

    {"event": "handoff.created", "schema_version": 1, "id": "evt_6f1c0b9e2d4a8c7f3e5b1a90",
     "idempotency_key": "HO-1A2B3C4D", "created_at": "2026-11-21T15:00:00+00:00",
     "package": {...the HandoffPackage...}}

- ``webhook-signature`` is ``v1,`` and the base64 HMAC-SHA256 of
  ``{webhook-id}.{webhook-timestamp}.{raw body}``. The key is the secret: a ``whsec_``
  secret is ``whsec_`` plus the base64 of the key bytes (the Standard Webhooks
  convention); any other secret is used as its UTF-8 bytes.
- ``webhook-timestamp`` is the Unix time of this attempt; it is signed, so a receiver
  rejects a request older than its tolerance (:func:`verify`: 5 minutes).
- ``webhook-id`` (= the body's ``id``) and ``Idempotency-Key`` are the same on every retry
  of one handoff and the body is byte-for-byte the same: a receiver that keeps the ids it
  has seen rejects a replayed request and treats a retry of one it took as done.
- ``package`` is the full :class:`~agent.package.HandoffPackage` as JSON.

A receiver in Python uses :func:`verify` (raw bytes, the three headers, the secret, and a
set of the ids already seen); in another language, any Standard Webhooks library.

Answer any 2xx to accept (a JSON body with ``id`` and ``url`` becomes the
receipt shown by ``escalate outbox``); 429 or 5xx to be retried with backoff
(Retry-After honoured); any other 4xx marks the handoff failed, kept for a
retry by hand.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping, MutableSet
from datetime import datetime
from typing import Any

from agent.helpdesk.base import Progress, Receipt, utc_now
from agent.helpdesk.http import HelpdeskHTTP
from agent.helpdesk.item import OutboxItem
from agent.helpdesk.settings import HelpdeskSettings, WebhookSettings
from agent.package import HandoffPackage

EVENT = "handoff.created"
SCHEMA_VERSION = 1


TOLERANCE_S = 300
"""How old (or how far in the future) a verified request's timestamp may be."""


class WebhookVerificationError(ValueError):
    """A request that must not be trusted: bad or missing signature, stale, or replayed."""


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error as exc:
            raise WebhookVerificationError(
                "a whsec_ secret must be base64 after the prefix"
            ) from exc
    return secret.encode()


def sign(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return (
        "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()
    )


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    seen: MutableSet[str] | None = None,
    now: float | None = None,
    tolerance_s: float = TOLERANCE_S,
) -> dict[str, Any]:
    """What a receiver does before parsing: check the signature, the age, and replays.

    ``headers`` as received (names in any case); ``seen`` keeps the ids taken so far (give
    the same set to every call, or a store-backed one). Returns the event; raises
    :class:`WebhookVerificationError` otherwise.
    """
    given = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp, signatures = (given.get(h, "") for h in HEADERS)
    if not (msg_id and stamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise WebhookVerificationError("webhook-timestamp is not a Unix time") from exc
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance window")
    expected = sign(msg_id, timestamp, body, secret)
    if not any(hmac.compare_digest(expected, s) for s in signatures.split()):
        raise WebhookVerificationError("no valid v1 signature")
    if seen is not None:
        if msg_id in seen:
            raise WebhookVerificationError(f"replayed: {msg_id} was already taken")
        seen.add(msg_id)
    return json.loads(body)


HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


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
        msg_id, stamp = event_id(key), int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(msg_id, stamp, body, self._secret),
        }
        answer: dict[str, Any] = self.http.post("", content=body, headers=headers)
        their_id = answer.get("id") or answer.get("ticket_id")
        url = answer.get("url")
        return Receipt(
            external_id=str(their_id) if their_id else event_id(key),
            url=url if isinstance(url, str) else None,
        )

    def add_comment(
        self, ticket_id: str, text: str, key: str, handoff: OutboxItem, author: str | None = None
    ) -> Receipt:
        """A ``shopper.message`` event (``agent.message`` with ``agent`` for an agent's line
        written on our side), signed like ``handoff.created``."""
        event = {
            "event": "shopper.message" if author is None else "agent.message",
            "schema_version": SCHEMA_VERSION,
            "id": event_id(key),
            "idempotency_key": key,
            "handoff_id": handoff.handoff_id,
            "ticket_id": ticket_id,
            "conversation_id": handoff.conversation_id,
            "text": text,
            **({"agent": author} if author is not None else {}),
        }
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        msg_id, stamp = event_id(key), int(self.clock().timestamp())
        self.http.post(
            "",
            content=body,
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "webhook-id": msg_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign(msg_id, stamp, body, self._secret),
            },
        )
        return Receipt(external_id=msg_id)

    def close(self) -> None:
        self.http.close()
