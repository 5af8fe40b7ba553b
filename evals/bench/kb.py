"""The benchmark's knowledge bases: written, ingested and stored once per size, then reused.

A KB lives in ``<data_dir>/bench/kb-<size>-g<generator>-<embedder>-t<chunk budget>/``
(``kb/`` the files, ``chroma/`` the store, ``build.json`` written last, so a
build that was interrupted is never trusted: it resumes, since ingest skips the
documents already stored; the 100k build takes an hour or more on a busy 2-core machine). About one chunk in
a hundred is an approved learned answer, stored like the curation flow stores
them: in the same collection, with ``source="learned"``.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from evals.bench import vocab
from evals.bench.synthetic import GENERATOR_VERSION, write_kb
from knowledge.embeddings import Embedder
from knowledge.ingest import ingest
from knowledge.models import Chunk
from knowledge.store import VectorStore

__all__ = ["BenchKB", "ensure_kb", "learned_answers", "parse_size"]

Progress = Callable[[str, int, int], None]
"""progress(phase, done, total)."""


class BenchKB(BaseModel):
    """One built knowledge base and how it was built."""

    model_config = ConfigDict(extra="forbid")
    size: int
    """The size asked for, in chunks."""
    folder: Path
    chunks: int
    """Chunks in the store, learned answers included."""
    docs: int
    learned: int
    build_seconds: float
    resumed: bool = False
    """The build went on from an interrupted one (``build_seconds`` counts this part only)."""
    truncated_chunks: list[str]
    """Chunks the embedder would cut (ingest reports them; should stay empty)."""
    cached: bool = False

    @property
    def kb(self) -> Path:
        return self.folder / "kb"

    def store(self, embedder: Embedder) -> VectorStore:
        return VectorStore(embedder, path=self.folder / "chroma")


def parse_size(text: str) -> int:
    """'1k' -> 1000, '100k' -> 100000, '200' -> 200."""
    raw = text.strip().lower()
    number = raw[:-1] if raw.endswith("k") else raw
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(
            f"a KB size is a positive number of chunks like 200, 1k or 10k, not {text!r}"
        )
    return int(number) * (1000 if raw.endswith("k") else 1)


def learned_answers(count: int, seed: int = 7) -> list[Chunk]:
    """Resolutions a curator approved, as the chunks the store holds for them."""
    rng = random.Random(f"learned:{GENERATOR_VERSION}:{seed}")
    chunks = []
    for n in range(count):
        region, carrier = rng.choice(vocab.REGIONS), rng.choice(vocab.CARRIERS)
        question = f"My parcel to {region} shows delivered but I never got it"
        text = (
            f"Ask the shopper to check with neighbours and the building's mailroom, then wait "
            f"{rng.randint(1, 3)} business days: {carrier} sometimes scans parcels early. "
            f"If it has not arrived by then, we send a replacement at no cost."
        )
        doc_id = f"learned/{n:05d}"
        chunks.append(
            Chunk(
                id=f"{doc_id}#0",
                doc_id=doc_id,
                title="Learned answer",
                heading=question,
                text=text,
                n_tokens=0,
                doc_sha256="learned",
                source="learned",
            )  # fmt: skip
        )
    return chunks


_LEARNED_BATCH = 256
_WRITTEN = "written.json"
"""Marks a KB folder whose files are all written: an interrupted build resumes from there."""


def _written_files(folder: Path, size: int, max_tokens: int, tick: Progress) -> tuple[int, bool]:
    """Write the KB's files, unless a build that was interrupted already wrote them all
    (then True: the build resumes)."""
    marker = folder / _WRITTEN
    if marker.is_file():
        return int(json.loads(marker.read_text(encoding="utf-8"))["docs"]), True
    shutil.rmtree(folder, ignore_errors=True)
    docs, _ = write_kb(folder / "kb", size, max_tokens=max_tokens,
                       progress=lambda done, total: tick("writing", done, total))  # fmt: skip
    marker.write_text(json.dumps({"docs": docs}), encoding="utf-8")
    return docs, False


def ensure_kb(
    data_dir: Path,
    size: int,
    embedder: Embedder,
    max_tokens: int,
    progress: Progress | None = None,
) -> BenchKB:
    """The cached KB of ``size`` chunks, built (files, ingest, learned answers) when missing."""
    key = f"kb-{size}-g{GENERATOR_VERSION}-{embedder.name}-t{max_tokens}"
    folder = data_dir / "bench" / key
    meta = folder / "build.json"
    if meta.is_file():
        return BenchKB.model_validate_json(meta.read_text(encoding="utf-8")).model_copy(
            update={"folder": folder, "cached": True}
        )
    tick = progress or (lambda phase, done, total: None)
    started = time.perf_counter()
    docs, resumed = _written_files(folder, size, max_tokens, tick)
    store = VectorStore(embedder, path=folder / "chroma")
    # incremental: after an interrupted build, the documents already stored are skipped
    report = ingest(folder / "kb", store, embedder, max_tokens,
                    progress=lambda done, total, _: tick("ingesting", done, total))  # fmt: skip
    learned = learned_answers(max(1, size // 100))
    for start in range(0, len(learned), _LEARNED_BATCH):
        batch = learned[start : start + _LEARNED_BATCH]
        vectors = embedder.embed([chunk.embed_text for chunk in batch])
        store.replace_documents([(c.doc_id, [c], [v]) for c, v in zip(batch, vectors, strict=True)])
        tick("learned answers", start + len(batch), len(learned))
    built = BenchKB(
        size=size,
        folder=folder,
        chunks=store.count(),
        docs=docs,
        learned=len(learned),
        build_seconds=round(time.perf_counter() - started, 2),
        resumed=resumed,
        truncated_chunks=report.truncated_chunks,
    )
    meta.write_text(json.dumps(built.model_dump(mode="json"), indent=1), encoding="utf-8")
    return built
