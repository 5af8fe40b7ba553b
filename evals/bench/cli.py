"""`escalate bench`: parse, run, report. The logic lives in evals.bench.run/report/output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

console = Console()


def _command() -> str:
    """The command as typed, without --readme, so docs/benchmarks.md says how to reproduce it."""
    args = sys.argv[1:]
    if "--readme" in args:
        i = args.index("--readme")
        args = args[:i] + args[i + 2 :]
    return "escalate " + " ".join(args)


def bench_command(
    size: Annotated[
        list[str] | None,
        typer.Option(
            "--size",
            help="KB size in chunks: 1k, 10k, 100k or a number (repeatable). Default: 1k and 10k.",
        ),
    ] = None,
    large: Annotated[
        bool, typer.Option("--large", help="Also the 100k KB (its first build takes the longest).")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a ratio is worse than twice its target.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Where bench.json and bench.md go.")] = Path(
        "bench-report"
    ),
    readme: Annotated[
        Path | None,
        typer.Option(
            help="Write the table into this Markdown page (docs/benchmarks.md) between <!-- bench:begin --> and <!-- bench:end -->."
        ),
    ] = None,
    eval_cases: Annotated[
        int | None,
        typer.Option(
            min=0, help="Cases of the bundled eval set to play (default: all; 0 skips it)."
        ),
    ] = None,
    rounds: Annotated[int, typer.Option(min=1, help="Passes over the questions.")] = 2,
    questions: Annotated[int, typer.Option(min=4, help="Shopper questions per KB size.")] = 40,
    repeats: Annotated[
        int, typer.Option(min=3, help="Runs of the one-query embedding comparison.")
    ] = 30,
    stream_turns: Annotated[
        int,
        typer.Option(
            min=0,
            help="Answers to time as they stream from a model streaming at a fixed rate, at the "
            "widget (HTTP) and through the library (0 skips it).",
        ),
    ] = 8,
    service: Annotated[
        bool,
        typer.Option(
            "--service",
            help="Also the HTTP service: one client over HTTP vs the library, then many "
            "clients at once (SQLite; PostgreSQL on 127.0.0.1:5432 with one and two processes).",
        ),
    ] = False,
    service_conversations: Annotated[
        int, typer.Option(min=1, help="Conversations of the service's load run (5 turns each).")
    ] = 200,
    service_clients: Annotated[
        int, typer.Option(min=1, help="Concurrent clients of the service's load run.")
    ] = 16,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
    ] = None,
) -> None:
    """Measure every step of a turn against what the libraries alone do, on synthetic KBs."""
    from agent.settings import Settings
    from evals.bench.kb import parse_size
    from evals.bench.output import table, to_json, write
    from evals.bench.report import ci_failures, rows_from
    from evals.bench.run import Options, run_bench

    try:
        sizes = [parse_size(s) for s in size or ["1k", "10k"]] + ([100_000] if large else [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--size") from exc
    options = Options(sizes=tuple(dict.fromkeys(sizes)), rounds=rounds, questions=questions,
                      repeats=repeats, eval_cases=eval_cases, stream_turns=stream_turns,
                      service=service,
                      service_conversations=service_conversations,
                      service_clients=service_clients)  # fmt: skip
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:  # fmt: skip
        tasks: dict[str, TaskID] = {}

        def tick(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        measured = run_bench(Settings.load(config), options, tick, config)
    rows = rows_from(measured)
    report = to_json(rows, measured, _command())
    console.print(table(report))
    write(report, out, readme)
    failures = ci_failures(rows)
    if check and failures:
        for row in failures:
            console.print(f"[red]bench:[/] {row.measure} ({row.size or 'any size'}): "
                          f"{row.shown()} is worse than twice the target {row.target}")  # fmt: skip
        raise typer.Exit(1)
