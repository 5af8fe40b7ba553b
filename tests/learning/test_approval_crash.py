"""kill -9 at each named point of a curator's approval, in a real `escalate kb review` process.

Whatever the point, the records and the vector store never show "approved" without the
vector and the audit entry, and the next `escalate kb learned --sync` (or review) either
finishes the approval (retrievable, audited once) or it never began (still pending).
SQLite, and PostgreSQL when a server answers on 127.0.0.1:5432.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.learning.book import Proposal, ProposalBook, Source
from agent.learning.crashpoint import ENV
from agent.settings import Settings
from agent.storage import open_storage
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)

QUESTION = "Do you offer gift wrapping for presents?"
ANSWER = "Yes. Gift wrapping costs $4.95 per order, and you can add it at checkout."
POINTS = ["approve:before-intent", "approve:before-vector", "approve:after-vector"]
POINTS += ["approve:after-audit", "approve:after-approved"]


def escalate(env: dict[str, str], *args: str, kill_at: str | None = None):
    run_env = {**os.environ, **env}
    run_env.pop(ENV, None)
    if kill_at:
        run_env[ENV] = kill_at
    code = "import sys; from agent.cli import app; sys.argv[0] = 'escalate'; app()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def seeded(data_dir: Path, url: str | None) -> tuple[Settings, dict[str, str], str]:
    """One pending proposal in the records store; the env that points a process at it."""
    env = {"ESCALATE_DATA_DIR": str(data_dir), "ESCALATE_CURATOR": "kim"}
    if url:
        env["ESCALATE_DATABASE_URL"] = url
    settings = Settings.load(data_dir=data_dir, database_url=url)
    p = Proposal(
        id="p-crash00001",
        questions=[QUESTION],
        answer=ANSWER,
        sources=[Source(conversation_id="c1", agent="sam", at="2026-11-21T15:00:00")],
        created_at="2026-11-21T15:00:00",
        updated_at="2026-11-21T15:00:00",
    )
    storage = open_storage(settings)
    try:
        ProposalBook(storage.store).put(p)
    finally:
        storage.close()
    return settings, env, p.id


PROBE = """
import json, sys
from agent.learning.book import ProposalBook
from agent.settings import Settings
from agent.storage import open_storage
from knowledge.embeddings import LocalMiniLM
from knowledge.store import VectorStore
settings, pid, question = Settings.load(), sys.argv[1], sys.argv[2]
storage = open_storage(settings)
book = ProposalBook(storage.store)
status = book.get(pid).status
audited = sum(e.action == "approved" for e in book.audit(pid))
storage.close()
vectors = VectorStore(LocalMiniLM(), path=settings.chroma_path)
stored = f"learned/{pid}" in vectors.learned_ids()
found = stored and any(s.chunk.doc_id == f"learned/{pid}" for s in vectors.search(question, 3))
print(json.dumps([status, stored, audited, found]))
"""


def state(env: dict[str, str], pid: str) -> tuple[str, bool, int, bool]:
    """(status, vector stored, approved audit entries, retrieved for the question), read by a
    fresh process, as a restarted runtime would."""
    run_env = {k: v for k, v in os.environ.items() if k != ENV} | env
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, pid, QUESTION],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    status, stored, audited, found = json.loads(probe.stdout.strip().splitlines()[-1])
    return status, stored, audited, found


def crash_and_recover(tmp_path: Path, url: str | None, point: str) -> None:
    _, env, pid = seeded(tmp_path / "data", url)
    killed = escalate(env, "kb", "review", "--approve", pid, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, (killed.stdout, killed.stderr)

    status, stored, audited, found = state(env, pid)
    if status == "approved":  # only ever with its vector and its audit entry
        assert (stored, audited, found) == (True, 1, True)
    else:
        assert status in ("pending", "approving"), status
        assert status == "approving" or (stored, audited) == (False, 0)

    synced = escalate(env, "kb", "learned", "--sync")
    assert synced.returncode == 0, synced.stderr
    status, stored, audited, found = state(env, pid)
    if point == "approve:before-intent":
        assert (status, stored, audited) == ("pending", False, 0)
        again = escalate(env, "kb", "review", "--approve", pid)
        assert again.returncode == 0, again.stderr
        status, stored, audited, found = state(env, pid)
    assert (status, stored, audited, found) == ("approved", True, 1, True)


@pytest.mark.parametrize("point", POINTS)
def test_sqlite_approval_killed_at_each_point_is_finished_or_never_began(tmp_path, point):
    crash_and_recover(tmp_path, None, point)


@pytest.mark.parametrize("point", POINTS[1:4])  # the windows between writes
def test_postgres_approval_killed_at_each_point_is_finished_or_never_began(
    tmp_path,
    point,
    database_url,  # noqa: F811
):
    crash_and_recover(tmp_path, database_url, point)
