"""Fixtures for the scale-out tests: a fresh database on the real PostgreSQL server per test,
and the Chroma server that tests/knowledge/test_store_server.py starts (``chroma run``).

Skipped, with the reason, only when no PostgreSQL server answers on 127.0.0.1:5432.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from tests.knowledge.test_store_server import chroma_url  # noqa: F401  (the fixture)

PG_HOST, PG_PORT = "127.0.0.1", 5432
ADMIN_URL = f"postgresql://{PG_HOST}:{PG_PORT}/postgres"


def _server_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def database_url() -> Iterator[str]:
    """``postgresql://127.0.0.1:5432/escalate_test_<random>``, created empty, dropped after."""
    if not _server_answers():
        pytest.skip(f"no PostgreSQL server answers on {PG_HOST}:{PG_PORT}")
    import psycopg

    name = f"escalate_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terminate_backends(database_url: str) -> int:
    """Kill every server process connected to this test database (the server stays up)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        ).fetchall()
    return len(rows)
