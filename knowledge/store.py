"""The vector store: the one module that talks to Chroma.

We always pass our own vectors (collections have no embedding function), and
each embedder gets its own collection, so switching embedders never mixes
dimensions. Chroma's nested-list results become ScoredChunks right here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import chromadb
import httpx
from chromadb.config import Settings

from agent.errors import VectorStoreError
from agent.redact import redact_text
from knowledge.embeddings import Embedder
from knowledge.models import Chunk, ScoredChunk, SourceRecord
from knowledge.store_address import collection_name, parse_url
from knowledge.vocabulary import words_of

log = logging.getLogger(__name__)

__all__ = ["VectorStore", "stock_chroma_embedder"]

_KEEP_QUERIES = 256
"""Query vectors remembered (a few turns' worth of questions)."""

_FIELDS = ("doc_id", "title", "heading", "n_tokens", "doc_sha256", "source")
_OPTIONAL = {
    "provenance": "",
    "origin": "",
    "audience": "shopper",
}  # absent from chunks written before they existed
_PAGE = 5000
_TEXT_PAGE = 1000  # pages of chunk texts: 5000 at once raised peak memory by 100 MB at 10k
_RECHECK_S = 5.0

Written = tuple[str, Sequence[Chunk], Sequence[Sequence[float]]]
"""(doc_id, its chunks, one vector per chunk): a document as it is written."""


@contextmanager
def _chroma(what: str) -> Iterator[None]:
    """Translate whatever Chroma raises (ChromaError, ValueError, httpx, sqlite...) into ours."""
    try:
        yield
    except VectorStoreError:
        raise
    except Exception as exc:  # chromadb has no single base exception
        raise VectorStoreError(f"vector store: {what} failed: {redact_text(str(exc))}") from exc


class VectorStore:
    """Chunks and their vectors in one Chroma collection (embedded on disk, or a server)."""

    def __init__(
        self,
        embedder: Embedder,
        path: Path | None = None,
        url: str | None = None,
        collection: str = "kb",
        timeout_s: float = 10.0,
    ) -> None:
        """``timeout_s``: every request to a Chroma server (chromadb's own client waits forever)."""
        if (path is None) == (url is None):
            raise VectorStoreError("give the vector store either a folder path or a server url")
        self.embedder = embedder
        self.path, self.url = path, url
        self.timeout_s = timeout_s
        self.name = collection_name(collection, embedder.name)
        self._logical = collection
        self._collection: Any = None
        self._batch = _PAGE
        self._vocabulary: tuple[int, frozenset[str]] | None = None
        self._catalog_coll: Any = None
        self._client_handle: Any = None
        self._versions: dict[str, dict[str, str]] | None = None
        self._checked_at = 0.0
        self.recheck_s = _RECHECK_S
        self._queries: dict[str, list[float]] = {}
        self._queries_lock = threading.Lock()

    def warm_up(self) -> None:
        """Pay the first-use costs now (the model, the collection, the vocabulary), so that
        the first shopper after a start does not."""
        self.search("warm up", 1)
        self.vocabulary()

    def count(self) -> int:
        """How many chunks the collection holds."""
        with _chroma("counting chunks"):
            return int(self._coll().count())

    def manifest(self) -> dict[str, str]:
        """doc_id -> doc_sha256 of every KB document ingested before named sources existed
        (documents of named sources are in :meth:`sources`; learned answers in neither)."""
        found: dict[str, str] = {}
        for offset in range(0, self.count(), _PAGE):
            with _chroma("reading the manifest"):
                page = self._coll().get(include=["metadatas"], limit=_PAGE, offset=offset)
            for meta in page["metadatas"] or []:
                if meta and meta.get("source", "kb") == "kb" and not meta.get("origin"):
                    found[str(meta["doc_id"])] = str(meta.get("doc_sha256", ""))
        return found

    def sources(self) -> dict[str, SourceRecord]:
        """The committed version of every named source, by name."""
        with _chroma("reading the list of sources"):
            found = self._catalog().get(include=["documents"])
        records = [SourceRecord.model_validate_json(d or "{}") for d in found["documents"] or []]
        self._versions = {r.name: r.docs for r in records}
        return {r.name: r for r in records}

    def commit_source(self, record: SourceRecord) -> None:
        """Make ``record`` the version of its source that readers see: one single-row write."""
        with _chroma(f"committing source {record.name}"):
            self._catalog().upsert(
                ids=[record.name], embeddings=[[1.0]], documents=[record.model_dump_json()]
            )
        self._versions = None
        self._vocabulary = None

    def remove_source(self, name: str) -> None:
        """Forget a source: readers stop seeing it at once; its chunks are then deleted."""
        with _chroma(f"removing source {name}"):
            self._catalog().delete(ids=[name])
        self._versions = None
        self.delete_chunks([chunk_id for chunk_id, _, _ in self.source_chunks(name)])

    def source_chunks(self, name: str) -> list[tuple[str, str, str]]:
        """(chunk id, doc_id, doc_sha256) of every chunk stored under source ``name``,
        current or left over from an ingest that did not finish."""
        listed: list[tuple[str, str, str]] = []
        while True:  # in pages: one get of a 100k-chunk source runs out of SQL variables
            with _chroma(f"listing the chunks of source {name}"):
                found = self._coll().get(
                    where={"origin": name}, include=["metadatas"], limit=_PAGE, offset=len(listed)
                )
            listed += [
                (i, str(m["doc_id"]), str(m["doc_sha256"]))
                for i, m in zip(found["ids"], found["metadatas"] or [], strict=True)
            ]
            if len(found["ids"]) < _PAGE:
                return listed

    def kb_chunks(self, source: str | None = None) -> Iterator[Chunk]:
        """Every served knowledge-base chunk (no learned answers), read in pages; only those
        of ``source`` when given (for `escalate kb lint`)."""
        where: dict[str, Any] = {"origin": source} if source else {"source": "kb"}
        offset = 0
        while True:
            with _chroma("reading the knowledge base's chunks"):
                page = self._coll().get(
                    where=where, include=["documents", "metadatas"], limit=_TEXT_PAGE, offset=offset
                )
            metas = page["metadatas"] or []
            rows = zip(page["ids"], page["documents"] or [], metas, strict=True)
            for (i, text, meta), ok in zip(rows, self._served(metas), strict=True):
                if ok and meta.get("source", "kb") == "kb":
                    yield _chunk(i, text, meta)
            if len(page["ids"]) < _TEXT_PAGE:
                return
            offset += _TEXT_PAGE

    def write_chunks(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Write chunks beside what is stored (an id written before is overwritten)."""
        if len(chunks) != len(vectors):
            raise VectorStoreError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        self._vocabulary = None
        for start in range(0, len(chunks), self._batch):
            batch = chunks[start : start + self._batch]
            with _chroma(f"writing {len(batch)} chunks"):
                self._coll().upsert(
                    ids=[c.id for c in batch],
                    embeddings=[list(v) for v in vectors[start : start + self._batch]],
                    documents=[c.text for c in batch],
                    metadatas=[_metadata(c) for c in batch],
                )

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Remove these chunks (ids not stored are ignored)."""
        for start in range(0, len(chunk_ids), self._batch):
            with _chroma(f"deleting {len(chunk_ids)} chunks"):
                self._coll().delete(ids=list(chunk_ids[start : start + self._batch]))
        self._vocabulary = None

    def vocabulary(self) -> frozenset[str]:
        """Every word the stored chunks use; rebuilt after this store's own writes, and when
        the chunk count changed (another process wrote), which is checked at most every
        ``recheck_s`` seconds: counting costs more than the query itself at 10k chunks."""
        now = time.monotonic()
        if self._vocabulary is not None and now - self._checked_at < self.recheck_s:
            return self._vocabulary[1]
        count = self.count()
        self._checked_at = now
        if self._vocabulary is None or self._vocabulary[0] != count:
            words: set[str] = set()
            for offset in range(0, count, _TEXT_PAGE):
                with _chroma("reading the vocabulary"):
                    page = self._coll().get(
                        include=["documents", "metadatas"], limit=_TEXT_PAGE, offset=offset
                    )
                metas = page["metadatas"] or []
                served = self._served(metas)
                for text, meta, ok in zip(page["documents"] or [], metas, served, strict=False):
                    if not ok:
                        continue
                    words |= words_of(
                        f"{text} {(meta or {}).get('title', '')} {(meta or {}).get('heading', '')}"
                    )
            self._vocabulary = (count, frozenset(words))
            # the next check is due recheck_s after the read ended, not after it began: at
            # 100k chunks the read takes seconds, and a start-up warm-up that left the
            # vocabulary already due would make the first shopper pay for the count
            self._checked_at = time.monotonic()
        return self._vocabulary[1]

    def replace_document(
        self, doc_id: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]
    ) -> None:
        """Delete the document's old chunks, then write these (one vector per chunk)."""
        self.replace_documents([(doc_id, chunks, vectors)])

    def replace_documents(self, documents: Sequence[Written]) -> None:
        """:meth:`replace_document` for several documents with one delete and one add per
        batch of chunks: a Chroma write costs per call, and ingest is ~10x faster this way."""
        chunks: list[Chunk] = []
        vectors: list[Sequence[float]] = []
        for doc_id, doc_chunks, doc_vectors in documents:
            if len(doc_chunks) != len(doc_vectors):
                raise VectorStoreError(
                    f"{doc_id}: {len(doc_chunks)} chunks but {len(doc_vectors)} vectors"
                )
            strangers = sorted({c.doc_id for c in doc_chunks} - {doc_id})
            if strangers:
                raise VectorStoreError(f"{doc_id}: chunks of other documents given: {strangers}")
            chunks += doc_chunks
            vectors += doc_vectors
        ids = [doc_id for doc_id, _, _ in documents]
        if not ids:
            return
        names = ids[0] if len(ids) == 1 else f"{ids[0]} and {len(ids) - 1} more documents"
        with _chroma(f"deleting the chunks of {names}"):
            self._coll().delete(where={"doc_id": ids[0] if len(ids) == 1 else {"$in": ids}})
        self._vocabulary = None
        for start in range(0, len(chunks), self._batch):
            batch = chunks[start : start + self._batch]
            with _chroma(f"writing the chunks of {names}"):
                self._coll().add(
                    ids=[c.id for c in batch],
                    embeddings=[list(v) for v in vectors[start : start + self._batch]],
                    documents=[c.text for c in batch],
                    metadatas=[_metadata(c) for c in batch],
                )

    def learned_ids(self) -> list[str]:
        """doc_ids of every learned answer in the collection (to reconcile with the records)."""
        with _chroma("listing learned answers"):
            found = self._coll().get(where={"source": "learned"}, include=["metadatas"])
        return sorted({str(m["doc_id"]) for m in found["metadatas"] or [] if m})

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of ``doc_id`` (nothing happens if there is none)."""
        with _chroma(f"deleting the chunks of {doc_id}"):
            self._coll().delete(where={"doc_id": doc_id})
        self._vocabulary = None

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        """The ``k`` chunks most similar to ``query``, best first (score = cosine similarity)."""
        if k <= 0:
            return []
        return self.search_vector(self.query_vectors([query])[0], k)

    def query_vectors(self, queries: Sequence[str]) -> list[list[float]]:
        """The embedder's vectors of ``queries``, remembered for a while: the trigger step and
        retrieval of one turn look up the same questions, which are embedded once."""
        with self._queries_lock:
            known = {q: self._queries[q] for q in queries if q in self._queries}
        todo = list(dict.fromkeys(q for q in queries if q not in known))
        fresh = dict(zip(todo, self.embedder.embed(todo), strict=True)) if todo else {}
        with self._queries_lock:
            if len(self._queries) + len(fresh) > _KEEP_QUERIES:
                self._queries.clear()
            self._queries.update(fresh)
        return [known[q] if q in known else fresh[q] for q in queries]

    def search_vector(self, vector: Sequence[float], k: int) -> list[ScoredChunk]:
        """The ``k`` chunks nearest to ``vector``, best first; an empty store gives [].

        Only the committed version of each source is served: while an ingest
        runs (or after one was killed) its new chunks sit beside the old ones,
        so a query that meets them asks again for more rows and drops them."""
        if k <= 0:
            return []
        asked = k
        while True:
            rows = self._query(vector, asked)
            verdicts = self._served([m for _, m in rows])
            served = [row for row, ok in zip(rows, verdicts, strict=True) if ok]
            if len(served) >= k or len(rows) < asked:
                return [sc for sc, _ in served[:k]]
            asked += 2 * (len(rows) - len(served))

    def _query(self, vector: Sequence[float], n: int) -> list[tuple[ScoredChunk, Any]]:
        with _chroma("searching"):
            found = self._coll().query(  # n above the count (or 0) just returns fewer rows
                query_embeddings=[list(vector)],
                n_results=n,
                include=["documents", "metadatas", "distances"],
            )
        rows = zip(
            found["ids"][0],
            found["documents"][0],
            found["metadatas"][0],
            found["distances"][0],
            strict=True,
        )
        # A row without metadata was deleted by another process after this one loaded
        # the index (embedded Chroma does not reload it): it is gone, not an error.
        scored = [
            (ScoredChunk(chunk=_chunk(i, d, m), score=1.0 - float(dist)), m)
            for i, d, m, dist in rows
            if m is not None
        ]
        return sorted(scored, key=lambda s: s[0].score, reverse=True)

    def _served(self, metas: Sequence[Any]) -> list[bool]:
        """Whether each chunk (by its metadata) belongs to its source's committed version.
        Chunks from before sources existed, and learned answers, always do."""

        def ok(meta: Any, versions: dict[str, dict[str, str]]) -> bool:
            origin = (meta or {}).get("origin")
            if not origin or meta.get("source", "kb") != "kb":
                return True
            return versions.get(origin, {}).get(meta.get("doc_id")) == meta.get("doc_sha256")

        if not any((m or {}).get("origin") for m in metas):
            return [True] * len(metas)
        if self._versions is None:
            self.sources()
        verdicts = [ok(m, self._versions or {}) for m in metas]
        if not all(verdicts):  # perhaps a source was committed since we last looked
            self.sources()
            verdicts = [ok(m, self._versions or {}) for m in metas]
        return verdicts

    def bare_query(self, vector: Sequence[float], k: int) -> Any:
        """Chroma's own query for the same rows as :meth:`search_vector`, nothing of ours:
        the floor the benchmarks measure retrieval against."""
        return self._coll().query(
            query_embeddings=[list(vector)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """The stored chunk with this id, or None."""
        with _chroma(f"reading chunk {chunk_id}"):
            found = self._coll().get(ids=[chunk_id], include=["documents", "metadatas"])
        if not found["ids"] or not self._served(found["metadatas"])[0]:
            return None
        return _chunk(found["ids"][0], found["documents"][0], found["metadatas"][0])

    def _coll(self) -> Any:
        """The Chroma collection, created on first use."""
        if self._collection is None:
            with _chroma(f"opening collection {self.name} at {self.path or self.url}"):
                client = self._client_handle = self._client()
                self._batch = min(
                    _PAGE, int(getattr(client, "get_max_batch_size", lambda: _PAGE)())
                )
                self._collection = client.get_or_create_collection(
                    self.name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"logical": self._logical, "embedder": self.embedder.name},
                )
        return self._collection

    def _catalog(self) -> Any:
        """The collection that records each source's committed version (one row per source)."""
        if self._catalog_coll is None:
            self._coll()
            with _chroma(f"opening the source catalogue of {self.name}"):
                self._catalog_coll = self._client_handle.get_or_create_collection(
                    f"{self.name}-sources", embedding_function=None
                )
        return self._catalog_coll

    def _client(self) -> Any:
        settings = Settings(anonymized_telemetry=False)
        if self.path is not None:
            return chromadb.PersistentClient(path=str(self.path), settings=settings)
        host, port, ssl = parse_url(self.url or "")
        with _timed_http(self.timeout_s):
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)


