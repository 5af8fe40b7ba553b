"""No chunk of the synthetic KB exceeds the local embedder's window (256 word-pieces), even
with a chunk budget that would overflow it: ingest re-chunks such documents."""

from __future__ import annotations

import pytest

from evals.bench.synthetic import write_kb
from knowledge.chunking import chunk_document
from knowledge.documents import load_folder
from knowledge.embeddings import LocalMiniLM
from knowledge.ingest import fitted_chunks


@pytest.fixture(scope="module")
def minilm() -> LocalMiniLM:
    return LocalMiniLM()


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    write_kb(root, 300)
    return load_folder(root)[0]


@pytest.mark.parametrize("budget", [160, 400])
def test_every_chunk_fits_the_window(documents, minilm, budget):
    chunks = [c for doc in documents for c in fitted_chunks(doc, minilm, budget)]
    assert max(minilm.count_tokens(c.embed_text) for c in chunks) <= minilm.max_tokens


def test_a_large_budget_would_overflow_without_refitting(documents, minilm):
    """The check above is not vacuous: the parts lists make chunks longer than the window."""
    raw = [c for doc in documents for c in chunk_document(doc, 400)]
    assert any(minilm.truncated(c.embed_text) for c in raw)
