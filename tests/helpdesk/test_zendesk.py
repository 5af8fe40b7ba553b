"""Zendesk through respx: the request Zendesk documents, and each way it can answer."""

import base64
import json

import httpx
import pytest

from agent.errors import PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.settings import HelpdeskSettings
from agent.helpdesk.zendesk import Zendesk
from tests.helpdesk.conftest import make_package

SETTINGS = HelpdeskSettings(
    kind="zendesk",
    zendesk={"subdomain": "acme", "email": "bot@acme.com", "api_token": "zd-api-token"},
    timeout_s=3,
)
TICKETS = "https://acme.zendesk.com/api/v2/tickets"


def created(ticket_id: int = 35436) -> httpx.Response:
    """Zendesk's 201 for Create Ticket (abridged to the fields a client reads)."""
    ticket = {
        "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "external_id": "HO-1A2B3C4D",
        "created_at": "2026-11-21T15:00:02Z",
        "updated_at": "2026-11-21T15:00:02Z",
        "type": None,
        "subject": "Order problem: Dana Reyes [HO-1A2B3C4D]",
        "description": "CUSTOMER: Dana Reyes ...",
        "priority": "normal",
        "status": "new",
        "requester_id": 20978392,
        "submitter_id": 76872,
        "assignee_id": None,
        "group_id": None,
        "tags": ["escalate", "escalate_route_orders", "escalate_trigger_explicit"],
        "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
    }
    return httpx.Response(
        201,
        json={"ticket": ticket, "audit": {"id": 8866, "ticket_id": ticket_id}},
        headers={"x-idempotency-lookup": "miss", "Location": ticket["url"]},
    )


def test_the_ticket_carries_the_context_block_as_an_internal_note(mock, package):
    route = mock.post(TICKETS).mock(return_value=created())
    receipt = Zendesk(SETTINGS).deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "35436"
    assert receipt.url == "https://acme.zendesk.com/agent/tickets/35436"

    request = route.calls.last.request
    token = base64.b64encode(b"bot@acme.com/token:zd-api-token").decode()
    assert request.headers["authorization"] == f"Basic {token}"
    assert request.headers["idempotency-key"] == "HO-1A2B3C4D"
    ticket = json.loads(request.content)["ticket"]
    assert ticket["comment"]["public"] is False
    assert ticket["comment"]["body"].startswith(package.context_block)
    assert "shopper: Hi, it's Dana" in ticket["comment"]["body"]  # the transcript follows
    assert ticket["requester"] == {"name": "Dana Reyes", "email": "dana@example.com"}
    assert ticket["subject"] == "Order problem: Dana Reyes [HO-1A2B3C4D]"
    assert ticket["tags"] == [
        "escalate",
        "escalate_trigger_explicit",
        "escalate_route_orders",
        "escalate_intent_order_problem",
    ]
    assert ticket["priority"] == "normal"
    assert ticket["external_id"] == "HO-1A2B3C4D"


def test_sensitive_and_distressed_handoffs_are_high_priority(mock):
    from agent.state import Sentiment, TriggerHit

    route = mock.post(TICKETS).mock(return_value=created())
    risky = make_package(
        triggers=[TriggerHit(kind="sensitive", reason="allergic reaction", evidence="hives")],
        route="compliance",
    )
    Zendesk(SETTINGS).deliver(risky, "k1")
    ticket = json.loads(route.calls.last.request.content)["ticket"]
    assert ticket["priority"] == "high"
    assert {"escalate_trigger_sensitive", "escalate_route_compliance"} <= set(ticket["tags"])
    upset = make_package(sentiment=Sentiment(compound=-0.91, label="distressed"))
    Zendesk(SETTINGS).deliver(upset, "k2")
    assert json.loads(route.calls.last.request.content)["ticket"]["priority"] == "high"


