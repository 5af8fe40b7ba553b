"""Ingest's overlapped stages keep order, bound what is in flight, and hand any stage's error
to the caller (nothing half-done is reported as done)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from agent.errors import VectorStoreError
from knowledge import ingest as ingest_module
from knowledge.ingest import IngestOptions, ingest
from knowledge.ingest_pipeline import Pipeline
from knowledge.models import Chunk
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder


def _chunks(n: int, start: int = 0) -> list[Chunk]:
    return [
        Chunk(
            id=f"d.md#{i}",
            doc_id="d.md",
            title="D",
            heading="",
            text=f"line {i}",
            n_tokens=3,
            doc_sha256="x",
        )  # fmt: skip
        for i in range(start, start + n)
    ]


class _RecordingStore:
    def __init__(self, fail_at: int | None = None) -> None:
        self.batches: list[list[str]] = []
        self.fail_at = fail_at

    def write_chunks(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        assert len(chunks) == len(vectors)
        if self.fail_at is not None and len(self.batches) == self.fail_at:
            raise VectorStoreError("the vector store refused the write")
        self.batches.append([c.id for c in chunks])


def test_batches_are_written_in_order_and_the_last_is_marked() -> None:
    store, marks = _RecordingStore(), []
    line = Pipeline(store, FakeEmbedder(), after_write=marks.append)  # type: ignore[arg-type]
    for n in range(5):
        line.put(_chunks(3, start=3 * n))
    line.put([], last=True)
    line.close()
    assert [b[0] for b in store.batches] == [f"d.md#{3 * n}" for n in range(5)]
    assert marks == [False] * 5 + [True]


def test_a_write_error_reaches_the_caller_and_stops_the_line() -> None:
    store = _RecordingStore(fail_at=1)
    line = Pipeline(store, FakeEmbedder())  # type: ignore[arg-type]
    with pytest.raises(VectorStoreError, match="refused"):
        for n in range(50):  # the error surfaces at a later put or at close
            line.put(_chunks(2, start=2 * n))
        line.close()
    assert len(store.batches) == 1


class _BrokenEmbedder(FakeEmbedder):
    def embed(self, texts: list[str]) -> list[list[float]]:  # type: ignore[override]
        raise RuntimeError("the model crashed")


def test_an_embedding_error_reaches_the_caller() -> None:
    line = Pipeline(_RecordingStore(), _BrokenEmbedder())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="model crashed"):
        line.put(_chunks(2))
        line.close()


class _SlowStore(_RecordingStore):
    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def write_chunks(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        self.gate.wait(10)
        super().write_chunks(chunks, vectors)


def test_a_slow_store_holds_the_producer_back() -> None:
    """At most three batches are in flight: the fourth put waits for the store."""
    store = _SlowStore()
    line = Pipeline(store, FakeEmbedder())  # type: ignore[arg-type]
    put = threading.Thread(target=lambda: [line.put(_chunks(1, start=n)) for n in range(6)])
    put.start()
    put.join(1.0)
    assert put.is_alive()  # blocked: the line is full
    store.gate.set()
    put.join(10)
    line.close()
    assert len(store.batches) == 6


def test_ingest_through_the_line_stores_every_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "WRITE_BATCH", 2)  # many batches in flight
    kb = tmp_path / "kb"
    kb.mkdir()
    for i in range(12):
        (kb / f"p{i}.md").write_text(f"# Page {i}\n\nParagraph {i} of the page.\n")
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    report = ingest(kb, store, store.embedder, options=IngestOptions(source="kb"))
    assert report.chunks_written == store.count() == len(report.added) == 12


def _stored(store: VectorStore) -> list[tuple[str, str, str, list[float]]]:
    rows = store._coll().get(include=["documents", "metadatas", "embeddings"])
    return sorted(
        (i, d, repr(sorted(m.items())), [round(float(x), 6) for x in e])
        for i, d, m, e in zip(
            rows["ids"], rows["documents"], rows["metadatas"], rows["embeddings"], strict=True
        )
    )


def test_many_batches_in_flight_store_exactly_what_one_batch_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overlapped line changes when chunks are embedded and written, never what is stored."""
    from evals.bench.synthetic import write_kb

    write_kb(tmp_path / "kb", 80)
    stores = {}
    for batch in (10_000, 3):  # everything in one batch, then many small ones overlapped
        monkeypatch.setattr(ingest_module, "WRITE_BATCH", batch)
        store = VectorStore(FakeEmbedder(), path=tmp_path / f"chroma-{batch}")
        ingest(tmp_path / "kb", store, store.embedder, options=IngestOptions(source="kb"))
        stores[batch] = _stored(store)
    assert len(stores[3]) > 20
    assert stores[3] == stores[10_000]
