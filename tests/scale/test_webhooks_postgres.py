"""Helpdesk webhooks on PostgreSQL with two replicas sharing it: the ticket is found by the id
the outbox recorded, and an event taken by one replica is a duplicate at the other."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.runtime import EscalationAgent
from agent.service.app import create_app
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.service.hooks_support import (
    fixture,
    hand_off,
    hooks_settings,
    mark_delivered,
    shared_headers,
    zendesk_headers,
)


def replica(tmp_path, database_url: str, name: str) -> EscalationAgent:
    settings = hooks_settings(tmp_path / name, database_url=database_url)
    return EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))


def test_two_replicas_apply_each_event_once(tmp_path, database_url):
    first, second = replica(tmp_path, database_url, "a"), replica(tmp_path, database_url, "b")
    try:
        assert first.storage is not None and first.storage.where == database_url
        hid = hand_off(first)
        mark_delivered(first, hid, "freshdesk", "1287")
        body = fixture("freshdesk_reply.json")
        at_b = TestClient(create_app(second)).post(
            "/v1/webhooks/freshdesk", content=body, headers=shared_headers()
        )
        assert at_b.json()["status"] == "applied", at_b.json()  # found by Freshdesk's ticket id
        at_a = TestClient(create_app(first)).post(
            "/v1/webhooks/freshdesk", content=body, headers=shared_headers()
        )
        assert at_a.json()["status"] == "duplicate"
        assert [i.kind for i in first.feed.since("web-7f3a")] == ["agent_message"]
        zd = fixture("zendesk_assigned.json", external_id=hid, ticket_id="1287")
        picked = TestClient(create_app(first)).post(
            "/v1/webhooks/zendesk", content=zd, headers=zendesk_headers(zd)
        )
        assert picked.json()["action"] == "picked_up"
    finally:
        first.close()
        second.close()
