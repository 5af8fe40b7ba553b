"""The one door to helpdesk APIs: statuses, timeouts and vendor error bodies become our errors."""

from datetime import UTC, datetime

import httpx
import pytest

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.http import HelpdeskHTTP, retry_after, vendor_message

URL = "https://acme.zendesk.com"


def http() -> HelpdeskHTTP:
    return HelpdeskHTTP("zendesk", URL, timeout_s=2, auth=("bot@acme.com/token", "s3cret-token"))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, PermanentDeliveryError),
        (401, PermanentDeliveryError),
        (403, PermanentDeliveryError),
        (404, PermanentDeliveryError),
        (409, PermanentDeliveryError),
        (422, PermanentDeliveryError),
        (408, TransientDeliveryError),
        (429, TransientDeliveryError),
        (500, TransientDeliveryError),
        (502, TransientDeliveryError),
        (503, TransientDeliveryError),
        (504, TransientDeliveryError),
    ],
)
def test_status_codes_map_to_permanent_or_transient(mock, status, error):
    mock.post(f"{URL}/api/v2/tickets").respond(status, json={"error": "nope"})
    with pytest.raises(error, match=f"zendesk POST /api/v2/tickets: HTTP {status}: nope"):
        http().post("/api/v2/tickets", json_body={})


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_network_failures_are_transient_and_none_escapes(mock, exc):
    mock.post(f"{URL}/api/v2/tickets").mock(side_effect=exc)
    with pytest.raises(TransientDeliveryError) as info:
        http().post("/api/v2/tickets", json_body={})
    assert info.value.status is None and info.value.retry_after is None
    assert isinstance(info.value.__cause__, httpx.HTTPError)


def test_the_timeout_is_explicit_and_named(mock):
    mock.post(f"{URL}/api/v2/tickets").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(TransientDeliveryError, match="timed out after 2s"):
        http().post("/api/v2/tickets", json_body={})
    client = http()._http()
    assert client.timeout.read == 2 and client.timeout.connect == 2


def test_no_credential_appears_in_an_error(mock):
    mock.post(f"{URL}/api/v2/tickets").respond(401, json={"error": "Couldn't authenticate you"})
    with pytest.raises(PermanentDeliveryError) as info:
        http().post("/api/v2/tickets", json_body={})
    assert "s3cret" not in str(info.value) and "Couldn't authenticate you" in str(info.value)


def test_a_webhook_query_token_stays_out_of_messages(mock):
    hook = HelpdeskHTTP("webhook", "https://hooks.acme.example/in?token=abc123", timeout_s=2)
    mock.post("https://hooks.acme.example/in?token=abc123").respond(500)
    with pytest.raises(TransientDeliveryError) as info:
        hook.post("")
    assert "abc123" not in str(info.value) and "POST /in" in str(info.value)


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after(httpx.Response(429, headers={"Retry-After": "93"})) == 93
    at = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    dated = httpx.Response(503, headers={"Retry-After": "Sat, 21 Nov 2026 15:02:00 GMT"})
    assert retry_after(dated, now=at) == 120
    assert retry_after(httpx.Response(429)) is None
    assert retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # Zendesk
        ({"error": "Couldn't authenticate you"}, "Couldn't authenticate you"),
        (
            {
                "error": {
                    "title": "No help desk at acme.zendesk.com",
                    "message": "There is no help desk configured at this address.",
                }
            },
            "No help desk at acme.zendesk.com - There is no help desk configured at this address.",
        ),
        (
            {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {
                    "requester": [
                        {
                            "description": "Requester: Email is not properly formatted",
                            "error": "InvalidValue",
                        }
                    ]
                },
            },
            "RecordInvalid - Record validation errors - requester: InvalidValue - Requester: Email is not properly formatted",
        ),
        # Freshdesk
        (
            {
                "code": "invalid_credentials",
                "message": "You have to be logged in to perform this action.",
            },
            "You have to be logged in to perform this action.",
        ),
        (
            {
                "description": "Validation failed",
                "errors": [
                    {
                        "field": "email",
                        "message": "It should be in the 'valid email address' format",
                        "code": "invalid_value",
                    }
                ],
            },
            "Validation failed - email: It should be in the 'valid email address' format",
        ),
        # Gorgias
        (
            {
                "error": {
                    "msg": "Validation error",
                    "data": {"customer": {"email": ["Not a valid email address."]}},
                }
            },
            "Validation error - customer: email: Not a valid email address.",
        ),
    ],
)
def test_vendor_messages_are_flattened(body, said):
    assert vendor_message(httpx.Response(422, json=body)) == said


def test_a_non_json_error_page_is_kept_short():
    page = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 1000 + "</body></html>"
    said = vendor_message(httpx.Response(502, text=page))
    assert said.startswith("<html><body><h1>502 Bad Gateway") and len(said) == 300


def test_a_2xx_without_json_is_an_empty_answer(mock):
    mock.post(f"{URL}/hook").respond(204)
    assert http().post("/hook", json_body={}) == {}
    mock.post(f"{URL}/hook2").respond(200, text="ok")
    assert http().post("/hook2", json_body={}) == {}
