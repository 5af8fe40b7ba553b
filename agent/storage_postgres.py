"""Conversations and records in PostgreSQL, shared by several runtime processes.

``open_storage`` comes here when ``database_url`` is set. One process holds:

- a connection pool (``psycopg_pool``) for LangGraph's ``PostgresSaver`` (conversations)
  and ``PostgresStore`` (records): bounded, every connection checked before use, so
  connections the server dropped are replaced instead of failing a turn;
- a second, smaller pool for conversation locks: ``lock(conversation_id)`` holds
  ``pg_advisory_lock(hashtextextended(...))`` on one of its connections for the whole
  turn, so two processes never run turns of one conversation at the same time. (Kept
  apart so that turns waiting for a lock can never starve the savers of connections.)

Every call is bounded: a connect timeout, a wait for a pooled connection, a statement
timeout and a lock timeout (see :class:`PostgresLimits`). Whatever the server does, the
caller gets a :class:`~agent.errors.StorageError` naming the database without its
password; the runtime turns it into an error reply and a log line.

Schema migrations (``.setup()`` of both savers) are idempotent and run under an advisory
lock, so any number of processes may start at once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.store.postgres import PostgresStore
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from agent.errors import ConfigError, StorageError
from agent.storage import Storage

log = logging.getLogger(__name__)

_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)
"""What a server that is down, slow or restarting raises (pool timeouts included)."""

_SETUP_KEY = "escalation-agent:setup"
_LOCK_PREFIX = "escalation-agent:conversation:"


@dataclass(frozen=True)
class PostgresLimits:
    """Sizes and timeouts (seconds). ``connect_timeout`` or ``options=-c ...`` in the URL win."""

    pool_size: int = 10
    """Connections for the savers, per process."""
    lock_pool_size: int = 32
    """Connections holding conversation locks: turns of different conversations in flight."""
    connect_timeout: int = 5
    """Opening one connection (libpq's ``connect_timeout``; at least 2)."""
    pool_timeout: float = 10.0
    """Waiting for a free pooled connection (also how long a turn waits for a server that is down)."""
    statement_timeout: float = 30.0
    """One SQL statement."""
    lock_timeout: float = 30.0
    """Waiting for another process to finish its turn of the same conversation."""
    setup_timeout: float = 120.0
    """Waiting for another process that is migrating the schema."""


LIMITS = PostgresLimits()


def redact(url: str) -> str:
    """The URL without its password, in the user part or the query (for logs and errors)."""
    try:
        parts = urlsplit(url)
        if parts.password is not None:
            user, host = parts.netloc.rsplit("@", 1)
            parts = parts._replace(netloc=f"{user.split(':', 1)[0]}:***@{host}")
        if "password=" in parts.query:
            query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)]
            parts = parts._replace(query=urlencode(query, safe="*"))
        return urlunsplit(parts)
    except ValueError:
        return url.split("@")[-1].split("?")[0]


