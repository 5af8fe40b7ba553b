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
from knowledge.store import VectorStore

__all__ = ["Progress", "ingest"]

Progress = Callable[[int, int, str], None]
"""progress(done, total, doc_id), called after each document."""

_MIN_BUDGET = 32
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
    for done, loaded in enumerate(documents, start=1):
        doc = loaded.model_copy(update={"sha256": fingerprint(loaded, max_tokens)})
        previous = stored.get(doc.id)
        if previous == doc.sha256:
            report.unchanged.append(doc.id)
        else:
            _write(doc, store, embedder, max_tokens, report)
            (report.added if previous is None else report.updated).append(doc.id)
        if progress is not None:
            progress(done, len(documents), doc.id)
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
    window = embedder.max_tokens
    chunks = chunk_document(doc, max_tokens)
    for _ in range(4):
        longest = max((embedder.count_tokens(c.embed_text) for c in chunks), default=0)
        if window is None or longest <= window or max_tokens <= _MIN_BUDGET:
            break
        max_tokens = max(_MIN_BUDGET, int(max_tokens * window / longest * 0.95))
        chunks = chunk_document(doc, max_tokens)
    return chunks


def _write(
    doc: Document, store: VectorStore, embedder: Embedder, max_tokens: int, report: IngestReport
) -> None:
    """Chunk, embed and store one document, noting any chunk the embedder would still cut."""
    chunks = fitted_chunks(doc, embedder, max_tokens)
    texts = [chunk.embed_text for chunk in chunks]
    window = embedder.max_tokens
    if window is not None:
        report.truncated_chunks += [
            c.id for c, t in zip(chunks, texts, strict=True) if embedder.count_tokens(t) > window
        ]
    store.replace_document(doc.id, chunks, embedder.embed(texts) if texts else [])
    report.chunks_written += len(chunks)