def test_the_requester_falls_back_to_what_the_shopper_typed(mock):
    from agent.state import Extracted

    route = mock.post(TICKETS).mock(return_value=created())
    anonymous = make_package(
        customer={}, shared_details=Extracted(emails=["sam@example.org"], names=["Sam"])
    )
    Zendesk(SETTINGS).deliver(anonymous, "k")
    assert json.loads(route.calls.last.request.content)["ticket"]["requester"] == {
        "name": "Sam",
        "email": "sam@example.org",
    }
    nobody = make_package(customer={}, shared_details=Extracted())
    Zendesk(SETTINGS).deliver(nobody, "k2")
    ticket = json.loads(route.calls.last.request.content)["ticket"]
    assert "requester" not in ticket  # Zendesk makes the API user the requester
    assert ticket["subject"].startswith("Order problem: Hi, it's Dana, my order NW-10482")


def test_a_replayed_key_returns_the_first_ticket(mock, package):
    first = created()
    replay = created()
    replay.headers["x-idempotency-lookup"] = "hit"
    route = mock.post(TICKETS).mock(side_effect=[first, replay])
    zd = Zendesk(SETTINGS)
    assert zd.deliver(package, "HO-1A2B3C4D") == zd.deliver(package, "HO-1A2B3C4D")
    keys = {c.request.headers["idempotency-key"] for c in route.calls}
    assert keys == {"HO-1A2B3C4D"}


def test_base_url_overrides_the_host(mock, package):
    route = mock.post("http://zendesk.internal:8080/api/v2/tickets").mock(return_value=created())
    settings = SETTINGS.model_copy(update={"base_url": "http://zendesk.internal:8080/"})
    receipt = Zendesk(settings).deliver(package, "k")
    assert route.called and receipt.url == "http://zendesk.internal:8080/agent/tickets/35436"


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (401, {"error": "Couldn't authenticate you"}, "Couldn't authenticate you"),
        (
            403,
            {"error": "Forbidden", "description": "You do not have access to this page."},
            "do not have access",
        ),
        (
            404,
            {
                "error": {
                    "title": "No help desk at acme.zendesk.com",
                    "message": "There is no help desk configured at this address.",
                }
            },
            "No help desk at acme.zendesk.com",
        ),
        (
            422,
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
            "Email is not properly formatted",
        ),
    ],
)
def test_refusals_are_permanent_with_zendesks_words(mock, package, status, body, said):
    mock.post(TICKETS).respond(status, json=body)
    with pytest.raises(PermanentDeliveryError, match=f"HTTP {status}.*{said}"):
        Zendesk(SETTINGS).deliver(package, "k")


def test_429_is_transient_with_retry_after(mock, package):
    mock.post(TICKETS).respond(
        429, headers={"Retry-After": "93"}, text="Rate limit for ticket creation exceeded"
    )
    with pytest.raises(TransientDeliveryError) as info:
        Zendesk(SETTINGS).deliver(package, "k")
    assert info.value.rate_limited and info.value.retry_after == 93


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"error": "InternalError"}),
        httpx.Response(503, headers={"Retry-After": "60"}, text="Maintenance"),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("Name or service not known"),
    ],
)
def test_outages_are_transient(mock, package, answer):
    mock.post(TICKETS).mock(side_effect=[answer])
    with pytest.raises(TransientDeliveryError):
        Zendesk(SETTINGS).deliver(package, "k")


def test_a_2xx_without_a_ticket_is_not_retried_blindly(mock, package):
    mock.post(TICKETS).respond(201, json={"audit": {}})
    with pytest.raises(PermanentDeliveryError, match="check Zendesk for external_id k"):
        Zendesk(SETTINGS).deliver(package, "k")


def test_a_very_long_chat_keeps_its_latest_lines(mock):
    from agent.state import Turn

    route = mock.post(TICKETS).mock(return_value=created())
    turns = [Turn(role="shopper", text=f"line {n} " + "x" * 990, at="t") for n in range(100)]
    Zendesk(SETTINGS).deliver(make_package(transcript=turns), "k")
    body = json.loads(route.calls.last.request.content)["ticket"]["comment"]["body"]
    assert len(body) < 32_000 and "line 99 " in body and "line 0 " not in body
    assert "earlier line(s) left out" in body
