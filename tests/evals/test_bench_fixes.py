"""What the benchmark led us to change: the store stops counting its chunks on every turn,
can be warmed up at start, and the offline backend can forget its sentence vectors."""

from __future__ import annotations

from agent.offline import OfflineBackend
from knowledge.models import Chunk
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder


def _chunk(doc: str, text: str) -> Chunk:
    return Chunk(id=f"{doc}#0", doc_id=doc, title=doc, heading="", text=text, n_tokens=3,
                 doc_sha256="x")  # fmt: skip


def _write(store: VectorStore, doc: str, text: str) -> None:
    chunk = _chunk(doc, text)
    store.replace_document(doc, [chunk], store.embedder.embed([chunk.embed_text]))


def test_vocabulary_does_not_count_chunks_on_every_call(tmp_path, monkeypatch):
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    _write(store, "a.md", "returns within thirty days")
    assert "thirty" in store.vocabulary()
    counted = []
    monkeypatch.setattr(store, "count", lambda: counted.append(1) or 1)
    for _ in range(5):
        store.vocabulary()
    assert counted == []


def test_own_writes_show_at_once_and_other_writers_after_the_recheck(tmp_path):
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    other = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    _write(store, "a.md", "returns within thirty days")
    assert "thirty" in store.vocabulary()
    _write(store, "b.md", "express shipping costs extra")
    assert "express" in store.vocabulary()  # this store's own write: no waiting
    _write(other, "c.md", "gift cards never expire")
    assert "gift" not in store.vocabulary()  # another writer: seen at the next recheck
    store.recheck_s = 0.0
    assert "gift" in store.vocabulary()


def test_warm_up_opens_the_collection_and_reads_the_vocabulary(tmp_path):
    embedder = FakeEmbedder()
    store = VectorStore(embedder, path=tmp_path / "chroma")
    _write(store, "a.md", "returns within thirty days")
    fresh = VectorStore(embedder, path=tmp_path / "chroma")
    embedder.calls.clear()
    fresh.warm_up()
    assert embedder.calls == [["warm up"]]
    assert fresh._vocabulary is not None and "thirty" in fresh._vocabulary[1]


def test_the_offline_backend_forgets_its_sentence_vectors():
    embedded: list[list[str]] = []

    def embed(texts):
        embedded.append(list(texts))
        return [[1.0, 0.0] for _ in texts]

    backend = OfflineBackend(embed=embed)
    backend.embed(["a sentence"])
    backend.embed(["a sentence"])
    assert embedded == [["a sentence"]]
    backend.forget()
    backend.embed(["a sentence"])
    assert embedded == [["a sentence"], ["a sentence"]]


def test_ingest_writes_many_documents_per_chroma_call(tmp_path, monkeypatch):
    from evals.bench.synthetic import write_kb
    from knowledge.ingest import ingest

    docs, _ = write_kb(tmp_path / "kb", 60)
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    collection = store._coll()
    adds = []
    real_add = collection.upsert
    monkeypatch.setattr(
        collection, "upsert", lambda **kw: adds.append(len(kw["ids"])) or real_add(**kw)
    )
    report = ingest(tmp_path / "kb", store, store.embedder)
    assert len(report.added) == docs > 1
    assert len(adds) == 1 and adds[0] == report.chunks_written == store.count()


def test_replacing_several_documents_removes_their_old_chunks(tmp_path):
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    _write(store, "a.md", "old a")
    _write(store, "b.md", "old b")
    _write(store, "keep.md", "kept")
    new = [_chunk("a.md", "new a"), _chunk("b.md", "new b")]
    vectors = store.embedder.embed([c.embed_text for c in new])
    store.replace_documents([("a.md", [new[0]], [vectors[0]]), ("b.md", [new[1]], [vectors[1]])])
    texts = {store.get_chunk(f"{d}#0").text for d in ("a.md", "b.md", "keep.md")}
    assert texts == {"new a", "new b", "kept"} and store.count() == 3


def test_the_warm_up_asks_the_kb_collection_a_question_and_records_nothing(tmp_path):
    """The first shopper's question must not be the first to search the KB's collection (a
    100k-chunk store pays for that), nor to run the answer path; and the dry turns leave no
    conversation, event or cached sentence behind."""
    from agent.runtime import _WARM_UP_MESSAGES, EscalationAgent
    from agent.settings import Settings

    embedder = FakeEmbedder()
    store = VectorStore(embedder, path=tmp_path / "chroma")
    _write(store, "shipping.md", "Delivery takes 3 to 5 business days. Returns are free.")
    kb = VectorStore(embedder, path=tmp_path / "chroma")  # as a fresh process opens it
    searched: list[str] = []
    real_query = VectorStore._query
    kb._query = lambda vector, n: searched.append("kb") or real_query(kb, vector, n)  # type: ignore[method-assign]
    embedder.calls.clear()
    with EscalationAgent(Settings.load(data_dir=tmp_path / "d"), retriever=kb) as agent:
        question = _WARM_UP_MESSAGES[-1]
        asked = [text for texts in embedder.calls for text in texts if text != "warm up"]
        assert asked and all(text in question for text in asked)  # the dry question was searched
        assert len(searched) == 1 + len(asked)  # in the KB's collection, after its own warm-up
        assert agent.store.list_namespaces() == []  # no record, event or ticket
        sentence = "Delivery takes 3 to 5 business days."
        embedder.calls.clear()
        agent.context.llm.embed([sentence])  # type: ignore[attr-defined]
        assert embedder.calls == [[sentence]]  # the dry question's sentences were forgotten
        config = {"configurable": {"thread_id": "warm-up-1"}}
        assert agent.graph.get_state(config).values == {}  # nothing checkpointed


def test_the_ingest_bench_embeds_alone_the_very_batches_ingest_embeds(tmp_path):
    from evals.bench.ingest import measure_ingest

    embedder = FakeEmbedder(max_tokens=None)
    measured, texts = measure_ingest(embedder, 160, 60, tmp_path, rounds=3)
    ingest_calls = embedder.calls[: len(measured["batches"])]  # the untimed ingest's own
    assert [len(c) for c in ingest_calls] == measured["batches"]
    assert texts == [t for call in ingest_calls for t in call]
    assert len(texts) == measured["chunks"] == measured["chunks_written"]
    # each round: ingest's calls and the embedding side's calls, the same texts in the same cut
    assert embedder.calls == ingest_calls * (1 + 2 * 3)
