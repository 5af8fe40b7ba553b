"""Ingest against its floor: the whole pipeline from files ÷ embedding the same chunks alone."""

from __future__ import annotations

import statistics
from functools import partial
from pathlib import Path
from typing import Any

from evals.bench.measure import timed
from evals.bench.synthetic import write_kb
from knowledge.documents import load_folder
from knowledge.embeddings import Embedder
from knowledge.ingest import fitted_chunks, ingest
from knowledge.store import VectorStore

__all__ = ["measure_ingest"]


def measure_ingest(
    embedder: Embedder, max_tokens: int, chunks: int, workdir: Path, rounds: int = 3
) -> tuple[dict[str, Any], list[str]]:
    """The first documents of the synthetic KB (about ``chunks`` chunks) ingested into a new
    store, against embedding the very chunk texts that ingest writes, side by side in each
    round (the order flips); the ratio is the median of the rounds' ratios, so that a busy
    neighbour slowing one round does not decide it. Also returns those texts."""
    kb = workdir / "kb"
    docs, _ = write_kb(kb, chunks, max_tokens=max_tokens)
    documents, _ = load_folder(kb)
    texts = [c.embed_text for d in documents for c in fitted_chunks(d, embedder, max_tokens)]
    embedder.embed(texts[:2])  # the model is loaded before anything is timed,
    VectorStore(embedder, path=workdir / "chroma-warm").count()  # and Chroma's client code
    embed_s, ingest_s, written = [], [], 0
    for n in range(rounds):
        store = VectorStore(embedder, path=workdir / f"chroma-{n}")
        for side in ("embed", "ingest") if n % 2 == 0 else ("ingest", "embed"):
            if side == "embed":
                embed_s.append(timed(lambda: embedder.embed(texts))[0])
            else:
                seconds, report = timed(partial(ingest, kb, store, embedder, max_tokens))
                ingest_s.append(seconds)
                written = report.chunks_written
    ratios = [i / e for i, e in zip(ingest_s, embed_s, strict=True)]
    return {
        "docs": docs,
        "chunks": len(texts),
        "chunks_written": written,
        "rounds": rounds,
        "embed_s": round(statistics.median(embed_s), 3),
        "ingest_s": round(statistics.median(ingest_s), 3),
        "ratio": round(statistics.median(ratios), 3),
        "chunks_per_s": round(written / statistics.median(ingest_s), 1),
    }, texts
