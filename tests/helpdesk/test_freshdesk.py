"""Freshdesk through respx: a ticket, then the context block as a private note."""

import base64
import json

import httpx
import pytest

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.base import MemoryProgress
from agent.helpdesk.freshdesk import Freshdesk
from agent.helpdesk.settings import HelpdeskSettings
from agent.state import Extracted
from tests.helpdesk.conftest import make_package

SETTINGS = HelpdeskSettings(
    kind="freshdesk", freshdesk={"domain": "acme", "api_key": "fd-api-key"}, timeout_s=3
)
SITE = "https://acme.freshdesk.com"


def ticket(ticket_id: int = 1042) -> dict:
    """Freshdesk's 201 for Create a Ticket."""
    return {
        "cc_emails": [],
        "fwd_emails": [],
        "reply_cc_emails": [],
        "fr_escalated": False,
        "spam": False,
        "email_config_id": None,
        "group_id": None,
        "priority": 2,
        "requester_id": 43020001234,
        "responder_id": None,
        "source": 7,
        "status": 2,
        "subject": "Order problem: Dana Reyes [HO-1A2B3C4D]",
        "to_emails": None,
        "product_id": None,
        "id": ticket_id,
        "type": None,
        "due_by": "2026-11-24T15:00:00Z",
        "fr_due_by": "2026-11-22T15:00:00Z",
        "is_escalated": False,
        "description": "<div>shopper: Hi, it's Dana ...</div>",
        "description_text": "shopper: Hi, it's Dana ...",
        "custom_fields": {},
        "created_at": "2026-11-21T15:00:02Z",
        "updated_at": "2026-11-21T15:00:02Z",
        "tags": ["escalate", "escalate_trigger_explicit", "escalate_route_orders"],
        "attachments": [],
    }


def note(ticket_id: int = 1042) -> dict:
    return {
        "body": "<div>CUSTOMER: Dana Reyes ...</div>",
        "body_text": "CUSTOMER: Dana Reyes ...",
        "id": 43000567890,
        "incoming": False,
        "private": True,
        "user_id": 43000012345,
        "support_email": None,
        "ticket_id": ticket_id,
        "to_emails": [],
        "attachments": [],
        "created_at": "2026-11-21T15:00:03Z",
        "updated_at": "2026-11-21T15:00:03Z",
    }


def test_a_ticket_then_a_private_note(mock, package):
    create = mock.post(f"{SITE}/api/v2/tickets").respond(201, json=ticket())
    add_note = mock.post(f"{SITE}/api/v2/tickets/1042/notes").respond(201, json=note())
    receipt = Freshdesk(SETTINGS).deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "1042" and receipt.url == f"{SITE}/a/tickets/1042"

    auth = base64.b64encode(b"fd-api-key:X").decode()
    assert create.calls.last.request.headers["authorization"] == f"Basic {auth}"
    body = json.loads(create.calls.last.request.content)
    assert body["email"] == "dana@example.com" and body["name"] == "Dana Reyes"
    assert body["subject"] == "Order problem: Dana Reyes [HO-1A2B3C4D]"
    assert (body["status"], body["priority"], body["source"]) == (2, 2, 7)
    assert "escalate_trigger_explicit" in body["tags"] and "escalate_route_orders" in body["tags"]
    assert "it&#x27;s Dana" in body["description"]  # the transcript, escaped as HTML
    assert "CUSTOMER:" not in body["description"]  # the requester may see the description

    private = json.loads(add_note.calls.last.request.content)
    assert private["private"] is True
    assert private["body"].startswith("CUSTOMER: Dana Reyes")


def test_a_failed_note_is_retried_on_the_same_ticket(mock, package):
    create = mock.post(f"{SITE}/api/v2/tickets").respond(201, json=ticket())
    add_note = mock.post(f"{SITE}/api/v2/tickets/1042/notes").mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json=note())]
    )
    progress = MemoryProgress()
    fd = Freshdesk(SETTINGS)
    with pytest.raises(TransientDeliveryError):
        fd.deliver(package, "k", progress)
    assert progress.get("ticket_id") == 1042
    assert fd.deliver(package, "k", progress).external_id == "1042"
    assert create.call_count == 1 and add_note.call_count == 2


def test_without_an_email_the_requester_is_a_phone_or_a_stable_external_id(mock):
    create = mock.post(f"{SITE}/api/v2/tickets").respond(201, json=ticket())
    mock.post(f"{SITE}/api/v2/tickets/1042/notes").respond(201, json=note())
    by_phone = make_package(customer={}, shared_details=Extracted(phones=["+1 555 0100"]))
    Freshdesk(SETTINGS).deliver(by_phone, "k")
    body = json.loads(create.calls.last.request.content)
    assert body["phone"] == "+1 555 0100" and body["name"] == "Shopper web-7f3a"
    unknown = make_package(customer={}, shared_details=Extracted(names=["Lee"]))
    Freshdesk(SETTINGS).deliver(unknown, "k2")
    body = json.loads(create.calls.last.request.content)
    assert body["unique_external_id"] == "escalate-web-7f3a" and body["name"] == "Lee"
    assert "email" not in body


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (
            400,
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
            "email: It should be",
        ),
        (
            401,
            {
                "code": "invalid_credentials",
                "message": "You have to be logged in to perform this action.",
            },
            "logged in",
        ),
        (
            403,
            {"code": "access_denied", "message": "You are not authorized to perform this action."},
            "not authorized",
        ),
        (404, {"code": "account_not_found", "message": "Account not found"}, "Account not found"),
    ],
)
def test_refusals_are_permanent(mock, package, status, body, said):
    mock.post(f"{SITE}/api/v2/tickets").respond(status, json=body)
    with pytest.raises(PermanentDeliveryError, match=said):
        Freshdesk(SETTINGS).deliver(package, "k")


def test_429_keeps_retry_after(mock, package):
    mock.post(f"{SITE}/api/v2/tickets").respond(
        429,
        headers={"Retry-After": "36", "X-RateLimit-Total": "200", "X-RateLimit-Remaining": "0"},
        json={
            "code": "rate_limited",
            "message": "You have exceeded the limit of requests per minute",
        },
    )
    with pytest.raises(TransientDeliveryError) as info:
        Freshdesk(SETTINGS).deliver(package, "k")
    assert info.value.rate_limited and info.value.retry_after == 36


def test_a_timeout_is_transient(mock, package):
    mock.post(f"{SITE}/api/v2/tickets").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(TransientDeliveryError, match="timed out after 3s"):
        Freshdesk(SETTINGS).deliver(package, "k")
