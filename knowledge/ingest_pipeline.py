"""Ingest's three stages overlapped: chunking (this thread), embedding, writing to Chroma.

Each stage runs in its own thread and hands batches on through a queue of one, so at
most three batches are in flight and memory stays bounded. ONNX Runtime and Chroma's
writes release the GIL, so chunking the next batch, embedding this one and writing the
last one proceed together. Order is kept; the first error stops the line and is raised
from :meth:`Pipeline.put` or :meth:`Pipeline.close` in the caller's thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from knowledge.embeddings import Embedder
from knowledge.models import Chunk
from knowledge.store import VectorStore

T = TypeVar("T")
_Embed = tuple[list[Chunk], bool]
_Write = tuple[list[Chunk], list[list[float]], bool]


class Pipeline:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        after_write: Callable[[bool], None] = lambda last: None,
    ) -> None:
        """``after_write(last)`` runs in the writer thread after each batch is stored."""
        self._store, self._embedder, self._after_write = store, embedder, after_write
        # None: no more batches
        self._to_embed: queue.Queue[_Embed | None] = queue.Queue(maxsize=1)
        self._to_write: queue.Queue[_Write | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._failed = threading.Event()
        self._threads = [
            threading.Thread(target=self._embed_loop, name="ingest-embed", daemon=True),
            threading.Thread(target=self._write_loop, name="ingest-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def put(self, chunks: Sequence[Chunk], *, last: bool = False) -> None:
        """Queue a batch (blocks while the line is full); raises a stage's error."""
        self._raise()
        if chunks or last:
            self._offer(self._to_embed, (list(chunks), last))

    def close(self) -> None:
        """Wait until everything queued is stored; raises a stage's error."""
        self._offer(self._to_embed, None)
        for thread in self._threads:
            thread.join()
        self._raise()

    def _offer(self, q: queue.Queue[T], item: T) -> None:
        while not self._failed.is_set():
            try:
                q.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _fail(self, exc: BaseException) -> None:
        if self._error is None:
            self._error = exc
        self._failed.set()

    def _take(self, q: queue.Queue[T | None]) -> T | None:
        while not self._failed.is_set():
            try:
                return q.get(timeout=0.2)
            except queue.Empty:
                continue
        return None

    def _embed_loop(self) -> None:
        try:
            while (batch := self._take(self._to_embed)) is not None:
                chunks, last = batch
                vectors = self._embedder.embed([c.embed_text for c in chunks]) if chunks else []
                self._offer(self._to_write, (chunks, vectors, last))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._fail(exc)
        finally:
            if not self._failed.is_set():
                self._offer(self._to_write, None)

    def _write_loop(self) -> None:
        try:
            while (written := self._take(self._to_write)) is not None:
                chunks, vectors, last = written
                if chunks:
                    self._store.write_chunks(chunks, vectors)
                self._after_write(last)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._fail(exc)
