"""The Chroma door: round trips, isolation per embedder, and only VectorStoreError escapes."""

from __future__ import annotations

import re

import pytest

from agent.errors import VectorStoreError
from knowledge import store as store_module
from knowledge.models import Chunk
from knowledge.store import VectorStore
from knowledge.store_address import collection_name, parse_url


def chunk(doc_id: str, n: int, text: str, **extra: object) -> Chunk:
    fields = {
        "title": f"Title {doc_id}",
        "heading": f"H{n}",
        "n_tokens": len(text.split()),
        "doc_sha256": "a" * 64,
    }
    return Chunk(id=f"{doc_id}#{n}", doc_id=doc_id, text=text, **{**fields, **extra})


def put(store: VectorStore, doc_id: str, *texts: str, **extra: object) -> list[Chunk]:
    chunks = [chunk(doc_id, n, text, **extra) for n, text in enumerate(texts)]
    store.replace_document(doc_id, chunks, store.embedder.embed([c.embed_text for c in chunks]))
    return chunks


def test_an_empty_store_answers_without_errors(store):
    assert store.count() == 0
    assert store.manifest() == {}
    assert store.search("anything", 5) == []
    assert store.get_chunk("nope#0") is None


def test_replace_then_read_back_every_field(store):
    written = put(store, "ship.md", "Parcels ship in two days.", "Tracking links arrive by email.")
    written.append(put(store, "top.md", "Top level text.", heading="")[0])
    assert store.count() == 3
    assert store.manifest() == {"ship.md": "a" * 64, "top.md": "a" * 64}
    for original in written:
        assert store.get_chunk(original.id) == original


def test_replace_removes_the_previous_chunks_of_that_document_only(store):
    put(store, "ship.md", "one", "two", "three")
    put(store, "other.md", "keep me")
    put(store, "ship.md", "only one now", doc_sha256="b" * 64)
    assert store.count() == 2
    assert store.get_chunk("ship.md#1") is None
    assert store.get_chunk("ship.md#0").text == "only one now"
    assert store.manifest() == {"ship.md": "b" * 64, "other.md": "a" * 64}


def test_delete_document(store):
    put(store, "a.md", "alpha")
    put(store, "b.md", "beta")
    store.delete_document("a.md")
    store.delete_document("never-there.md")
    assert store.manifest() == {"b.md": "a" * 64}
    assert [hit.chunk.doc_id for hit in store.search("alpha", 5)] == ["b.md"]


def test_search_ranks_by_cosine_best_first(store):
    put(
        store,
        "kb.md",
        "returns are free within thirty days",
        "shipping takes two business days",
        "gift cards never expire",
    )
    hits = store.search("how many days does shipping take", 3)
    assert hits[0].chunk.id == "kb.md#1"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    exact = store.search_vector(
        store.embedder.vector("Title kb.md > H2\ngift cards never expire"), 1
    )
    assert exact[0].chunk.id == "kb.md#2" and exact[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(store.search("days", 10)) == 3
    assert store.search("days", 0) == []


def test_data_persists_across_store_objects(store, tmp_path, fake_embedder):
    put(store, "a.md", "persisted text")
    again = VectorStore(fake_embedder, path=tmp_path / "chroma")
    assert again.count() == 1 and again.get_chunk("a.md#0").text == "persisted text"


def test_each_embedder_gets_its_own_collection(store, tmp_path, make_embedder):
    put(store, "a.md", "sixty four dimensions")
    other = VectorStore(make_embedder(name="other-model", dim=8), path=tmp_path / "chroma")
    assert other.count() == 0
    put(other, "a.md", "eight dimensions")
    assert (store.count(), other.count()) == (1, 1)


def test_learned_answers_are_not_in_the_kb_manifest(store):
    put(store, "a.md", "kb text")
    put(store, "learned/1", "a resolved case", source="learned")
    assert store.manifest() == {"a.md": "a" * 64}
    assert store.count() == 2


def test_writes_and_manifest_reads_are_batched(store, monkeypatch):
    monkeypatch.setattr(store_module, "_PAGE", 3)
    for doc in ("a.md", "b.md", "c.md"):
        put(store, doc, *(f"{doc} text {n}" for n in range(7)))
    assert store._batch == 3
    assert store.count() == 21
    assert set(store.manifest()) == {"a.md", "b.md", "c.md"}


@pytest.mark.parametrize(
    ("logical", "embedder"),
    [
        ("kb", "all-MiniLM-L6-v2-int8"),
        ("kb", "openai-text/embedding:3"),
        ("a", "b"),
        ("..", "::"),
        ("kb", "x" * 900),
    ],
)
def test_collection_names_are_valid_for_chroma(logical, embedder):
    name = collection_name(logical, embedder)
    assert 3 <= len(name) <= 512
    assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]", name) and ".." not in name