_HTTP_PATCH = threading.Lock()


class _HttpxWithTimeout:
    """httpx, except that a Client gets our timeout (chromadb asks for timeout=None)."""

    def __init__(self, timeout_s: float) -> None:
        self._timeout = httpx.Timeout(timeout_s)

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx, name)

    def Client(self, *args: Any, **kwargs: Any) -> httpx.Client:  # noqa: N802 - httpx's name
        kwargs["timeout"] = self._timeout
        return httpx.Client(*args, **kwargs)


@contextmanager
def _timed_http(timeout_s: float) -> Iterator[None]:
    """While chromadb builds a server client (which already talks to the server), every
    request it will ever make gets a timeout: a hung server never hangs a turn."""
    import chromadb.api.fastapi as fastapi

    with _HTTP_PATCH:
        real = fastapi.httpx
        fastapi.httpx = _HttpxWithTimeout(timeout_s)  # type: ignore[assignment]
        try:
            yield
        finally:
            fastapi.httpx = real


def _metadata(chunk: Chunk) -> dict[str, Any]:
    meta = {f: getattr(chunk, f) for f in _FIELDS}
    meta.update({f: getattr(chunk, f) for f in _OPTIONAL if getattr(chunk, f) != _OPTIONAL[f]})
    return meta


def _chunk(chunk_id: str, text: str | None, meta: Any) -> Chunk:
    """A Chunk from one Chroma row; a row we did not write is a store error, not a crash."""
    try:
        optional = {f: meta.get(f, default) for f, default in _OPTIONAL.items()}
        return Chunk(id=chunk_id, text=text or "", **{f: meta[f] for f in _FIELDS}, **optional)
    except (KeyError, TypeError, ValueError) as exc:
        raise VectorStoreError(
            f"vector store: chunk {chunk_id} has unexpected metadata {meta}"
        ) from exc


def stock_chroma_embedder(download_path: Path) -> Any:
    """Chroma's own ONNXMiniLM_L6_V2 reading ``download_path/onnx``, for benchmarks only.

    It checks only that its six files exist before it would download; the
    caller fills the folder, and we make any download attempt fail loudly.
    """
    from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = download_path  # read through self, so an instance attribute wins

    def refuse(url: str, fname: str, chunk_size: int = 1024) -> None:
        raise VectorStoreError(
            f"Chroma tried to download {url}: {download_path}/onnx is incomplete"
        )

    function._download = refuse  # type: ignore[assignment]  # a private retrying method
    return function
