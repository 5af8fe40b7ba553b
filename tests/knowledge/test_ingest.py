"""Ingest is idempotent and mirrors the folder: added, updated, unchanged, removed."""

from __future__ import annotations

import pytest

from agent.errors import KnowledgeError
from knowledge.ingest import ingest
from knowledge.store import VectorStore

SHIPPING = "# Shipping\n\n## Times\nOrders ship in two business days.\n\n## Costs\nShipping is free over 50 dollars.\n"
RETURNS = "# Returns\nReturn unworn items within 30 days for a refund.\n"
FAQ = '[{"question": "Do you sell gift cards?", "answer": "Yes, from 10 to 500 dollars."}]'


@pytest.fixture
def kb(write, tmp_path):
    write("shipping.md", SHIPPING)
    write("policies/returns.md", RETURNS)
    write("faq.json", FAQ)
    write("broken.json", "[{")
    return tmp_path / "kb"


def doc_ids_found(store, query):
    return {hit.chunk.doc_id for hit in store.search(query, 10)}


def test_first_ingest_adds_everything_and_reports_problems(kb, store, fake_embedder):
    report = ingest(kb, store, fake_embedder)
    assert report.added == ["kb:faq.json", "kb:policies/returns.md", "kb:shipping.md"]
    assert report.updated == report.unchanged == report.removed == []
    assert report.chunks_written == store.count() == 4
    assert [p.path for p in report.problems] == ["broken.json"]
    assert report.truncated_chunks == []
    assert report.seconds > 0
    assert store.search("gift cards", 1)[0].chunk.doc_id == "kb:faq.json"


def test_second_ingest_changes_nothing_and_embeds_nothing(kb, store, fake_embedder):
    ingest(kb, store, fake_embedder)
    fake_embedder.calls.clear()
    report = ingest(kb, store, fake_embedder)
    assert report.unchanged == ["kb:faq.json", "kb:policies/returns.md", "kb:shipping.md"]
    assert report.added == report.updated == report.removed == []
    assert report.chunks_written == 0 and fake_embedder.calls == []
    assert store.count() == 4


def test_a_modified_file_is_updated(kb, store, fake_embedder, write):
    ingest(kb, store, fake_embedder)
    write(
        "policies/returns.md",
        "# Returns\nReturns are accepted within 60 days.\n\n## Exchanges\nSwap sizes free.\n",
    )
    report = ingest(kb, store, fake_embedder)
    assert report.updated == ["kb:policies/returns.md"]
    assert report.unchanged == ["kb:faq.json", "kb:shipping.md"]
    assert report.chunks_written == 2 and store.count() == 5
    texts = [hit.chunk.text for hit in store.search("returns accepted days", 10)]
    assert "Returns are accepted within 60 days." in texts
    assert not any("30 days" in text for text in texts)


def test_a_deleted_file_is_removed_with_its_chunks(kb, store, fake_embedder):
    ingest(kb, store, fake_embedder)
    (kb / "shipping.md").unlink()
    report = ingest(kb, store, fake_embedder)
    assert report.removed == ["kb:shipping.md"]
    assert "kb:shipping.md" not in doc_ids_found(store, "shipping business days free")
    assert store.count() == 2 and "kb:shipping.md" not in store.sources()["kb"].docs


def test_a_file_that_breaks_keeps_its_previous_chunks(kb, store, fake_embedder, write):
    ingest(kb, store, fake_embedder)
    write("faq.json", '[{"question": "Do you sell gift cards?",')
    report = ingest(kb, store, fake_embedder)
    assert report.removed == []
    assert ("kb:faq.json", "kept the previously ingested version") in [
        (p.path, p.message) for p in report.problems
    ]
    assert "kb:faq.json" in doc_ids_found(store, "gift cards")


def test_progress_is_reported_per_document(kb, store, fake_embedder):
    calls = []
    ingest(
        kb,
        store,
        fake_embedder,
        progress=lambda done, total, doc_id: calls.append((done, total, doc_id)),
    )
    assert calls == [
        (1, 3, "kb:faq.json"),
        (2, 3, "kb:policies/returns.md"),
        (3, 3, "kb:shipping.md"),
    ]


def test_chunks_longer_than_the_embedder_window_are_listed(kb, tmp_path, make_embedder):
    narrow = make_embedder(name="narrow", max_tokens=9)  # counts words; shipping chunks have 9
    report = ingest(kb, VectorStore(narrow, path=tmp_path / "narrow"), narrow)
    assert report.truncated_chunks == ["kb:faq.json#0", "kb:policies/returns.md#0"]


