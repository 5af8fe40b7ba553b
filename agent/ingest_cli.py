"""Ingest with a progress bar: shared by `escalate kb ingest` and the demo."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agent.settings import Settings
from knowledge.embeddings import Embedder
from knowledge.ingest import ingest
from knowledge.models import IngestReport
from knowledge.store import VectorStore


def ingest_with_progress(
    root: Path, store: VectorStore, embedder: Embedder, settings: Settings, console: Console
) -> IngestReport:
    """Run :func:`knowledge.ingest.ingest` with a rich progress bar and print its problems."""
    with Progress(
        TextColumn("ingesting {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(str(root), total=None)

        def tick(done: int, total: int, doc_id: str) -> None:
            progress.update(task, completed=done, total=total, description=doc_id)

        report = ingest(
            root, store, embedder, max_tokens=settings.knowledge.chunk_max_tokens, progress=tick
        )
    for problem in report.problems:
        console.print(f"[yellow]warning[/] {escape(str(problem.path))}: {escape(problem.message)}")
    for chunk_id in report.truncated_chunks:
        console.print(
            f"[yellow]warning[/] {escape(chunk_id)} is longer than the embedder's window; its tail cannot be retrieved"
        )
    return report
