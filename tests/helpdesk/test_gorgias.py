"""Gorgias through respx: one ticket with the shopper's message and the internal note."""

import base64
import json

import httpx
import pytest

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.gorgias import Gorgias
from agent.helpdesk.settings import HelpdeskSettings
from agent.state import Extracted
from tests.helpdesk.conftest import make_package

SETTINGS = HelpdeskSettings(
    kind="gorgias",
    gorgias={"domain": "acme", "email": "bot@acme.com", "api_key": "gg-api-key"},
    timeout_s=3,
)
TICKETS = "https://acme.gorgias.com/api/tickets"


def created(ticket_id: int = 98765) -> dict:
    """Gorgias's 201 for Create a ticket (abridged)."""
    return {
        "id": ticket_id,
        "uri": f"/api/tickets/{ticket_id}/",
        "external_id": "HO-1A2B3C4D",
        "language": "en",
        "status": "open",
        "priority": "normal",
        "channel": "api",
        "via": "api",
        "from_agent": False,
        "customer": {"id": 5544, "email": "dana@example.com", "name": "Dana Reyes"},
        "assignee_user": None,
        "assignee_team": None,
        "subject": "Order problem: Dana Reyes [HO-1A2B3C4D]",
        "tags": [{"id": 12, "name": "escalate", "decoration": None}],
        "messages_count": 2,
        "created_datetime": "2026-11-21T15:00:02.114361+00:00",
        "updated_datetime": "2026-11-21T15:00:02.114361+00:00",
    }


def test_the_ticket_has_the_shoppers_message_then_the_internal_note(mock, package):
    route = mock.post(TICKETS).respond(201, json=created())
    receipt = Gorgias(SETTINGS).deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "98765"
    assert receipt.url == "https://acme.gorgias.com/app/ticket/98765"

    request = route.calls.last.request
    auth = base64.b64encode(b"bot@acme.com:gg-api-key").decode()
    assert request.headers["authorization"] == f"Basic {auth}"
    body = json.loads(request.content)
    assert (body["channel"], body["via"], body["from_agent"]) == ("api", "api", False)
    assert body["customer"] == {"email": "dana@example.com", "name": "Dana Reyes"}
    assert body["external_id"] == "HO-1A2B3C4D"
    assert {"name": "escalate_trigger_explicit"} in body["tags"]
    assert {"name": "escalate_route_orders"} in body["tags"]
    shopper, internal = body["messages"]
    assert shopper["channel"] == "api" and shopper["from_agent"] is False
    assert shopper["sender"] == {"email": "dana@example.com", "name": "Dana Reyes"}
    assert shopper["body_text"].startswith("shopper: Hi, it's Dana")
    assert internal["channel"] == "internal-note" and internal["from_agent"] is True
    assert internal["sender"] == {"email": "bot@acme.com"}
    assert internal["body_text"].startswith(package.context_block)


def test_without_an_email_the_ticket_is_the_internal_note_alone(mock):
    route = mock.post(TICKETS).respond(201, json=created())
    Gorgias(SETTINGS).deliver(make_package(customer={}, shared_details=Extracted()), "k")
    body = json.loads(route.calls.last.request.content)
    assert "customer" not in body and body["from_agent"] is True
    assert [m["channel"] for m in body["messages"]] == ["internal-note"]


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (
            400,
            {
                "error": {
                    "msg": "Validation error",
                    "data": {"customer": {"email": ["Not a valid email address."]}},
                }
            },
            "customer: email: Not a valid email address",
        ),
        (401, {"error": {"msg": "Unauthorized"}}, "Unauthorized"),
        (403, {"error": {"msg": "Forbidden"}}, "Forbidden"),
        (404, {"error": {"msg": "Not found"}}, "Not found"),
        (422, {"error": {"msg": "Unprocessable entity"}}, "Unprocessable"),
    ],
)
def test_refusals_are_permanent(mock, package, status, body, said):
    mock.post(TICKETS).respond(status, json=body)
    with pytest.raises(PermanentDeliveryError, match=said):
        Gorgias(SETTINGS).deliver(package, "k")


def test_429_keeps_retry_after(mock, package):
    mock.post(TICKETS).respond(
        429,
        headers={"Retry-After": "5", "X-Gorgias-Account-Api-Call-Limit": "40/40"},
        json={"error": {"msg": "Too many requests"}},
    )
    with pytest.raises(TransientDeliveryError) as info:
        Gorgias(SETTINGS).deliver(package, "k")
    assert info.value.rate_limited and info.value.retry_after == 5


@pytest.mark.parametrize(
    "answer", [httpx.Response(502, text="Bad Gateway"), httpx.ReadTimeout("read timed out")]
)
def test_outages_are_transient(mock, package, answer):
    mock.post(TICKETS).mock(side_effect=[answer])
    with pytest.raises(TransientDeliveryError):
        Gorgias(SETTINGS).deliver(package, "k")
