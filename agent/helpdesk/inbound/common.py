"""What every vendor's webhook becomes, and the checks the unsigned vendors share."""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from agent.helpdesk.webhook import WebhookVerificationError

VENDORS = ("zendesk", "freshdesk", "gorgias", "generic")
EventKind = Literal["reply", "note", "assigned", "solved", "other"]
SECRET_HEADER = "x-escalate-webhook-secret"
SIGNATURE_HEADER = "x-escalate-signature"
TIMESTAMP_HEADER = "x-escalate-timestamp"
TOLERANCE_S = 300
"""How far a signed timestamp may be from our clock (either way)."""
MAX_TEXT = 20_000

__all__ = ["InboundEvent", "WebhookVerificationError", "VENDORS"]


@dataclass(frozen=True)
class InboundEvent:
    """One thing that happened on a ticket, in our terms."""

    vendor: str
    event_id: str
    """The same for every delivery of this event (a retry, a replay): the seen-event key."""
    kind: EventKind
    ticket_id: str | None = None
    """The vendor's ticket id (what the outbox recorded at delivery as ``external_id``)."""
    reference: str | None = None
    """Our key carried by the ticket itself (its ``external_id``: the handoff id)."""
    text: str = ""
    agent: str = "agent"
    resolution: str | None = None
    """The resolution, when the vendor sends it in a field of its own."""


def verify_shared(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: float | None = None,
    tolerance_s: float = TOLERANCE_S,
) -> None:
    """For vendors that sign nothing: the secret in a header, or our HMAC of the body.

    Either ``X-Escalate-Webhook-Secret: <secret>`` (what the vendor's admin can set as a
    custom header), or ``X-Escalate-Timestamp: <unix>`` with ``X-Escalate-Signature:
    v1=<hex HMAC-SHA256 of "{timestamp}." + body>`` (for a relay that can compute one).
    """
    given = {k.lower(): v for k, v in headers.items()}
    signature = given.get(SIGNATURE_HEADER)
    if signature:
        stamp = given.get(TIMESTAMP_HEADER, "")
        try:
            timestamp = int(stamp)
        except ValueError as exc:
            raise WebhookVerificationError(f"{TIMESTAMP_HEADER} is not a Unix time") from exc
        if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
            raise WebhookVerificationError(f"{TIMESTAMP_HEADER} is outside the tolerance window")
        if not hmac.compare_digest(signature.strip(), sign_shared(timestamp, body, secret)):
            raise WebhookVerificationError(f"{SIGNATURE_HEADER} does not match the body")
        return
    presented = given.get(SECRET_HEADER)
    if not presented:
        raise WebhookVerificationError(
            f"missing {SECRET_HEADER} (or {SIGNATURE_HEADER} with {TIMESTAMP_HEADER})"
        )
    if not hmac.compare_digest(presented.strip().encode(), secret.encode()):
        raise WebhookVerificationError(f"{SECRET_HEADER} is wrong")


def sign_shared(timestamp: int, body: bytes, secret: str) -> str:
    """``v1=`` + hex HMAC-SHA256 of ``{timestamp}.`` + body (the relay's signature)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def text_of(value: Any) -> str:
    """A comment as plain text: HTML tags dropped, entities decoded, whitespace tidied."""
    if value is None:
        return ""
    raw = str(value)
    if "<" in raw and ">" in raw:
        raw = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", raw)
        raw = re.sub(r"<[^>]+>", "", raw)
    raw = html.unescape(raw)
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    return "\n".join(line for line in lines if line).strip()[:MAX_TEXT]


def flag(value: Any) -> bool | None:
    """A template's boolean: true/false, "true"/"false", 1/0; None when absent or unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("true", "1", "yes"):
            return True
        if v in ("false", "0", "no"):
            return False
    return None


def field(body: Mapping[str, Any], name: str) -> str | None:
    """A string field, trimmed; None when missing, empty, or an unrendered placeholder."""
    value = body.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    if not text or (text.startswith("{{") and text.endswith("}}")):
        return None
    return text


def fingerprint(text: str) -> str:
    """Who wrote a comment is not always known: our own lines are recognised by their text."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()[:32]


def json_object(body: bytes) -> dict[str, Any]:
    import json

    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise ValueError("the body must be a JSON object")
    return parsed


def obj(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A nested object of the body, or {} when it is missing or not an object."""
    value = body.get(name)
    return value if isinstance(value, dict) else {}
