"""A Chroma server that accepts connections but never answers must not hang a turn."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from agent.errors import VectorStoreError
from knowledge.store import VectorStore


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_chroma_server_is_a_clear_error_not_a_hang(silent_server, fake_embedder):
    store = VectorStore(fake_embedder, url=silent_server, timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(VectorStoreError, match="timed out"):
        store.search("how long do returns take?", 3)
    assert time.monotonic() - started < 30  # bounded by the timeout, not by the server


def test_the_timeout_patch_is_undone_after_the_client_is_built(silent_server, fake_embedder):
    import chromadb.api.fastapi as fastapi
    import httpx

    with pytest.raises(VectorStoreError):
        VectorStore(fake_embedder, url=silent_server, timeout_s=0.5).count()
    assert fastapi.httpx is httpx
