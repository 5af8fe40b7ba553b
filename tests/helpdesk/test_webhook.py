"""The signed webhook: the documented body, a signature a receiver can check, and retries."""

import hashlib
import hmac
import json

import httpx
import pytest

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.settings import HelpdeskSettings
from agent.helpdesk.webhook import Webhook, event_id, verify
from agent.package import HandoffPackage

SECRET = "whsec_9f8e7d6c5b4a3210"
URL = "https://hooks.acme.example/escalate/handoffs"
SETTINGS = HelpdeskSettings(kind="webhook", webhook={"url": URL, "secret": SECRET}, timeout_s=3)


def test_the_body_and_headers_follow_the_documented_schema(mock, package, clock):
    route = mock.post(URL).respond(
        202, json={"id": "case-311", "url": "https://crm.acme.example/c/311"}
    )
    receipt = Webhook(SETTINGS, clock).deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "case-311" and receipt.url == "https://crm.acme.example/c/311"

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == "HO-1A2B3C4D"
    assert request.headers["x-escalate-event"] == "handoff.created"
    assert request.headers["x-escalate-timestamp"] == str(int(clock().timestamp()))
    event = json.loads(request.content)
    assert set(event) == {
        "event",
        "schema_version",
        "id",
        "idempotency_key",
        "created_at",
        "package",
    }
    assert event["event"] == "handoff.created" and event["schema_version"] == 1
    assert event["id"] == event_id("HO-1A2B3C4D") and event["idempotency_key"] == "HO-1A2B3C4D"
    assert event["created_at"] == package.created_at
    assert HandoffPackage(**event["package"]) == package


def test_the_signature_verifies_against_the_raw_body_only(mock, package, clock):
    route = mock.post(URL).respond(204)
    Webhook(SETTINGS, clock).deliver(package, "HO-1A2B3C4D")
    request = route.calls.last.request
    raw, signature = request.content, request.headers["x-escalate-signature"]

    # what a receiver does, in its own words
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, signature)
    assert verify(raw, signature, SECRET)
    assert not verify(raw.replace(b"Dana", b"Dina"), signature, SECRET)
    assert not verify(raw, signature, "another-secret-0000")


def test_every_attempt_sends_the_same_bytes_and_key(mock, package, clock):
    route = mock.post(URL).mock(side_effect=[httpx.Response(503), httpx.Response(200)])
    hook = Webhook(SETTINGS, clock)
    with pytest.raises(TransientDeliveryError):
        hook.deliver(package, "HO-1A2B3C4D")
    clock.advance(30)
    receipt = hook.deliver(package, "HO-1A2B3C4D")
    first, second = (c.request for c in route.calls)
    assert first.content == second.content
    assert first.headers["x-escalate-signature"] == second.headers["x-escalate-signature"]
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert receipt.external_id == event_id("HO-1A2B3C4D")  # no id in the answer: the event's


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(400, json={"message": "unknown schema_version"}), PermanentDeliveryError),
        (httpx.Response(401, text="bad signature"), PermanentDeliveryError),
        (httpx.Response(404, text="Not Found"), PermanentDeliveryError),
        (httpx.Response(410, text="Gone"), PermanentDeliveryError),
        (httpx.Response(422, json={"message": "package.customer missing"}), PermanentDeliveryError),
        (httpx.Response(429, headers={"Retry-After": "12"}), TransientDeliveryError),
        (httpx.Response(500), TransientDeliveryError),
        (httpx.ReadTimeout("read timed out"), TransientDeliveryError),
    ],
)
def test_answers_map_to_outcomes(mock, package, clock, answer, error):
    mock.post(URL).mock(side_effect=[answer])
    with pytest.raises(error):
        Webhook(SETTINGS, clock).deliver(package, "k")


def test_the_url_is_used_exactly_as_configured(mock, package, clock):
    url = "https://hooks.acme.example/in/"
    route = mock.post(url).respond(200)
    settings = HelpdeskSettings(kind="webhook", webhook={"url": url, "secret": SECRET})
    Webhook(settings, clock).deliver(package, "k")
    assert str(route.calls.last.request.url) == url
