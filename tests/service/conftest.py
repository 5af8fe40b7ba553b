"""A service around a small agent (lexical retriever, offline backend, SQLite in tmp_path),
over real HTTP on 127.0.0.1 (uvicorn in a thread, port 0) or through TestClient."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.serve_cli import bind, make_server
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[EscalationAgent]:
    with EscalationAgent(
        Settings(data_dir=tmp_path), retriever=LexicalRetriever(SAMPLE_KB), warm_up=False
    ) as agent:
        yield agent


class Live:
    """A uvicorn server in a thread; ``url`` is where it listens."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = make_server(app, graceful_s=5)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> Live:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start in 20 s"
            assert self.thread.is_alive(), "uvicorn stopped while starting"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()
        assert not self.thread.is_alive(), "uvicorn did not shut down in 15 s"


@pytest.fixture
def serve() -> Iterator[Callable[..., Live]]:
    """``serve(agent, dev=True, **create_app kwargs)`` starts a live server (stopped after)."""
    started: list[Live] = []

    def start(agent: EscalationAgent, **kwargs: Any) -> Live:
        live = Live(create_app(agent, **kwargs)).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()
