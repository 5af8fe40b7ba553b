"""Bring one named source of a vector store in line with a KB folder, touching only what changed.

Atomic per source. New chunks are written beside the old ones under ids that
carry their document's fingerprint, so nothing a reader sees is overwritten;
then one single-row write to the source catalogue makes the new version the
committed one (readers serve only chunks that match it, see
:meth:`VectorStore.search_vector`); only then are the old chunks deleted.
Killed before the commit, readers keep the old version; killed after it, they
see the new one; either way the next ingest deletes the leftovers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.errors import KnowledgeError
from knowledge.audience import VERSION as AUDIENCE_VERSION
from knowledge.audience import audience_flags, label_document
from knowledge.chunking import carries, chunk_document
from knowledge.documents import load_folder
from knowledge.embeddings import Embedder
from knowledge.flags import Screen, chunk_flags
from knowledge.ingest_pipeline import Pipeline
from knowledge.ingest_plan import Plan, guard, make_plan
from knowledge.models import Chunk, Document, Flag, IngestReport, LoadProblem, SourceRecord
from knowledge.sources import default_source, qualified, valid_source
from knowledge.store import VectorStore

__all__ = ["CRASH_ENV", "IngestOptions", "Progress", "ingest"]

Progress = Callable[[int, int, str], None]
"""progress(done, total, doc_id), called after each document."""

_MIN_BUDGET = 32
WRITE_BATCH = 256
"""Chunks embedded and written together: Chroma's writes cost per call, not per chunk."""
CHUNKER_VERSION = (
    "4"  # 4: front matter read (audience); 3: hidden HTML and invisible Unicode dropped
)
"""Bump when chunking changes, so the next ingest rewrites every document."""
CARRY_VERSION = "1"
"""Of :mod:`knowledge.carry` (a continuation chunk repeats its table's header or its list's
intro): named only in the fingerprint of a document that has such a chunk, so an upgrade
rewrites those documents and no other (their chunk ids stay as they were)."""
CRASH_ENV = "ESCALATE_INGEST_CRASH_AT"
"""Test hook: the process kills itself (SIGKILL) at this named point (see :func:`_crash_point`)."""


@dataclass(frozen=True)
class IngestOptions:
    """How one ingest runs; the defaults are the safe ones."""

    source: str | None = None
    """The source's name; None: the folder's name."""
    prune: bool = False
    """Allow removing more than ``prune_limit`` documents."""
    prune_limit: int = 3
    dry_run: bool = False
    """Plan only: report what would change and write nothing."""
    url_allow_hosts: tuple[str, ...] = ()
    """The store's own domains: links elsewhere are flagged."""
    screen: Screen | None = None
    """The instruction detector; None flags no instructions (the agent always passes one)."""
    serve_flagged_instructions: bool = False
    """Write chunks that read like instructions anyway (still flagged)."""
    audience_globs: tuple[tuple[str, str], ...] = ()
    """(glob over the document's path, "internal" | "shopper"): declared audiences, last
    match wins, over front matter and the heuristic (knowledge.audience)."""


def fingerprint(doc: Document, max_tokens: int, serve_flagged: bool = False) -> str:
    """What "unchanged" means: same bytes, chunked (and screened) the same way, with the same
    audiences (a document with an internal section names the labels and the heuristic)."""
    served = ":served" if serve_flagged else ""
    labels = "".join("i" if s.audience == "internal" else "s" for s in doc.sections)
    audience = f":aud{AUDIENCE_VERSION}={labels}" if "i" in labels else ""
    carry = f":carry{CARRY_VERSION}" if carries(doc, max_tokens) else ""
    return f"{doc.sha256}:{max_tokens}:{CHUNKER_VERSION}{served}{audience}{carry}"


def ingest(
    root: Path,
    store: VectorStore,
    embedder: Embedder,
    max_tokens: int = 160,
    progress: Progress | None = None,
    options: IngestOptions | None = None,
) -> IngestReport:
    """Add new documents, replace changed ones, remove deleted ones, in one source; report it.

    A file that is still there but can no longer be read keeps its previous
    version (and is listed in ``problems``): a broken edit should not silently
    empty a topic the bot could answer yesterday. A refused file (a secret, a
    link out of the folder) keeps nothing.
    """
    opts = options or IngestOptions()
    if embedder.name != store.embedder.name:
        raise KnowledgeError(
            f"ingest embeds with {embedder.name} but the store holds {store.embedder.name} vectors"
        )
    started = time.perf_counter()
    source = valid_source(opts.source or default_source(root))
    loaded, problems = load_folder(root)
    globs = dict(opts.audience_globs)
    documents = [_versioned(label_document(doc, globs), source, max_tokens, opts) for doc in loaded]
    committed = store.sources().get(source)
    plan = make_plan(documents, problems, committed, store.manifest(), source)
    guard(plan, source, opts.prune_limit, opts.prune)
    report = _planned(plan, source, problems, documents, opts.dry_run)
    if opts.dry_run:
        report.seconds = time.perf_counter() - started
        return report
    report.flags = _write(plan, store, embedder, max_tokens, opts, report, progress)
    if committed is not None:  # flags of documents this ingest did not read again
        report.flags = [
            f for f in committed.flags if f.doc_id in set(plan.unchanged) | set(plan.kept)
        ] + report.flags
    _commit(store, plan, SourceRecord(name=source, root=str(root.resolve()), flags=report.flags))
    report.seconds = time.perf_counter() - started
    return report