def test_names_that_sanitise_alike_stay_apart():
    assert collection_name("kb", "openai:x") != collection_name("kb", "openai/x")
    assert collection_name("kb", "m") != collection_name("learned", "m")
    assert collection_name("kb", "m") == collection_name("kb", "m")


def test_chroma_errors_are_translated(store, fake_embedder):
    put(store, "a.md", "sixty four dimensions")
    with pytest.raises(VectorStoreError, match="writing the chunks of b.md") as caught:
        store.replace_document("b.md", [chunk("b.md", 0, "x")], [[1.0, 0.0]])
    assert caught.value.__cause__ is not None
    with pytest.raises(VectorStoreError, match="searching"):
        store.search_vector([1.0, 0.0, 0.0], 3)


def test_mismatched_arguments_are_refused(store):
    with pytest.raises(VectorStoreError, match="2 chunks but 1 vectors"):
        store.replace_document("a.md", [chunk("a.md", 0, "x"), chunk("a.md", 1, "y")], [[1.0] * 64])
    with pytest.raises(VectorStoreError, match="other documents"):
        store.replace_document("a.md", [chunk("b.md", 0, "x")], [[1.0] * 64])


def test_an_unreachable_server_is_a_vector_store_error(fake_embedder):
    unreachable = VectorStore(
        fake_embedder, url="http://127.0.0.1:9"
    )  # discard port: refused at once
    with pytest.raises(VectorStoreError, match="127.0.0.1:9"):
        unreachable.count()


def test_store_needs_exactly_one_location(fake_embedder, tmp_path):
    for kwargs in ({}, {"path": tmp_path, "url": "http://localhost:8000"}):
        with pytest.raises(VectorStoreError, match="either a folder path or a server url"):
            VectorStore(fake_embedder, **kwargs)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:8000", ("localhost", 8000, False)),
        ("https://chroma.example.com", ("chroma.example.com", 443, True)),
        ("http://10.0.0.5/", ("10.0.0.5", 80, False)),
    ],
)
def test_parse_url(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url", ["localhost:8000", "ftp://host", "http://host:99999", "http://host/prefix"]
)
def test_parse_url_rejects_what_it_cannot_use(url):
    with pytest.raises(VectorStoreError):
        parse_url(url)


def test_a_question_is_embedded_once_per_turn(store, fake_embedder):
    """The trigger step's vote and retrieval look up the same question: one embed call."""
    before = len(fake_embedder.calls)
    vectors = store.query_vectors(["do you ship to canada?", "do you ship to canada?"])
    assert vectors[0] == vectors[1] == fake_embedder.vector("do you ship to canada?")
    store.search("do you ship to canada?", 3)
    assert fake_embedder.calls[before:] == [["do you ship to canada?"]]


def test_the_vocabulary_recheck_is_due_after_the_read_ends_not_when_it_began(store, monkeypatch):
    """A vocabulary read that takes longer than ``recheck_s`` (100k chunks at start-up) must not
    leave the next turn to count the store again at once."""
    put(store, "ship.md", "Parcels ship in two days.")
    clock = [1000.0]
    monkeypatch.setattr(store_module.time, "monotonic", lambda: clock[0])
    real_words = store_module.words_of

    def slow_words(text: str) -> frozenset[str]:
        clock[0] += store.recheck_s + 1  # the read outlasts the recheck interval
        return real_words(text)

    monkeypatch.setattr(store_module, "words_of", slow_words)
    assert "parcels" in store.vocabulary()
    counts = []
    real_count = VectorStore.count
    monkeypatch.setattr(VectorStore, "count", lambda self: counts.append(1) or real_count(self))
    clock[0] += 1.0
    store.vocabulary()
    assert counts == []  # fresh: the read just ended
    clock[0] += store.recheck_s
    store.vocabulary()
    assert counts == [1]  # due again recheck_s after the read
