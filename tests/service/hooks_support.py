"""An agent with a handoff delivered as a vendor ticket, and signed webhook requests to it."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from agent.helpdesk.inbound.common import SECRET_HEADER, sign_shared
from agent.helpdesk.inbound.zendesk import sign as zendesk_sign
from agent.helpdesk.webhook import sign as standard_sign
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever

FIXTURES = Path(__file__).parent.parent / "fixtures" / "webhooks"
ZENDESK_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
SHARED_SECRET = "fd-and-gorgias-shared-secret-0123"
GENERIC_SECRET = "whsec_" + base64.b64encode(b"generic-receiver-key-0123456789").decode()
DANA = {"name": "Dana Reyes", "email": "dana@example.com"}
TORN = "My order NW-10482 arrived torn, I want to talk to a person."


def hooks_settings(
    tmp_path: Path, kind: str = "zendesk", base_url: str = "http://127.0.0.1:9", **extra: Any
) -> Settings:
    return Settings.load(
        **extra,
        data_dir=tmp_path / "data",
        store_name="Northwind",
        helpdesk={
            "kind": kind,
            "base_url": base_url,
            "timeout_s": 2,
            "backoff_s": 1,
            "zendesk": {
                "subdomain": "northwind",
                "email": "bot@northwind.example",
                "api_token": "zd-token",
                "webhook_secret": ZENDESK_SECRET,
            },
            "freshdesk": {
                "domain": "northwind",
                "api_key": "fd-key",
                "webhook_secret": SHARED_SECRET,
            },
            "gorgias": {
                "domain": "northwind",
                "email": "bot@northwind.example",
                "api_key": "gg-key",
                "webhook_secret": SHARED_SECRET,
            },
            "webhook": {"url": "http://127.0.0.1:9/hook", "secret": GENERIC_SECRET},
        },
    )


def make_agent(settings: Settings, clock: Callable[[], datetime] | None = None) -> EscalationAgent:
    if clock is None:
        return EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    return EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)


def hand_off(agent: EscalationAgent, cid: str = "web-7f3a") -> str:
    reply = agent.send(cid, TORN, customer=DANA)
    assert reply.kind == "handoff", reply
    return reply.handoff.id


def mark_delivered(agent: EscalationAgent, handoff_id: str, vendor: str, ticket_id: str) -> None:
    """What the outbox records when the vendor answered the create (the ticket's id)."""
    ledger = agent.outbox.ledger
    item = ledger.get(handoff_id)
    assert item is not None
    ledger.put(
        item.model_copy(
            update={"status": "delivered", "external_id": ticket_id, "delivered_to": vendor}
        )
    )


def fixture(name: str, **changes: Any) -> bytes:
    body = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    body.update(changes)
    return json.dumps(body).encode()


def zendesk_headers(
    body: bytes, at: datetime | None = None, secret: str = ZENDESK_SECRET
) -> dict[str, str]:
    stamp = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature": zendesk_sign(stamp, body, secret),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Id": "01F1KRFQ6BG29CNWFR60NK5FNY",
    }


def shared_headers(secret: str = SHARED_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", SECRET_HEADER: secret}


def relay_headers(
    body: bytes, at: int | None = None, secret: str = SHARED_SECRET
) -> dict[str, str]:
    stamp = int(time.time()) if at is None else at
    return {
        "Content-Type": "application/json",
        "X-Escalate-Timestamp": str(stamp),
        "X-Escalate-Signature": sign_shared(stamp, body, secret),
    }


def standard_headers(body: bytes, msg_id: str, secret: str = GENERIC_SECRET) -> dict[str, str]:
    stamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": standard_sign(msg_id, stamp, body, secret),
    }


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """The app on 127.0.0.1, a free port, in a thread; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
