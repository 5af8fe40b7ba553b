"""After deleting, make the bytes go: SQLite keeps deleted rows in free pages and its WAL
until it is vacuumed; PostgreSQL keeps dead row versions until it is vacuumed."""

from __future__ import annotations

import logging

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

log = logging.getLogger(__name__)

__all__ = ["compact"]

_PG_TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes", "store")


def compact(checkpointer: BaseCheckpointSaver) -> str:
    """Vacuum the database the checkpointer (and the records store beside it) lives in.
    Returns a note for the report; a failure is a note too (the data is deleted either way)."""
    try:
        if isinstance(checkpointer, SqliteSaver):
            with checkpointer.lock:
                checkpointer.conn.commit()
                checkpointer.conn.execute("VACUUM")
                busy = checkpointer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            return "SQLite file vacuumed" + (" (WAL still in use by a reader)" if busy else "")
        pool = getattr(checkpointer, "conn", None)
        if pool is None or not hasattr(pool, "connection"):
            return "database not vacuumed (not SQLite or PostgreSQL)"
        with pool.connection() as conn:
            for table in _PG_TABLES:
                conn.execute(f"VACUUM {table}")  # noqa: S608 - fixed table names
        return "PostgreSQL tables vacuumed (backups and WAL archives keep old versions until they expire)"
    except Exception as exc:  # noqa: BLE001 - any database's error
        log.warning("vacuum failed", exc_info=True)
        return f"vacuum failed: {exc}; deleted rows may stay in free pages until the next vacuum"
