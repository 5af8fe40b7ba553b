"""The vector store against a real Chroma server that this fixture starts (`chroma run`)."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.errors import VectorStoreError
from knowledge.ingest import ingest
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the chroma command (from the chromadb package) is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            VectorStore(FakeEmbedder(), url=url).count()
            break
        except VectorStoreError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the Chroma server did not start within 30 s")
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_ingest_search_and_delete_through_a_chroma_server(chroma_url, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "returns.md").write_text("# Returns\n\nYou can return unworn items within 30 days.\n")
    (kb / "shipping.md").write_text("# Shipping\n\nStandard shipping costs $5.95.\n")
    store = VectorStore(FakeEmbedder(), url=chroma_url)
    first = ingest(kb, store, store.embedder)
    assert sorted(first.added) == ["kb:returns.md", "kb:shipping.md"]
    assert ingest(kb, store, store.embedder).unchanged == ["kb:returns.md", "kb:shipping.md"]
    assert store.search("return unworn items", 1)[0].chunk.doc_id == "kb:returns.md"
    (kb / "shipping.md").unlink()
    assert ingest(kb, store, store.embedder).removed == ["kb:shipping.md"]
    assert set(store.sources()["kb"].docs) == {"kb:returns.md"}
    assert store.count() == 1  # the removed document's chunks are gone from the server too


def test_a_server_that_is_down_is_a_clear_error():
    store = VectorStore(FakeEmbedder(), url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(VectorStoreError):
        store.count()
