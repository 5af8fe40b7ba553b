"""`escalate eval`: parse, run, report. The logic lives in evals.runner/report/gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def eval_command(
    sets: Annotated[
        list[Path], typer.Argument(help="Eval set folders (cases.jsonl + kb/ [+ set.toml]).")
    ],
    out: Annotated[Path, typer.Option(help="Where the JSON, Markdown and PNG reports go.")] = Path(
        "eval-report"
    ),
    gate: Annotated[
        Path | None,
        typer.Option(help="Fail (exit 1) when a set breaks this gate, e.g. evals/gate.toml."),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only these case ids.")
    ] = None,
    sweep: Annotated[
        bool,
        typer.Option("--sweep", help="Also score every grounding threshold from 0.30 to 0.80."),
    ] = False,
    adversary: Annotated[
        bool,
        typer.Option(
            "--adversary", help="Also measure the grounding gate on injected hallucinations."
        ),
    ] = False,
    learning_curve: Annotated[
        bool,
        typer.Option(
            "--learning-curve",
            help="Also play the set, resolve its handoffs with agent_resolution, approve, play again.",
        ),
    ] = False,
    paraphrases: Annotated[
        Path | None,
        typer.Option(
            help="With --learning-curve and one SET: replay this set after learning (same topics, "
            "other words); default: the set's own `replay` in set.toml, else the set itself."
        ),
    ] = None,
    plots: Annotated[bool, typer.Option(help="Write PNG plots.")] = True,
    readme: Annotated[
        list[Path] | None,
        typer.Option(
            help="Write the figures into this Markdown page between its markers: <!-- eval:begin --> ... <!-- eval:end --> (all figures), <!-- eval-compare:begin --> ... (bundled vs unseen) and <!-- eval-headline:begin --> ... (the headline rates). Repeatable (docs/evals.md and README.md)."
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
    ] = None,
) -> None:
    """Score sets of conversations: hallucinations, escalation precision/recall, routes, handoffs."""
    import sys

    if paraphrases is not None and len(sets) != 1:
        raise typer.BadParameter(
            "--paraphrases goes with exactly one SET (or use `replay` in set.toml)"
        )
    from evals.suite import run_suite

    # the command as typed, without --readme, so docs/evals.md says how to reproduce its figures
    args = sys.argv[1:]
    while "--readme" in args:
        i = args.index("--readme")
        args = args[:i] + args[i + 2 :]
    command = "escalate " + " ".join(args)
    broken = run_suite(
        sets,
        out,
        config,
        gate,
        set(only or []),
        sweep,
        adversary,
        plots,
        console,
        _progress,
        readme,
        command,
        learning=learning_curve,
        paraphrases=paraphrases,
    )
    if broken:
        for line in broken:
            console.print(f"[red]gate:[/] {escape(line)}")
        raise typer.Exit(1)
