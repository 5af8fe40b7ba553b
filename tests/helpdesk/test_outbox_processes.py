"""Several processes draining one SQLite outbox, with no shared lock: each handoff is sent once."""

import multiprocessing
from pathlib import Path

from agent.helpdesk.outbox import Outbox
from agent.storage import sqlite_storage
from tests.helpdesk.conftest import make_package
from tests.helpdesk.fakes import CountingHelpdesk, FileHelpdesk

ITEMS = 20


def _drain(path: str, sent: str, start, owner: str) -> None:
    storage = sqlite_storage(path)
    try:
        outbox = Outbox(storage.store, FileHelpdesk(Path(sent)), owner=owner)
        start.wait(timeout=60)
        outbox.deliver_due(limit=ITEMS)
    finally:
        storage.close()


def test_three_processes_send_each_handoff_once(tmp_path):
    path, sent = str(tmp_path / "conversations.sqlite"), tmp_path / "sent.log"
    storage = sqlite_storage(path)
    queue = Outbox(storage.store, CountingHelpdesk())
    for n in range(ITEMS):
        queue.enqueue(make_package(id=f"HO-{n:08d}"))

    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(3)
    workers = [
        spawn.Process(target=_drain, args=(path, str(sent), start, f"p{n}")) for n in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]

    keys = sent.read_text().split()
    assert sorted(keys) == [f"HO-{n:08d}" for n in range(ITEMS)]  # all sent, none twice
    assert queue.pending() == [] and len(queue.items("delivered")) == ITEMS
    storage.close()
