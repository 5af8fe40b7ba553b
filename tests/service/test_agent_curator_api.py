"""The agents' and curators' JSON APIs: the same runtime and desk calls as the CLI, each
change published to the shopper's event stream, each route behind its own role's key."""

from __future__ import annotations

import math
import re
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.auth import hash_key
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.service.hooks_support import DANA, TORN

AGENT_KEY, CURATOR_KEY, WIDGET_KEY = (
    "agent-key-0123456789",
    "curator-key-0123456",
    "widget-key-01234567",
)
AS_AGENT = {"Authorization": f"Bearer {AGENT_KEY}"}
AS_CURATOR = {"Authorization": f"Bearer {CURATOR_KEY}"}
RESOLUTION = "Gift wrapping costs $4.95 per order; add it at checkout."


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class WordEmbedder:
    """Bag-of-words vectors (hashed): unrelated questions are far apart, repeats close."""

    max_tokens = None

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = [0.0] * 64
            for word in re.findall(r"[a-z]+", text.lower()):
                v[zlib.crc32(word.encode()) % 64] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class LearningRetriever(LexicalRetriever):
    """Searches the sample KB; keeps what curators approve (the vector store's two roles)."""

    def __init__(self) -> None:
        super().__init__(SAMPLE_KB)
        self.embedder = WordEmbedder()
        self.docs: dict[str, list] = {}

    def replace_document(self, doc_id: str, chunks: list, vectors: list) -> None:
        self.docs[doc_id] = chunks

    def delete_document(self, doc_id: str) -> None:
        self.docs.pop(doc_id, None)

    def learned_ids(self) -> list[str]:
        return sorted(self.docs)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def agent(tmp_path, clock):
    agent = EscalationAgent(
        Settings.load(data_dir=tmp_path / "data", store_name="Northwind"),
        retriever=LearningRetriever(),
        clock=clock,
    )
    yield agent
    agent.close()


@pytest.fixture
def client(agent):
    keys = {
        "agent": [hash_key(AGENT_KEY)],
        "curator": [hash_key(CURATOR_KEY)],
        "widget": [hash_key(WIDGET_KEY)],
    }
    app = create_app(agent, api_keys=keys)
    published: list = []
    app.state.hub.publish = lambda cid, event: published.append((cid, event["kind"]))
    client = TestClient(app)
    client.published = published  # type: ignore[attr-defined]
    return client


def test_the_inbox_lists_queues_with_measured_waits(agent, client, clock):
    reply = agent.send("c1", TORN, customer=DANA)
    assert reply.kind == "handoff"
    clock.advance(seconds=90)
    queues = client.get("/v1/agent/conversations", headers=AS_AGENT).json()["queues"]
    [row] = [q for q in queues if q["conversations"]]
    [c] = row["conversations"]
    assert row["queue"] == reply.handoff.route and row["waiting"] == 1 and row["owned"] == 0
    assert c["conversation_id"] == "c1" and c["status"] == "waiting" and c["waiting_s"] == 90.0
    assert c["summary"] == reply.handoff.summary
    assert {q["queue"] for q in queues} >= set(agent.settings.handoff.queues)
    assert client.get("/v1/agent/conversations?queue=nope", headers=AS_AGENT).status_code == 404


def test_keys_are_per_role(client):
    assert client.get("/v1/agent/conversations").status_code == 401
    for key in (CURATOR_KEY, WIDGET_KEY):
        refused = client.get("/v1/agent/conversations", headers={"Authorization": f"Bearer {key}"})
        assert refused.status_code == 403
    assert client.get("/v1/curator/proposals", headers=AS_AGENT).status_code == 403
    assert client.get("/v1/curator/proposals", headers=AS_CURATOR).status_code == 200


