"""Named sources: side by side in one store, replaced one at a time, never wiped by accident."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import KnowledgeError
from knowledge.ingest import IngestOptions, ingest
from knowledge.ingest_plan import PruneRefused
from knowledge.models import Chunk
from knowledge.sources import default_source, doc_path, qualified, source_of, valid_source


def folder(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def docs(n: int, word: str) -> dict[str, str]:
    return {f"faq/q{i}.md": f"# {word} {i}\n\n{word} answer number {i}.\n" for i in range(n)}


def test_ids_carry_the_source_and_read_back_as_paths():
    assert qualified("help", "faq/returns.md") == "help:faq/returns.md"
    assert (
        source_of("help:faq/returns.md") == "help"
        and doc_path("help:faq/returns.md") == "faq/returns.md"
    )
    assert source_of("faq/returns.md") is None and doc_path("faq/returns.md") == "faq/returns.md"
    assert default_source(Path("/x/My Help Centre")) == "my-help-centre"
    with pytest.raises(KnowledgeError, match="source name"):
        valid_source("Bad:Name")


def test_two_folders_with_the_same_paths_live_side_by_side(tmp_path, store, fake_embedder):
    one = folder(tmp_path / "shop", {"faq/returns.md": "# Returns\n\nShop returns take 30 days.\n"})
    two = folder(
        tmp_path / "outlet", {"faq/returns.md": "# Returns\n\nOutlet items are final sale.\n"}
    )
    ingest(one, store, fake_embedder)
    second = ingest(two, store, fake_embedder)
    assert second.added == ["outlet:faq/returns.md"] and second.removed == []
    assert set(store.sources()) == {"shop", "outlet"}
    found = {hit.chunk.doc_id for hit in store.search("returns", 5)}
    assert found == {"shop:faq/returns.md", "outlet:faq/returns.md"}


def test_reingesting_a_source_replaces_only_that_source(tmp_path, store, fake_embedder):
    one = folder(tmp_path / "shop", {"a.md": "# A\n\nalpha text\n", "b.md": "# B\n\nbeta text\n"})
    two = folder(tmp_path / "outlet", {"a.md": "# A\n\noutlet alpha\n"})
    ingest(one, store, fake_embedder)
    ingest(two, store, fake_embedder)
    (one / "b.md").unlink()
    (one / "a.md").write_text("# A\n\nalpha changed\n")
    report = ingest(one, store, fake_embedder)
    assert report.updated == ["shop:a.md"] and report.removed == ["shop:b.md"]
    assert store.sources()["outlet"].docs.keys() == {"outlet:a.md"}
    assert store.count() == 2  # shop:a.md's new chunk and outlet:a.md; no leftovers


def test_removing_more_than_the_limit_stops_before_any_change(tmp_path, store, fake_embedder):
    kb = folder(tmp_path / "kb", docs(6, "gift"))
    ingest(kb, store, fake_embedder)
    before = store.count()
    for path in sorted((kb / "faq").iterdir())[:4]:
        path.unlink()
    (kb / "faq" / "new.md").write_text("# New\n\nA new page.\n")
    with pytest.raises(PruneRefused, match="would remove 4 documents .* --prune") as refused:
        ingest(kb, store, fake_embedder, options=IngestOptions(prune_limit=3))
    assert len(refused.value.removing) == 4
    assert store.count() == before and len(store.sources()["kb"].docs) == 6
    pruned = ingest(kb, store, fake_embedder, options=IngestOptions(prune=True))
    assert len(pruned.removed) == 4 and pruned.added == ["kb:faq/new.md"]
    assert len(store.sources()["kb"].docs) == 3


def test_a_dry_run_reports_the_plan_and_changes_nothing(tmp_path, store, fake_embedder):
    kb = folder(
        tmp_path / "kb",
        {"a.md": "# A\n\nalpha\n", "b.md": "# B\n\nbeta\n", "c.md": "# C\n\ngamma\n"},
    )
    ingest(kb, store, fake_embedder)
    (kb / "a.md").write_text("# A\n\nalpha two\n")
    (kb / "b.md").unlink()
    (kb / "d.md").write_text("# D\n\ndelta\n")
    fake_embedder.calls.clear()
    plan = ingest(kb, store, fake_embedder, options=IngestOptions(dry_run=True))
    assert plan.dry_run and plan.added == ["kb:d.md"] and plan.updated == ["kb:a.md"]
    assert plan.removed == ["kb:b.md"] and plan.unchanged == ["kb:c.md"]
    assert fake_embedder.calls == [] and store.count() == 3
    assert set(store.sources()["kb"].docs) == {"kb:a.md", "kb:b.md", "kb:c.md"}


def test_a_store_from_before_sources_is_taken_over_path_by_path(tmp_path, store, fake_embedder):
    old = Chunk(
        id="a.md#0",
        doc_id="a.md",
        title="A",
        heading="",
        text="old alpha",
        n_tokens=2,
        doc_sha256="x",
    )
    other = old.model_copy(update={"id": "gone.md#0", "doc_id": "gone.md", "text": "old gone"})
    for chunk in (old, other):
        store.replace_document(chunk.doc_id, [chunk], fake_embedder.embed([chunk.text]))
    assert store.search("old alpha", 1)[0].chunk.doc_id == "a.md"  # legacy chunks are served
    kb = folder(tmp_path / "kb", {"a.md": "# A\n\nnew alpha\n"})
    report = ingest(kb, store, fake_embedder)
    assert report.added == ["kb:a.md"] and report.removed == []
    assert set(store.manifest()) == {"gone.md"}  # only the path this folder holds was replaced
    assert {h.chunk.doc_id for h in store.search("alpha gone", 5)} == {"kb:a.md", "gone.md"}


def test_remove_source_takes_it_out_whole(tmp_path, store, fake_embedder):
    ingest(folder(tmp_path / "shop", {"a.md": "# A\n\nalpha\n"}), store, fake_embedder)
    ingest(folder(tmp_path / "outlet", {"a.md": "# A\n\nalpha outlet\n"}), store, fake_embedder)
    store.remove_source("outlet")
    assert set(store.sources()) == {"shop"} and store.count() == 1


def test_a_source_larger_than_a_page_is_listed_whole(tmp_path, store, fake_embedder, monkeypatch):
    """Listing goes page by page (a 100k-chunk source in one get ran out of SQL variables)."""
    import knowledge.store

    monkeypatch.setattr(knowledge.store, "_PAGE", 4)
    ingest(folder(tmp_path / "shop", docs(11, "alpha")), store, fake_embedder)
    listed = store.source_chunks("shop")
    assert len(listed) == len({chunk_id for chunk_id, _, _ in listed}) == 11
    assert {doc for _, doc, _ in listed} == {f"shop:faq/q{i}.md" for i in range(11)}