def test_the_store_and_ingest_must_use_the_same_embedder(kb, store, make_embedder):
    with pytest.raises(KnowledgeError, match="store holds fake-bow vectors"):
        ingest(kb, store, make_embedder(name="another"))


def test_real_model_ingest_and_search(kb, tmp_path, minilm):
    store = VectorStore(minilm, path=tmp_path / "real")
    report = ingest(kb, store, minilm)
    assert report.chunks_written == 4 and report.truncated_chunks == []
    best = store.search("how long until my package leaves?", 1)[0].chunk
    assert best.id.startswith("kb:shipping.md#0@") and best.origin == "kb"
    assert (
        store.search("can I send back shoes I never wore", 1)[0].chunk.doc_id
        == "kb:policies/returns.md"
    )
    assert ingest(kb, store, minilm).unchanged == report.added


def test_changing_the_chunk_size_rewrites_documents(tmp_path):
    from knowledge.ingest import ingest
    from knowledge.store import VectorStore
    from tests.knowledge.conftest import FakeEmbedder

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("# A\n\n" + "Words about returns and refunds. " * 40)
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    ingest(kb, store, store.embedder, max_tokens=160)
    again = ingest(kb, store, store.embedder, max_tokens=60)
    assert again.updated == ["kb:a.md"] and again.unchanged == []
    assert ingest(kb, store, store.embedder, max_tokens=60).unchanged == ["kb:a.md"]


def test_chunks_are_cut_to_the_embedders_window_not_just_the_token_budget(tmp_path):
    from knowledge.ingest import ingest
    from knowledge.store import VectorStore
    from tests.knowledge.conftest import FakeEmbedder

    class SmallWindow(FakeEmbedder):
        """Counts two model tokens per word and reads at most 60 of them."""

        def count_tokens(self, text: str) -> int:
            return 2 * len(text.split())

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "long.md").write_text(
        "# Long\n\n" + " ".join(f"Sentence number {i} about returns." for i in range(60))
    )
    embedder = SmallWindow(max_tokens=60)
    store = VectorStore(embedder, path=tmp_path / "chroma")
    report = ingest(kb, store, embedder, max_tokens=160)
    assert report.truncated_chunks == []
    stored = [store.get_chunk(i) for i, _, _ in store.source_chunks("kb")]
    assert len(stored) == report.chunks_written
    assert all(embedder.count_tokens(c.embed_text) <= 60 for c in stored if c is not None)
    assert report.chunks_written >= 10  # 160-token chunks would have been 3


SIZE_TABLE = "# Candles\n\n## Sizes\n\n| Scent | Size | Burn time |\n|---|---|---|\n" + "\n".join(
    f"| Scent {n} | {z} oz | {z * 5} hours |" for n in range(12) for z in (4, 8, 14, 22)
)


def test_a_split_table_is_stable_on_re_ingest_and_an_upgrade_rewrites_only_it(
    kb, store, fake_embedder, write, monkeypatch
):
    write("candles.md", SIZE_TABLE)
    import knowledge.ingest as ingest_module

    with monkeypatch.context() as m:  # the chunker before headers were repeated
        m.setattr(ingest_module, "carries", lambda doc, max_tokens: False)
        ingest(kb, store, fake_embedder)
    before = {c.id for c in store.kb_chunks()}
    report = ingest(kb, store, fake_embedder)
    assert report.updated == ["kb:candles.md"]  # only the document whose chunks change
    assert report.unchanged == ["kb:faq.json", "kb:policies/returns.md", "kb:shipping.md"]
    after = {c.id for c in store.kb_chunks()}
    assert {i for i in before if "candles" not in i} == {i for i in after if "candles" not in i}
    candles = [c for c in store.kb_chunks() if c.doc_id == "kb:candles.md"]
    continued = sorted(candles, key=lambda c: int(c.id.split("#")[1].split("@")[0]))[1:]
    assert continued and all(c.text.startswith("| Scent | Size | Burn time |") for c in continued)
    fake_embedder.calls.clear()
    again = ingest(kb, store, fake_embedder)
    assert "kb:candles.md" in again.unchanged and fake_embedder.calls == []
    assert {c.id for c in store.kb_chunks()} == after