def test_pick_up_reply_resolve_publish_and_change_the_conversation(agent, client, clock):
    agent.send("c1", TORN, customer=DANA)
    base = "/v1/agent/conversations/c1"
    package = client.get(base, headers=AS_AGENT).json()
    assert package["mode"] == "human" and package["handoff"]["orders"][0]["id"] == "NW-10482"
    clock.advance(minutes=2)
    assert (
        client.post(f"{base}/pick-up", json={"agent": "Sam"}, headers=AS_AGENT).json()["status"]
        == "picked_up"
    )
    again = client.post(f"{base}/pick-up", json={"agent": "Sam"}, headers=AS_AGENT)
    assert again.json()["status"] == "already_picked_up"
    [row] = [
        q
        for q in client.get("/v1/agent/conversations", headers=AS_AGENT).json()["queues"]
        if q["conversations"]
    ]
    assert row["owned"] == 1 and row["conversations"][0]["waiting_s"] == 120.0
    empty = client.post(f"{base}/reply", json={"text": ""}, headers=AS_AGENT)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "invalid_request"
    sent = client.post(
        f"{base}/reply", json={"text": "Refund issued.", "agent": "Sam"}, headers=AS_AGENT
    )
    assert sent.status_code == 200
    assert [(i.kind, i.text) for i in agent.feed.since("c1")] == [
        ("picked_up", ""),
        ("agent_message", "Refund issued."),
    ]
    done = client.post(
        f"{base}/resolve",
        json={"resolution": "Refunded NW-10482.", "agent": "Sam"},
        headers=AS_AGENT,
    )
    assert done.json()["mode"] == "bot"
    assert client.published == [("c1", "picked_up"), ("c1", "agent_message"), ("c1", "resolved")]
    late = client.post(f"{base}/reply", json={"text": "Anything else?"}, headers=AS_AGENT)
    assert late.status_code == 409 and late.json()["error"]["code"] == "conversation_state"
    missing = client.get("/v1/agent/conversations/nobody", headers=AS_AGENT)
    assert missing.status_code == 404


def _proposal(agent, cid: str, question: str, answer: str) -> str:
    reply = agent.send(cid, question + " Can I talk to a person?", customer=DANA)
    assert reply.kind == "handoff", reply
    view = agent.resolve(cid, answer, agent="Sam")
    proposal = view.resolution["proposal"]
    assert proposal.startswith("p-"), proposal
    return proposal


def test_curators_edit_with_a_reason_reject_and_revoke(agent, client):
    pid = _proposal(agent, "c1", "Do you offer gift wrapping for presents?", RESOLUTION)
    other = _proposal(
        agent, "c2", "Do you price match other stores?", "We match any price, always."
    )
    listed = client.get("/v1/curator/proposals", headers=AS_CURATOR).json()["proposals"]
    assert pid != other and {p["id"] for p in listed} == {pid, other}
    assert all("flags" in p and "provenance" in p for p in listed)
    no_reason = client.post(
        f"/v1/curator/proposals/{pid}/edit",
        json={"answer": "Gift wrap: $4.95."},
        headers=AS_CURATOR,
    )
    assert no_reason.status_code == 422
    edited = client.post(
        f"/v1/curator/proposals/{pid}/edit",
        json={
            "answer": "Gift wrapping is $4.95 per order, at checkout.",
            "reason": "clearer",
            "curator": "Ana",
        },
        headers=AS_CURATOR,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "approved"
    assert agent.context.retriever.learned_ids() == [edited.json()["proposal"]["doc_id"]]
    trail = client.get(f"/v1/curator/proposals/{pid}", headers=AS_CURATOR).json()["audit"]
    [edit] = [e for e in trail if e["action"] == "edited"]
    assert edit["who"] == "Ana" and edit["note"] == "clearer"
    assert edit["changes"]["answer"]["after"] == "Gift wrapping is $4.95 per order, at checkout."
    twice = client.post(f"/v1/curator/proposals/{pid}/approve", json={}, headers=AS_CURATOR)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "curation_state"
    rejected = client.post(
        f"/v1/curator/proposals/{other}/reject",
        json={"reason": "not our policy"},
        headers=AS_CURATOR,
    )
    assert rejected.json().get("status") == "rejected", rejected.json()
    learned = client.get("/v1/curator/learned", headers=AS_CURATOR).json()["learned"]
    assert [p["id"] for p in learned] == [pid] and "Sam" in learned[0]["provenance"]
    revoked = client.post(
        f"/v1/curator/learned/{pid}/revoke", json={"reason": "price changed"}, headers=AS_CURATOR
    )
    assert revoked.json()["status"] == "revoked" and agent.context.retriever.learned_ids() == []
    assert client.get("/v1/curator/learned", headers=AS_CURATOR).json()["learned"] == []


def test_gaps_come_from_the_recorded_handoffs(agent, client):
    for n in range(3):
        agent.send(f"g{n}", "Do you ship to Antarctica research stations?", customer=DANA)
    answer = client.get("/v1/curator/gaps?min_handoffs=2", headers=AS_CURATOR)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["min_handoffs"] == 2
    assert any(t["flagged"] and "Antarctica" in t["label"] for t in body["topics"]), body
