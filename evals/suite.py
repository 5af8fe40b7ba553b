"""Running several sets end to end: run, report, plot, optional sweep and adversary, gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table
from rich.text import Text

from agent.settings import Settings
from evals.gate import load_gate, violations
from evals.report import SetReport, build, fmt, print_table, write
from evals.runner import SetRun, run_set


def _plots(report: SetReport, run: SetRun, out: Path, threshold: float) -> None:
    from evals.plots import confidence_histogram_png, reliability_png, trigger_pr_png

    trigger_pr_png(report.trigger_scores, out / f"{report.set}-triggers.png")
    confidence_histogram_png(run.records, out / f"{report.set}-confidence.png", threshold)
    if report.reliability is not None:
        reliability_png(report.reliability, out / f"{report.set}-reliability.png")


def _bar_progress(bar: Progress, task: TaskID, label: str) -> Callable[[int, int, str], None]:
    """A runner's progress callback that moves ``task`` on ``bar``, described as ``label: item``."""

    def update(done: int, total: int, item: str) -> None:
        bar.update(task, completed=done, total=total, description=f"{label}: {item}")

    return update


def _extras(
    path: Path,
    settings: Settings,
    report: SetReport,
    out: Path,
    sweep: bool,
    adversary: bool,
    plots: bool,
    console: Console,
    progress: Callable[[], Progress],
) -> None:
    if adversary:
        from evals.adversary import measure

        with progress() as bar:
            task = bar.add_task("adversary", total=None)
            result = measure(
                path,
                settings,
                progress=lambda d, t, cid: bar.update(
                    task, completed=d, total=t, description=f"adversary: {cid}"
                ),
            )
        report.extra["adversary"] = result.model_dump(mode="json")
        console.print_json(data=report.extra["adversary"])
        if result.drafts:
            from evals.fault_gate import table as drafts_table

            console.print(f"Model drafts ({result.drafts.set}): tried / blocked / sent")
            console.print(drafts_table(result.drafts), markup=False)
    if sweep:
        from evals.sweep import best
        from evals.sweep import sweep as run_sweep

        with progress() as bar:
            task = bar.add_task("sweep", total=None)
            points = run_sweep(
                path,
                settings,
                progress=lambda d, t, what: bar.update(
                    task, completed=d, total=t, description=f"sweep: {what}"
                ),
            )
        chosen = best(points)
        report.extra["sweep"] = {
            "points": [p.model_dump(mode="json") for p in points],
            "best": chosen.threshold if chosen else None,
        }
        table = Table(
            "threshold",
            "hallucination",
            "unsafe answers",
            "deflection",
            "recall",
            title="threshold sweep",
        )
        for p in points:
            m = p.metrics
            mark = " ◀ best" if chosen and p.threshold == chosen.threshold else ""
            table.add_row(
                f"{p.threshold:.2f}{mark}",
                fmt(m, "hallucination_rate"),
                fmt(m, "unsafe_answer_rate"),
                fmt(m, "deflection_rate"),
                fmt(m, "escalation_recall"),
            )
        console.print(table)
        console.print(f"best threshold: {chosen.threshold if chosen else 'none qualifies'}")
        if plots:
            from evals.plots import sweep_png

            sweep_png(points, out / f"{report.set}-sweep.png", chosen.threshold if chosen else None)


def _learning(
    path: Path,
    settings: Settings,
    report: SetReport,
    paraphrases: Path | None,
    console: Console,
    progress: Callable[[], Progress],
) -> list[str]:
    """Run the learning curve; returns its safety violations (cases learning took from people)."""
    from evals.learning import learning_curve

    with progress() as bar:
        task = bar.add_task("learning curve", total=None)
        curve = learning_curve(
            path,
            settings,
            paraphrases=paraphrases,
            progress=lambda d, t, what: bar.update(
                task, completed=d, total=t, description=f"learning curve: {what}"
            ),
        )
    before, after = curve.overall()
    report.extra["learning_curve"] = {
        **curve.model_dump(mode="json"),
        "handoff_rate_before": before,
        "handoff_rate_after": after,
    }
    table = Table(
        "topic",
        "handoff rate before",
        "after",
        title=f"learning curve (replayed: {curve.replayed})",
    )
    pct = lambda r: "missing" if r is None else f"{r:.0%}"  # noqa: E731
    for t in curve.topics:
        table.add_row(
            Text(t.topic),
            f"{pct(t.rate_before)} ({t.handoffs_before}/{t.cases_before})",
            f"{pct(t.rate_after)} ({t.handoffs_after}/{t.cases_after})",
        )
    table.add_row("[bold]all topics[/]", pct(before), pct(after))
    console.print(table)
    console.print(
        f"{curve.resolutions} handoffs resolved → {curve.proposals} proposals: "
        f"{curve.approved} approved ({len(curve.confirmed)} confirming a new policy), "
        f"{len(curve.rejected)} rejected by the strict curator; "
        f"{curve.still_with_people} cases that must stay with a person, "
        f"{len(curve.regressions)} answered by the bot after learning"
    )
    console.print(
        f"after learning: {curve.answered_after} answered turns, {curve.learned_answers_cited} "
        f"quoting a learned answer, {len(curve.hallucinated_after)} hallucinated"
    )
    return [
        f"{report.set}: learning taught the bot to answer {cid}, which a person must handle"
        for cid in curve.regressions
    ] + [
        f"{report.set}: after learning, the answer to {cid} states what no cited chunk says"
        for cid in curve.hallucinated_after
    ]


def run_suite(
    sets: list[Path],
    out: Path,
    config: Path | None,
    gate_path: Path | None,
    only: set[str],
    sweep: bool,
    adversary: bool,
    plots: bool,
    console: Console,
    progress: Callable[[], Progress],
    readme: list[Path] | None = None,
    command: str = "escalate eval",
    learning: bool = False,
    paraphrases: Path | None = None,
) -> list[str]:
    """Run and report every set; returns the gate's violations (empty: all good)."""
    settings = Settings.load(config)
    gate = load_gate(gate_path) if gate_path else None
    broken: list[str] = []
    reports: list[SetReport] = []
    for path in sets:
        with progress() as bar:
            task = bar.add_task(f"{path.name}: ingesting kb/", total=None)
            run = run_set(
                path,
                settings,
                only=only,
                progress=_bar_progress(bar, task, path.name),
            )
        report = build(run, run.backend)
        print_table(console, report)
        _extras(path, settings, report, out, sweep, adversary, plots, console, progress)
        if learning and any(r.case.agent_resolution for r in run.records):
            broken += _learning(path, settings, report, paraphrases, console, progress)
        elif learning:
            console.print(f"{path.name}: no case has an agent_resolution; no learning curve")
        if plots:
            _plots(report, run, out, settings.grounding.threshold)
        paths = write(report, out)
        console.print(f"reports: {paths['json']}, {paths['markdown']}")
        reports.append(report)
        if gate:
            broken += violations(report, gate)
    for page in readme or []:
        from evals.readme import update

        update(page, reports, command)
        console.print(f"figures written into {page}")
    return broken
