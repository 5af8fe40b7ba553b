"""Ingest with a progress bar and a readable report: shared by `escalate kb ingest` and the demo."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agent.knowledge_base import ingest_options
from agent.settings import Settings
from knowledge.embeddings import Embedder
from knowledge.ingest import ingest
from knowledge.models import IngestReport
from knowledge.store import VectorStore

__all__ = ["ingest_with_progress", "print_plan", "summary"]


def ingest_with_progress(
    root: Path,
    store: VectorStore,
    embedder: Embedder,
    settings: Settings,
    console: Console,
    *,
    source: str | None = None,
    prune: bool = False,
    dry_run: bool = False,
) -> IngestReport:
    """Run :func:`knowledge.ingest.ingest` with a rich progress bar and print its warnings."""
    options = ingest_options(settings, source=source, prune=prune, dry_run=dry_run)
    with Progress(
        TextColumn("ingesting {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(escape(str(root)), total=None)

        def tick(done: int, total: int, doc_id: str) -> None:
            progress.update(task, completed=done, total=total, description=escape(doc_id))

        report = ingest(
            root,
            store,
            embedder,
            max_tokens=settings.knowledge.chunk_max_tokens,
            progress=tick,
            options=options,
        )
    _warnings(report, console)
    return report


def _warnings(report: IngestReport, console: Console) -> None:
    for problem in report.problems:
        label = "[red]refused[/]" if problem.refused else "[yellow]warning[/]"
        message = problem.message.removeprefix("refused: ")
        console.print(f"{label} {escape(problem.path)}: {escape(message)}")
    for chunk_id in report.truncated_chunks:
        console.print(
            f"[yellow]warning[/] {escape(chunk_id)} is longer than the embedder's window; its tail cannot be retrieved"
        )
    if report.hidden_dropped or report.invisible_dropped:
        console.print(
            f"dropped {report.hidden_dropped} hidden HTML element(s) and comment(s), "
            f"{report.invisible_dropped} invisible character(s)"
        )
    for flag in report.flags:
        fate = "withheld" if flag.withheld else "served, check it"
        console.print(f"[yellow]flag[/] {escape(flag.doc_id)}: {escape(flag.detail)} ({fate})")


def print_plan(report: IngestReport, console: Console) -> None:
    """Each document's fate, one line each (for --dry-run)."""
    for label, ids in (
        ("added", report.added),
        ("updated", report.updated),
        ("removed", report.removed),
        ("unchanged", report.unchanged),
    ):
        for doc_id in ids:
            console.print(f"{label:>9}  {escape(doc_id)}")


def summary(report: IngestReport) -> str:
    """The one-line outcome (plain text)."""
    head = f"source {report.source}: " if report.source else ""
    counts = (
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )
    if report.dry_run:
        return f"{head}{counts} (dry run: nothing changed); {len(report.problems)} problem(s)"
    return (
        f"{head}{counts}; {report.chunks_written} chunks written in {report.seconds:.2f}s; "
        f"{len(report.problems)} problem(s), {len(report.flags)} flag(s)"
    )
