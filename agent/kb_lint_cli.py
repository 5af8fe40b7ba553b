"""`escalate kb lint`: parse, lint a folder or the store (knowledge.lint), print a table or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.errors import EscalationError

if TYPE_CHECKING:
    from knowledge.lint import LintReport

console = Console()
err = Console(stderr=True)

_SERVED = {True: "yes", False: "no", None: ""}


def lint_command(
    source: Annotated[str | None, typer.Argument(help="Only this source of the store.")] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder", help="Lint this KB folder as ingest would read it, instead of the store."
        ),
    ] = None,
    similarity: Annotated[
        float,
        typer.Option(
            min=0.5, max=1.0, help="Cosine similarity from which two chunks are near-duplicates."
        ),
    ] = 0.9,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when there is any finding.")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="A store's settings TOML.", envvar="ESCALATE_CONFIG"),
    ] = None,
) -> None:
    """What a curator should fix: internal-looking text, near-duplicates, contradictory facts,
    instruction-like text and links to unknown sites."""
    from agent.knowledge_base import ingest_options, make_embedder, open_store
    from agent.settings import Settings
    from knowledge.lint import lint_folder, lint_store

    if folder is not None and source is not None:
        raise typer.BadParameter("give a SOURCE of the store or --folder, not both")
    settings = Settings.load(config)
    with _progress(quiet=as_json) as bar:
        task = bar.add_task("linting", total=None)

        def tick(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(what))

        if folder is not None:
            options = ingest_options(settings)
            report = lint_folder(
                folder,
                make_embedder(settings),
                max_tokens=settings.knowledge.chunk_max_tokens,
                audience_globs=dict(options.audience_globs),
                allowed_hosts=options.url_allow_hosts,
                screen=options.screen,
                similarity=similarity,
                progress=tick,
            )
        else:
            store = open_store(settings)
            if source is not None and source not in store.sources():
                raise EscalationError(
                    f"no source named {source!r}; `escalate kb sources` lists them"
                )
            report = lint_store(store, source, similarity=similarity, progress=tick)
    if as_json:
        console.print_json(report.model_dump_json())
    else:
        print_report(report, console)
    if strict and report.findings:
        raise typer.Exit(1)


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )


def print_report(report: LintReport, out: Console) -> None:
    """The findings as one table, then a line of counts."""
    for problem in report.problems:
        out.print(f"[yellow]warning[/] {escape(problem)}")
    if report.findings:
        table = Table("kind", "where", "other", "detail", "served", title=escape(report.target))
        for f in report.findings:
            detail = f.detail if f.score is None else f"{f.score:.3f} {f.detail}"
            table.add_row(
                f.kind, escape(f.where), escape(f.other), escape(detail), _SERVED[f.served]
            )
        out.print(table)
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items() if n) or "no findings"
    out.print(
        f"{escape(report.target)}: {report.documents} document(s), {report.chunks} chunk(s): "
        f"{counts}"
    )