def _versioned(doc: Document, source: str, max_tokens: int, opts: IngestOptions) -> Document:
    update = {
        "id": qualified(source, doc.id),
        "sha256": fingerprint(doc, max_tokens, opts.serve_flagged_instructions),
    }
    return doc.model_copy(update=update)


def _planned(
    plan: Plan, source: str, problems: list[LoadProblem], docs: list[Document], dry_run: bool
) -> IngestReport:
    kept = [LoadProblem(path=d, message="kept the previously ingested version") for d in plan.kept]
    return IngestReport(
        source=source,
        added=[d.id for d in plan.added],
        updated=[d.id for d in plan.updated],
        unchanged=plan.unchanged,
        removed=plan.removed,
        problems=problems + kept,
        hidden_dropped=sum(d.hidden_dropped for d in docs),
        invisible_dropped=sum(d.invisible_dropped for d in docs),
        dry_run=dry_run,
    )


def _write(
    plan: Plan,
    store: VectorStore,
    embedder: Embedder,
    max_tokens: int,
    opts: IngestOptions,
    report: IngestReport,
    progress: Progress | None,
) -> list[Flag]:
    """Embed and write the chunks of added and updated documents; return their flags.
    A chunk flagged as instructions is withheld (not written) unless the store serves them."""
    changed = plan.added + plan.updated
    # an interrupted ingest left these (uncommitted); a chunk's id names its document's
    # version, so one already stored is the same text and vector: it is not embedded again
    stored = {i for i, _, _ in store.source_chunks(report.source)} if changed else set()
    pending: list[Chunk] = []
    flags: list[Flag] = []
    # chunking the next batch, embedding this one and writing the last one overlap
    line = Pipeline(store, embedder, after_write=_after_write)
    try:
        for done, doc in enumerate(changed, start=1):
            flags += audience_flags(doc)
            for chunk in _checked(doc, embedder, max_tokens, report):
                found = chunk_flags(
                    chunk, opts.url_allow_hosts, opts.screen, opts.serve_flagged_instructions
                )
                flags += found
                if not any(f.withheld for f in found):
                    stamped = _stamped(chunk, doc.sha256)
                    report.chunks_written += 1
                    if stamped.id in stored:
                        report.chunks_resumed += 1
                    else:
                        pending.append(stamped)
            if len(pending) >= WRITE_BATCH:
                line.put(pending)
                pending = []
            if progress is not None:
                progress(done, len(changed), doc.id)
        line.put(pending, last=True)
    finally:
        line.close()  # what was queued is stored (or the first error is raised)
    return flags


def _after_write(last: bool) -> None:
    _crash_point("written" if last else "mid-write")


def _stamped(chunk: Chunk, version: str) -> Chunk:
    """The chunk under an id no other version of its document uses, tagged with its source."""
    short = hashlib.sha256(version.encode()).hexdigest()[:8]
    origin = chunk.doc_id.partition(":")[0]
    return chunk.model_copy(update={"id": f"{chunk.id}@{short}", "origin": origin})


def _commit(store: VectorStore, plan: Plan, record: SourceRecord) -> None:
    """Switch readers to the new version, then delete what no version needs any more."""
    stored = store.source_chunks(record.name)
    current = [i for i, doc_id, fp in stored if plan.versions.get(doc_id) == fp]
    record = record.model_copy(
        update={
            "docs": plan.versions,
            "chunks": len(current),
            "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    store.commit_source(record)
    _crash_point("committed")
    store.delete_chunks([i for i, doc_id, fp in stored if plan.versions.get(doc_id) != fp])
    _crash_point("cleaned")
    for legacy_id in plan.adopted:
        store.delete_document(legacy_id)


def _crash_point(name: str) -> None:
    """Kill this process here, as a power cut would, when the test hook names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


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
    return chunks
