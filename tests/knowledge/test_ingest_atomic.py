"""Ingest is atomic per source: readers see the old or the new version, never a mix,
and a process killed (SIGKILL) at any named point leaves one of them, which the next
ingest completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import ingest as ingest_module
from knowledge.ingest import CRASH_ENV, IngestOptions, ingest
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
V1 = {f"p{i}.md": f"# Page {i}\n\nversion one of page {i}.\n" for i in range(10)}
V2 = {
    **{f"p{i}.md": f"# Page {i}\n\nversion two of page {i}.\n" for i in range(6)},
    **{f"p{i}.md": V1[f"p{i}.md"] for i in range(6, 8)},  # p8, p9 removed
    **{f"new{i}.md": f"# New {i}\n\nversion two only, page new{i}.\n" for i in range(3)},
}
CHILD = """
import sys
from pathlib import Path
from knowledge import ingest as ingest_module
from knowledge.ingest import IngestOptions, ingest
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder

ingest_module.WRITE_BATCH = 3  # several writes, so a kill can land between two of them
store = VectorStore(FakeEmbedder(), path=Path(sys.argv[2]))
ingest(Path(sys.argv[1]), store, store.embedder, options=IngestOptions(source="kb", prune=True))
"""


def reopen(path: Path) -> VectorStore:
    """A reader that starts after the kill: embedded Chroma keeps each process's vector
    index in memory, so this process drops its own before looking."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return VectorStore(FakeEmbedder(), path=path)


def write_folder(kb: Path, files: dict[str, str]) -> None:
    kb.mkdir(parents=True, exist_ok=True)
    for old in kb.iterdir():
        old.unlink()
    for name, text in files.items():
        (kb / name).write_text(text)


def served(store: VectorStore) -> dict[str, str]:
    """doc path -> the text a reader gets for it (every chunk the store serves)."""
    hits = store.search("version page", 1000)
    return {h.chunk.doc_id.removeprefix("kb:"): h.chunk.text for h in hits}


def expected(files: dict[str, str]) -> dict[str, str]:
    return {name: text.split("\n\n", 1)[1].strip() for name, text in files.items()}


def version_seen(store: VectorStore) -> str:
    seen = served(store)
    if seen == expected(V1):
        return "v1"
    if seen == expected(V2):
        return "v2"
    raise AssertionError(f"a reader saw a mix of versions: {sorted(seen.items())}")


def test_a_reader_sees_the_old_or_the_new_version_at_every_write(tmp_path, monkeypatch):
    kb = tmp_path / "kb"
    write_folder(kb, V1)
    store = VectorStore(FakeEmbedder(), path=tmp_path / "chroma")
    ingest(kb, store, store.embedder)
    write_folder(kb, V2)
    seen: list[str] = []
    for method in ("write_chunks", "commit_source", "delete_chunks"):
        real = getattr(store, method)

        def checked(*args, _real=real, **kwargs):
            seen.append(version_seen(store))
            _real(*args, **kwargs)
            seen.append(version_seen(store))

        monkeypatch.setattr(store, method, checked)
    monkeypatch.setattr(ingest_module, "WRITE_BATCH", 3)
    ingest(kb, store, store.embedder, options=IngestOptions(prune=True))
    assert seen[0] == "v1" and seen[-1] == "v2"
    assert seen == sorted(seen)  # once new, never old again
    assert len(seen) >= 8  # several writes were interleaved with reads


@pytest.mark.parametrize(
    "point, survivor",
    [("mid-write", "v1"), ("written", "v1"), ("committed", "v2"), ("cleaned", "v2")],
)
def test_kill_9_at_a_named_point_leaves_one_version_and_the_next_ingest_finishes(
    tmp_path, point, survivor
):
    kb, path = tmp_path / "kb", tmp_path / "chroma"
    write_folder(kb, V1)
    ingest(kb, VectorStore(FakeEmbedder(), path=path), FakeEmbedder())
    write_folder(kb, V2)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(kb), str(path)],
        cwd=ROOT,
        env={**os.environ, CRASH_ENV: point},
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    store = reopen(path)
    assert version_seen(store) == survivor
    leftovers = store.count() - len(served(store))
    assert leftovers > 0 or point == "cleaned"  # the kill really left half-done work behind
    report = ingest(kb, store, store.embedder, options=IngestOptions(prune=True))
    assert version_seen(store) == "v2"
    assert store.count() == len(V2)  # one chunk per page: every leftover was deleted
    assert (report.added or report.updated) if survivor == "v1" else not report.updated
    if point == "written":  # every new chunk was stored: the next ingest embeds none again
        assert report.chunks_resumed == report.chunks_written > 0
