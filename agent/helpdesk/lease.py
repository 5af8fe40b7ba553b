"""Take an outbox item in one atomic step in the database, so two senders never both have it.

- SQLite: read the row, then ``UPDATE ... WHERE value = <what was read>``; the update
  changes one row only if no one wrote the item in between (compare-and-swap).
- PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` and the update in one transaction; a
  row another sender is claiming right now is skipped, not waited for.

Any other store (the in-memory one of tests) has no database to ask: :func:`claim_row`
returns ``NotImplemented`` and the ledger falls back to its process-wide lock.

:func:`create_row` writes a row only if none exists (``INSERT ... ON CONFLICT DO NOTHING``),
so two processes creating the same lease row never overwrite each other's claim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from langgraph.store.base import BaseStore

Take = Callable[[dict[str, Any]], dict[str, Any] | None]
"""Given the item as stored, the item to write back (leased), or None to leave it."""


def claim_row(store: BaseStore, prefix: str, key: str, take: Take) -> Any:
    """The written item, None if it was not ours to take, or NotImplemented (no database)."""
    from langgraph.store.sqlite import SqliteStore

    if isinstance(store, SqliteStore):
        return _sqlite(store, prefix, key, take)
    if type(store).__name__ == "PostgresStore":  # its driver lives behind the storage door
        from agent.storage_postgres import claim_row_postgres

        return claim_row_postgres(store, prefix, key, take)
    return NotImplemented


def _sqlite(store: Any, prefix: str, key: str, take: Take) -> dict[str, Any] | None:
    with store.lock:  # the store's connection is shared by this process's threads
        row = store.conn.execute(
            "SELECT value FROM store WHERE prefix = ? AND key = ?", (prefix, key)
        ).fetchone()
        if row is None:
            return None
        new = take(orjson.loads(row[0]))
        if new is None:
            return None
        changed = store.conn.execute(
            "UPDATE store SET value = ?, updated_at = CURRENT_TIMESTAMP "
            "WHERE prefix = ? AND key = ? AND value = ?",
            (orjson.dumps(new), prefix, key, row[0]),
        ).rowcount
    return new if changed == 1 else None


def create_row(store: BaseStore, prefix: str, key: str, value: dict[str, Any]) -> Any:
    """Write ``value`` unless the row exists: True if written, False if it was there already,
    NotImplemented with no database (the caller then uses its own lock)."""
    from langgraph.store.sqlite import SqliteStore

    if isinstance(store, SqliteStore):
        with store.lock:
            return (
                store.conn.execute(
                    "INSERT OR IGNORE INTO store (prefix, key, value) VALUES (?, ?, ?)",
                    (prefix, key, orjson.dumps(value)),
                ).rowcount
                == 1
            )
    if type(store).__name__ == "PostgresStore":
        from agent.storage_postgres import create_row_postgres

        return create_row_postgres(store, prefix, key, value)
    return NotImplemented
