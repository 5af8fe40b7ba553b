"""Bring a vector store in line with a KB folder, touching only what changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from agent.errors import KnowledgeError
from knowledge.chunking import chunk_document
from knowledge.documents import load_folder
from knowledge.embeddings import Embedder
from knowledge.models import Chunk, Document, IngestReport, LoadProblem
from knowledge.store import VectorStore, Written

__all__ = ["Progress", "ingest"]

Progress = Callable[[int, int, str], None]
"""progress(done, total, doc_id), called after each document."""

_MIN_BUDGET = 32
WRITE_BATCH = 256
"""Chunks embedded and written together: Chroma's writes cost per call, not per chunk."""
CHUNKER_VERSION = "2"  # 2: Markdown emphasis and links are stripped from chunk text
"""Bump when chunking changes, so the next ingest rewrites every document."""


def fingerprint(doc: Document, max_tokens: int) -> str:
    """What "unchanged" means: same bytes, chunked the same way."""
    return f"{doc.sha256}:{max_tokens}:{CHUNKER_VERSION}"


def ingest(
    root: Path,
    store: VectorStore,
    embedder: Embedder,
    max_tokens: int = 160,
    progress: Progress | None = None,
) -> IngestReport:
    """Add new documents, replace changed ones (by fingerprint), remove deleted ones; report it all.

    A file that is still there but can no longer be read keeps its previous
    chunks (and is listed in ``problems``): a broken edit should not silently
    empty a topic the bot could answer yesterday.
    """
    if embedder.name != store.embedder.name:
        raise KnowledgeError(
            f"ingest embeds with {embedder.name} but the store holds {store.embedder.name} vectors"
        )
    started = time.perf_counter()
    documents, problems = load_folder(root)
    stored = store.manifest()
    report = IngestReport(problems=problems)
    pending: list[tuple[str, list[Chunk]]] = []
    for done, loaded in enumerate(documents, start=1):
        doc = loaded.model_copy(update={"sha256": fingerprint(loaded, max_tokens)})
        previous = stored.get(doc.id)
        if previous == doc.sha256:
            report.unchanged.append(doc.id)
        else:
            pending.append((doc.id, _checked(doc, embedder, max_tokens, report)))
            (report.added if previous is None else report.updated).append(doc.id)
        if sum(len(chunks) for _, chunks in pending) >= WRITE_BATCH:
            _write(pending, store, embedder)
            pending = []
        if progress is not None:
            progress(done, len(documents), doc.id)
    _write(pending, store, embedder)
    _remove_missing(root, store, set(stored) - {doc.id for doc in documents}, report)
    report.seconds = time.perf_counter() - started
    return report


def _remove_missing(
    root: Path, store: VectorStore, missing: set[str], report: IngestReport
) -> None:
    """Delete stored documents whose file is gone; keep those whose file failed to load."""
    unreadable = {problem.path for problem in report.problems}
    for doc_id in sorted(missing):
        if doc_id in unreadable and (root / doc_id).is_file():
            report.problems.append(
                LoadProblem(path=doc_id, message="kept the previously ingested version")
            )
            continue
        store.delete_document(doc_id)
        report.removed.append(doc_id)


def fitted_chunks(doc: Document, embedder: Embedder, max_tokens: int) -> list[Chunk]:
    """Chunks of ``doc`` that the embedder reads whole: when a chunk would overflow the
    model's window (256 word-pieces for the local model), the document is chunked again
    with a budget shrunk in proportion, a few times at most."""
    return _fitted(doc, embedder, max_tokens)[0]


def _fitted(doc: Document, embedder: Embedder, max_tokens: int) -> tuple[list[Chunk], list[int]]:
    """:func:`fitted_chunks` and each chunk's length in the model's tokens (none counted
    when the model has no window), so nothing is tokenized twice."""
    window = embedder.max_tokens
    chunks = chunk_document(doc, max_tokens)
    if window is None:
        return chunks, []
    for _ in range(4):
        counts = [embedder.count_tokens(c.embed_text) for c in chunks]
        if max(counts, default=0) <= window or max_tokens <= _MIN_BUDGET:
            return chunks, counts
        max_tokens = max(_MIN_BUDGET, int(max_tokens * window / max(counts) * 0.95))
        chunks = chunk_document(doc, max_tokens)
    return chunks, [embedder.count_tokens(c.embed_text) for c in chunks]


def _checked(
    doc: Document, embedder: Embedder, max_tokens: int, report: IngestReport
) -> list[Chunk]:
    """The document's fitted chunks, noting any the embedder would still cut."""
    chunks, counts = _fitted(doc, embedder, max_tokens)
    if counts:  # counted only when the model has a window
        window = embedder.max_tokens or 0
        report.truncated_chunks += [c.id for c, n in zip(chunks, counts, strict=True) if n > window]
    report.chunks_written += len(chunks)
    return chunks


def _write(pending: list[tuple[str, list[Chunk]]], store: VectorStore, embedder: Embedder) -> None:
    """Embed the pending documents' chunks in one call and store them in one write."""
    texts = [chunk.embed_text for _, chunks in pending for chunk in chunks]
    vectors = iter(embedder.embed(texts) if texts else [])
    written: list[Written] = [
        (doc_id, chunks, [next(vectors) for _ in chunks]) for doc_id, chunks in pending
    ]
    store.replace_documents(written)