def _scrub(exc: BaseException, url: str) -> str:
    """An exception's message on one line, the password (if any) never in it."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    try:
        parts = urlsplit(url)
        secrets = [parts.password or ""] + [v for k, v in parse_qsl(parts.query) if k == "password"]
    except ValueError:
        secrets = []
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return text


def _connection_kwargs(
    url: str, limits: PostgresLimits, statement_timeout: float | None = None
) -> dict[str, Any]:
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"database_url is not a valid PostgreSQL URL: {_scrub(exc, url)}"
        ) from exc
    ms = lambda s: int(s * 1000)  # noqa: E731
    options = (
        f"-c statement_timeout={ms(statement_timeout or limits.statement_timeout)}"
        f" -c lock_timeout={ms(limits.lock_timeout)}"
        " -c idle_in_transaction_session_timeout=60000"
    )
    if given.get("options"):  # the URL's own settings come last, and win
        options = f"{options} {given['options']}"
    kwargs: dict[str, Any] = {
        # what LangGraph's savers need (see PostgresSaver.from_conn_string)
        "autocommit": True,
        "prepare_threshold": 0,
        "row_factory": dict_row,
        "options": options,
        "application_name": given.get("application_name", "escalation-agent"),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    if "connect_timeout" not in given:
        kwargs["connect_timeout"] = max(2, int(limits.connect_timeout))
    return kwargs


class _Pool(ConnectionPool["psycopg.Connection[DictRow]"]):
    """A pool whose failures are StorageErrors naming the database (never its password)."""

    def __init__(self, url: str, where: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self._url, self._where = url, where

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[Any]:
        try:
            with super().connection(timeout) as conn:
                yield conn
        except _ERRORS as exc:
            raise StorageError(f"PostgreSQL at {self._where}: {_scrub(exc, self._url)}") from exc


def _ok(conn: psycopg.Connection[DictRow], query: LiteralString, key: str) -> bool:
    """The ``ok`` column of a one-row advisory-lock query (no row: False)."""
    row = conn.execute(query, (key,)).fetchone()
    return bool(row is not None and row["ok"])


def _setup(conn: psycopg.Connection[DictRow], timeout: float) -> None:
    """Create or migrate both schemas, one process at a time.

    Polls ``pg_try_advisory_lock``: a session blocked in ``pg_advisory_lock`` would hold a
    snapshot that the migrations' ``CREATE INDEX CONCURRENTLY`` waits for (a deadlock).
    """
    deadline = time.monotonic() + timeout
    while not _ok(conn, "SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS ok", _SETUP_KEY):
        if time.monotonic() > deadline:
            raise StorageError(f"another process has been migrating the schema for {timeout:.0f} s")
        time.sleep(0.1)
    try:
        PostgresSaver(conn).setup()
        PostgresStore(conn).setup()
    finally:
        conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (_SETUP_KEY,))


def postgres_storage(url: str, limits: PostgresLimits | None = None) -> Storage:
    """Open (and if needed create) the schema at ``url``; a ConfigError or StorageError if not."""
    limits = limits or LIMITS
    where = redact(url)
    kwargs = _connection_kwargs(url, limits)
    try:
        # reachable? then migrate (kwargs hold row_factory=dict_row)
        with cast("psycopg.Connection[DictRow]", psycopg.connect(url, **kwargs)) as conn:
            _setup(conn, limits.setup_timeout)
    except _ERRORS as exc:
        raise StorageError(f"cannot use PostgreSQL at {where}: {_scrub(exc, url)}") from exc
    except psycopg.Error as exc:  # the server answered, but refused
        raise StorageError(f"PostgreSQL at {where} refused the setup: {_scrub(exc, url)}") from exc

    def pool(name: str, max_size: int, min_size: int, kwargs: dict[str, Any]) -> _Pool:
        return _Pool(
            url,
            where,
            kwargs=kwargs,
            min_size=min_size,
            max_size=max_size,
            timeout=limits.pool_timeout,
            check=ConnectionPool.check_connection,  # a dropped connection is replaced, not used
            # Give up replacing a lost connection in the background as soon as a turn
            # would: the next turn then connects at once instead of waiting out a backoff.
            reconnect_timeout=limits.pool_timeout,
            name=name,
            open=False,
        )

    savers = pool("escalate-savers", limits.pool_size, 1, kwargs)
    # waiting for a lock is bounded by lock_timeout, not cut short by the statement timeout
    lock_kwargs = _connection_kwargs(url, limits, limits.lock_timeout + limits.statement_timeout)
    locks = pool("escalate-locks", limits.lock_pool_size, 0, lock_kwargs)
    savers.open()
    locks.open()
    lock_wait = limits.lock_timeout

    @contextmanager
    def lock(conversation_id: str) -> Iterator[None]:
        key = _LOCK_PREFIX + conversation_id
        with locks.connection() as conn:
            try:
                conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            except psycopg.errors.LockNotAvailable as exc:
                raise StorageError(
                    f"conversation {conversation_id!r} is still busy in another process "
                    f"after {lock_wait:g} s; not taking this turn"
                ) from exc
            try:
                yield
            finally:
                _unlock(conn, key, conversation_id)

    return Storage(
        checkpointer=PostgresSaver(savers),
        store=PostgresStore(savers),
        where=where,
        lock=lock,
        _closers=[locks.close, savers.close],
    )


def _unlock(conn: psycopg.Connection[DictRow], key: str, conversation_id: str) -> None:
    """Release the lock; a connection that may still hold it never goes back to the pool."""
    try:
        released = _ok(conn, "SELECT pg_advisory_unlock(hashtextextended(%s, 0)) AS ok", key)
    except psycopg.Error:
        released = False
    if not released:
        log.warning(
            "the lock on conversation %s was lost before its turn ended "
            "(the database connection dropped); closing that connection",
            conversation_id,
        )
        conn.close()


def claim_row_postgres(store: Any, prefix: str, key: str, take: Any) -> dict[str, Any] | None:
    """``SELECT ... FOR UPDATE SKIP LOCKED`` and the update in one transaction (see
    agent/helpdesk/lease.py): a row another sender is claiming this instant is skipped."""
    from psycopg.types.json import Jsonb

    pool = store.conn
    opened = pool.connection() if isinstance(pool, ConnectionPool) else _same(pool)
    with opened as conn, conn.transaction():
        row = conn.execute(
            "SELECT value FROM store WHERE prefix = %s AND key = %s FOR UPDATE SKIP LOCKED",
            (prefix, key),
        ).fetchone()
        if row is None:  # gone, or another sender holds the row this instant
            return None
        value = row["value"] if isinstance(row, dict) else row[0]
        new = take(value if isinstance(value, dict) else json.loads(value))
        if new is None:
            return None
        conn.execute(
            "UPDATE store SET value = %s, updated_at = now() WHERE prefix = %s AND key = %s",
            (Jsonb(new), prefix, key),
        )
    return new


def create_row_postgres(store: Any, prefix: str, key: str, value: dict[str, Any]) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING`` (see agent/helpdesk/lease.py): True if written."""
    from psycopg.types.json import Jsonb

    pool = store.conn
    opened = pool.connection() if isinstance(pool, ConnectionPool) else _same(pool)
    with opened as conn, conn.transaction():
        cursor = conn.execute(
            "INSERT INTO store (prefix, key, value) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (prefix, key, Jsonb(value)),
        )
        return cursor.rowcount == 1


class _same:
    """A bare connection used as if it came from a pool."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __enter__(self) -> Any:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None


@contextmanager
def scratch_database(admin_url: str, prefix: str = "escalate_scratch") -> Iterator[str]:
    """A new empty database on the server at ``admin_url``, dropped on exit (benchmarks)."""
    import uuid

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
