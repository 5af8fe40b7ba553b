"""Ingest against its floor: the whole pipeline from files ÷ embedding the same chunks alone."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from evals.bench.measure import timed
from evals.bench.synthetic import write_kb
from knowledge.embeddings import Embedder
from knowledge.ingest import ingest
from knowledge.store import VectorStore

__all__ = ["measure_ingest"]


class _Recording:
    """The embedder, noting the texts of each call: the batches ingest embeds."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.batches: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return self.inner.embed(texts)


def measure_ingest(
    embedder: Embedder, max_tokens: int, chunks: int, workdir: Path, rounds: int = 3
) -> tuple[dict[str, Any], list[str]]:
    """The first documents of the synthetic KB (about ``chunks`` chunks) ingested into a new
    store, against embedding the very chunk texts that ingest writes, in the very batches
    ingest embeds them, side by side in each round (the order flips); the ratio is the
    median of the rounds' ratios, so that a busy neighbour slowing one round does not decide
    it. Also returns those texts.

    Before anything is timed, one ingest runs untimed (it loads the model and Chroma's client
    code, and records ingest's batches), and each round's new store is opened: the embedding
    side does not pay for loading the model either."""
    kb = workdir / "kb"
    docs, _ = write_kb(kb, chunks, max_tokens=max_tokens)
    recording = _Recording(embedder)
    ingest(kb, VectorStore(recording, path=workdir / "chroma-warm"), recording, max_tokens)
    batches = recording.batches
    texts = [text for batch in batches for text in batch]

    def embed_alone() -> None:
        for batch in batches:
            embedder.embed(batch)

    embed_s, ingest_s, written = [], [], 0
    for n in range(rounds):
        store = VectorStore(embedder, path=workdir / f"chroma-{n}")
        store.count()  # a new, empty store, opened
        for side in ("embed", "ingest") if n % 2 == 0 else ("ingest", "embed"):
            if side == "embed":
                embed_s.append(timed(embed_alone)[0])
            else:
                seconds, report = timed(partial(ingest, kb, store, embedder, max_tokens))
                ingest_s.append(seconds)
                written = report.chunks_written
    ratios = [i / e for i, e in zip(ingest_s, embed_s, strict=True)]
    return {
        "docs": docs,
        "chunks": len(texts),
        "chunks_written": written,
        "batches": [len(batch) for batch in batches],
        "rounds": rounds,
        "embed_s": round(statistics.median(embed_s), 3),
        "ingest_s": round(statistics.median(ingest_s), 3),
        "ratio": round(statistics.median(ratios), 3),
        "chunks_per_s": round(written / statistics.median(ingest_s), 1),
    }, texts
