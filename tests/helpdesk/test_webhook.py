"""The signed webhook: the documented body, Standard Webhooks signatures a receiver can
check (tolerance window, replays), and retries."""

import base64
import hashlib
import hmac
import json

import httpx
import pytest
from pydantic import ValidationError

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.settings import HelpdeskSettings
from agent.helpdesk.webhook import Webhook, WebhookVerificationError, event_id, verify
from agent.package import HandoffPackage

KEY = b"escalate-test-signing-key-32byte"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
URL = "https://hooks.acme.example/escalate/handoffs"
SETTINGS = HelpdeskSettings(kind="webhook", webhook={"url": URL, "secret": SECRET}, timeout_s=3)


def _sent(mock, package, clock):
    route = mock.post(URL).respond(204)
    Webhook(SETTINGS, clock).deliver(package, "HO-1A2B3C4D")
    request = route.calls.last.request
    return request.content, dict(request.headers)


def test_the_body_and_headers_follow_the_documented_schema(mock, package, clock):
    route = mock.post(URL).respond(
        202, json={"id": "case-311", "url": "https://crm.acme.example/c/311"}
    )
    receipt = Webhook(SETTINGS, clock).deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "case-311" and receipt.url == "https://crm.acme.example/c/311"

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == "HO-1A2B3C4D"
    assert request.headers["webhook-id"] == event_id("HO-1A2B3C4D")
    assert request.headers["webhook-timestamp"] == str(int(clock().timestamp()))
    assert request.headers["webhook-signature"].startswith("v1,")
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
    assert HandoffPackage(**event["package"]) == package


def test_the_signature_covers_id_timestamp_and_body(mock, package, clock):
    raw, headers = _sent(mock, package, clock)
    # what a receiver does, in its own words (the Standard Webhooks scheme)
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + raw
    expected = "v1," + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(expected, headers["webhook-signature"])

    now = clock().timestamp()
    assert verify(raw, headers, SECRET, now=now)["id"] == event_id("HO-1A2B3C4D")
    tampered = [
        (raw.replace(b"Dana", b"Dina"), headers),
        (raw, {**headers, "webhook-timestamp": str(int(now) + 1)}),  # the time is signed
        (raw, {**headers, "webhook-id": "evt_other"}),  # so is the id
    ]
    for body, changed in tampered:
        with pytest.raises(WebhookVerificationError, match="signature"):
            verify(body, changed, SECRET, now=now)
    with pytest.raises(WebhookVerificationError, match="signature"):
        verify(raw, headers, "whsec_" + base64.b64encode(b"another-key-0000").decode(), now=now)
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(raw, {"webhook-id": headers["webhook-id"]}, SECRET, now=now)


def test_a_captured_request_is_refused_when_replayed_or_late(mock, package, clock):
    raw, headers = _sent(mock, package, clock)
    now, seen = clock().timestamp(), set()
    verify(raw, headers, SECRET, seen=seen, now=now + 10)
    with pytest.raises(WebhookVerificationError, match="replayed"):
        verify(raw, headers, SECRET, seen=seen, now=now + 20)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(raw, headers, SECRET, now=now + 301)  # five minutes later: stale
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(raw, headers, SECRET, now=now - 301)  # from the future
    assert verify(raw, headers, SECRET, now=now + 299, tolerance_s=300)


def test_a_plain_secret_is_used_as_its_bytes_and_a_bad_whsec_is_refused(mock, package, clock):
    plain = "a-plain-shared-secret"
    settings = HelpdeskSettings(kind="webhook", webhook={"url": URL, "secret": plain})
    route = mock.post(URL).respond(204)
    Webhook(settings, clock).deliver(package, "k")
    request = route.calls.last.request
    assert verify(request.content, request.headers, plain, now=clock().timestamp())
    with pytest.raises(ValidationError, match="base64"):
        HelpdeskSettings(kind="webhook", webhook={"url": URL, "secret": "whsec_not*base64!!"})


def test_every_attempt_sends_the_same_bytes_and_id(mock, package, clock):
    route = mock.post(URL).mock(side_effect=[httpx.Response(503), httpx.Response(200)])
    hook = Webhook(SETTINGS, clock)
    with pytest.raises(TransientDeliveryError):
        hook.deliver(package, "HO-1A2B3C4D")
    clock.advance(30)
    receipt = hook.deliver(package, "HO-1A2B3C4D")
    first, second = (c.request for c in route.calls)
    assert first.content == second.content
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert int(second.headers["webhook-timestamp"]) == int(first.headers["webhook-timestamp"]) + 30
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
