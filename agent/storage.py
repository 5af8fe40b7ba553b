"""The one door to what must survive a restart.

Two things live here, side by side in one database:

- **conversations**: LangGraph's checkpointer (every turn's state);
- **records**: LangGraph's key-value store (``BaseStore``) for everything
  that is not a conversation: learned-answer proposals and the curator's audit
  log, tickets, the helpdesk outbox, metric events.

By default both are one SQLite file, ``<data_dir>/conversations.sqlite`` (WAL
mode, so a crash loses at most the write in flight). With ``database_url``
set (``postgresql://...``) both live in PostgreSQL and several runtime
processes can share them.

Modules that keep records take a ``BaseStore`` and choose their own namespace
(``("proposals",)``, ``("outbox",)``...); none of them opens a database.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.store.base import BaseStore, Op, PutOp, Result
from langgraph.store.sqlite import SqliteStore

from agent.errors import ConfigError, StorageError
from agent.settings import Settings

try:
    import fcntl
except ImportError:  # Windows: no flock, so one runtime process per SQLite file
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LOCK_STRIPES = 64
"""SQLite: conversations share this many lock files (``<file>.locks/<n>.lock``)."""
LOCK_TIMEOUT_S = 30.0
"""How long a turn waits for another process's turn of the same conversation."""


@dataclass
class Storage:
    """Conversations and records, opened together and closed together."""

    checkpointer: BaseCheckpointSaver
    store: BaseStore
    where: str
    """For logs and error messages: a path, or a database URL without its password."""
    lock: Callable[[str], AbstractContextManager[object]] = field(
        default=lambda key: nullcontext(), repr=False
    )
    """``with storage.lock(conversation_id):`` one turn at a time across processes.
    (Within a process the runtime's own locks already serialise turns.)"""
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # closing must never hide the error that got us here
                log.warning("closing %s failed", self.where, exc_info=True)
        self._closers.clear()


class WritingSqliteStore(SqliteStore):
    """SqliteStore whose batches that write take the write lock when they begin.

    SqliteStore runs each batch in one deferred transaction that reads (gets, searches)
    before it writes. In WAL mode, if another process commits between that read and the
    write, SQLite cannot upgrade the read to a write and fails at once with "database is
    locked", without waiting (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply). A
    batch with a ``PutOp`` therefore starts with ``BEGIN IMMEDIATE``: it waits (up to the
    busy timeout) for other writers first, and then nothing can come between its read and
    its write. Batches that only read stay deferred, so readers never queue. A batch that
    fails is rolled back, not committed half-done.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._writing = threading.local()

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        self._writing.on = any(isinstance(op, PutOp) for op in ops)
        try:
            return super().batch(ops)
        finally:
            self._writing.on = False

    @contextmanager
    def _cursor(self, *, transaction: bool = True) -> Iterator[sqlite3.Cursor]:
        if not (transaction and getattr(self._writing, "on", False)):
            with super()._cursor(transaction=transaction) as cur:
                yield cur
            return
        if not self.is_setup:
            self.setup()
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            cur = self.conn.cursor()
            try:
                yield cur
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                cur.close()


def sqlite_connection(path: str, *, autocommit: bool = False) -> sqlite3.Connection:
    """A connection shared by threads (the savers lock around it), in WAL mode.

    The store's connection is in autocommit mode: SqliteStore opens its own
    transactions, and an implicit one left open would lock the checkpointer out.
    """
    conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
    if autocommit:
        conn.isolation_level = None
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "PRAGMA synchronous=NORMAL"
    )  # WAL: a power cut may lose the last commit, never the file
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


@contextmanager
def file_lock(path: Path, what: str, timeout: float | None = None) -> Iterator[None]:
    """An exclusive ``flock`` on ``path``, across processes and threads, waited for at most
    ``timeout`` seconds (default LOCK_TIMEOUT_S; then a StorageError naming ``what``)."""
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline, pause = time.monotonic() + timeout, 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StorageError(
                        f"{what} is still busy in another process after {timeout:g} s"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def sqlite_storage(path: str) -> Storage:
    """Conversations and records in one SQLite file (two connections, one per saver).

    Several processes may share the file: each turn holds a ``flock`` on its conversation's
    stripe (``<file>.locks/<n>.lock``), and opening (schema setup) holds ``setup.lock``.
    """
    locks = Path(f"{path}.locks")
    locks.mkdir(exist_ok=True)
    opened: list[sqlite3.Connection] = []
    try:
        with file_lock(locks / "setup.lock", f"the database {path}"):
            saver_conn = sqlite_connection(path)
            opened.append(saver_conn)
            store_conn = sqlite_connection(path, autocommit=True)
            opened.append(store_conn)
            saver = SqliteSaver(saver_conn)
            saver.setup()
            store = WritingSqliteStore(store_conn)
            store.setup()
    except sqlite3.Error as exc:
        for conn in opened:
            conn.close()
        raise StorageError(f"cannot open the SQLite database {path}: {exc}") from exc

    def lock(conversation_id: str) -> AbstractContextManager[None]:
        stripe = zlib.crc32(conversation_id.encode("utf-8")) % LOCK_STRIPES  # same in every process
        return file_lock(locks / f"{stripe}.lock", f"conversation {conversation_id!r}")

    return Storage(
        checkpointer=saver,
        store=store,
        where=path,
        lock=lock,
        _closers=[saver_conn.close, store_conn.close],
    )


def open_storage(settings: Settings) -> Storage:
    """Open the configured database: PostgreSQL when ``database_url`` is set, else SQLite."""
    url = settings.database_url.get_secret_value() if settings.database_url else None
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                f"database_url must be a postgresql:// URL, not {url.split(':')[0]!r}"
            )
        from agent.storage_postgres import postgres_storage

        return postgres_storage(url)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return sqlite_storage(str(settings.conversations_path))
    except OSError as exc:  # a file in the way, no permission, a read-only disk
        raise StorageError(
            f"data_dir {settings.data_dir}: cannot create or write it: {exc.strerror or exc}"
        ) from exc
