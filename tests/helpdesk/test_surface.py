"""The package's public surface, its factory, and its one door to the network."""

from pathlib import Path

import pytest
from langgraph.store.memory import InMemoryStore

import agent.helpdesk as helpdesk
from agent.helpdesk import HelpdeskSettings, make_helpdesk, make_outbox

KINDS = {
    "local": ({}, "LocalInbox"),
    "zendesk": (
        {"zendesk": {"subdomain": "acme", "email": "bot@acme.com", "api_token": "t"}},
        "Zendesk",
    ),
    "freshdesk": ({"freshdesk": {"domain": "acme", "api_key": "k"}}, "Freshdesk"),
    "gorgias": (
        {"gorgias": {"domain": "acme", "email": "bot@acme.com", "api_key": "k"}},
        "Gorgias",
    ),
    "webhook": (
        {"webhook": {"url": "https://hooks.acme.example/h", "secret": "s" * 24}},
        "Webhook",
    ),
}


def test_public_surface_is_pinned():
    assert helpdesk.__all__ == [
        "DeliveryReport",
        "Helpdesk",
        "HelpdeskSettings",
        "Outbox",
        "OutboxItem",
        "Receipt",
        "make_helpdesk",
        "make_outbox",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_factory_builds_each_kind_without_opening_a_connection(kind):
    extra, cls = KINDS[kind]
    adapter = make_helpdesk(HelpdeskSettings(kind=kind, **extra), InMemoryStore())
    assert type(adapter).__name__ == cls and adapter.name == kind
    assert getattr(getattr(adapter, "http", None), "_client", None) is None
    adapter.close()


def test_make_outbox_wires_the_configured_helpdesk():
    outbox = make_outbox(HelpdeskSettings(), InMemoryStore())
    assert outbox.helpdesk.name == "local" and outbox.settings.max_attempts == 8


def test_only_the_http_door_imports_httpx():
    root = Path(helpdesk.__file__).parent
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "import httpx" in text:
            assert path.name == "http.py", path.name
