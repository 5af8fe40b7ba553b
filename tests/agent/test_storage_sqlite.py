"""SQLite records shared by several processes: a batch that reads then writes must not fail
because another process wrote in between (the cause of "database is locked" in the
two-process test)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from langgraph.store.base import PutOp, SearchOp

from agent.storage import WritingSqliteStore, sqlite_storage


def _other_process_writes(path: str) -> str:
    """What a second connection (as another process would) gets when it writes now."""
    outcome: list[str] = []

    def write() -> None:
        conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            conn.execute("INSERT INTO store (prefix, key, value) VALUES ('other', 'k', '{}')")
            outcome.append("written")
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
        finally:
            conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_batch_that_reads_then_writes_survives_a_write_from_another_connection(tmp_path):
    path = str(tmp_path / "records.sqlite")
    storage = sqlite_storage(path)
    store = storage.store
    assert isinstance(store, WritingSqliteStore)
    store.put(("notices",), "a", {"conversation_id": "c1", "n": 1})
    seen: list[str] = []
    search_ops = store._batch_search_ops

    def search_then_let_another_process_write(*args, **kwargs):
        search_ops(*args, **kwargs)  # the batch has read: its snapshot is fixed
        seen.append(_other_process_writes(path))

    store._batch_search_ops = search_then_let_another_process_write  # type: ignore[method-assign]
    try:
        _, found = store.batch([PutOp(("notices",), "a", None), SearchOp(("notices",), limit=10)])
    finally:
        del store._batch_search_ops
    # the other writer waited for this batch (and gave up after its short timeout), so this
    # batch's write went through and the read it made is what it acted on
    assert seen == ["database is locked"]
    assert [i.key for i in found] == ["a"]
    assert store.get(("notices",), "a") is None
    storage.close()


def test_a_batch_that_fails_is_rolled_back_not_committed_half_done(tmp_path):
    storage = sqlite_storage(str(tmp_path / "records.sqlite"))
    store = storage.store
    store.put(("x",), "kept", {"v": 1})
    put_ops = store._batch_put_ops

    def delete_then_fail(*args, **kwargs):
        put_ops(*args, **kwargs)
        raise RuntimeError("the disk went away")

    store._batch_put_ops = delete_then_fail  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        store.batch([PutOp(("x",), "kept", None)])
    del store._batch_put_ops
    assert store.get(("x",), "kept").value == {"v": 1}
    storage.close()


def test_batches_that_only_read_do_not_take_the_write_lock(tmp_path):
    path = str(tmp_path / "records.sqlite")
    storage = sqlite_storage(path)
    store = storage.store
    store.put(("x",), "a", {"v": 1})
    seen: list[str] = []
    search_ops = store._batch_search_ops

    def search_then_let_another_process_write(*args, **kwargs):
        search_ops(*args, **kwargs)
        seen.append(_other_process_writes(path))

    store._batch_search_ops = search_then_let_another_process_write  # type: ignore[method-assign]
    store.search(("x",))
    del store._batch_search_ops
    assert seen == ["written"]  # readers never hold writers up
    storage.close()
