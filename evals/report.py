"""An eval run as a terminal table, a JSON file and a Markdown report (+ PNG plots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evals.failures import reasons
from evals.metrics import Metrics, TriggerScore, compute, grouped, per_trigger
from evals.records import CaseRecord
from evals.reliability import Reliability, curve, table
from evals.runner import SetRun
from knowledge.documents import load_folder

SHOWN: list[tuple[str, str | tuple[str, str]]] = [
    ("decision accuracy", "decision_accuracy"),
    ("escalation precision", "escalation_precision"),
    ("escalation recall", "escalation_recall"),
    ("escalation F1", "escalation_f1"),
    ("route accuracy", "route_accuracy"),
    ("hallucination rate", "hallucination_rate"),
    ("unsafe-answer rate", "unsafe_answer_rate"),
    ("late / early escalations", ("late_escalations", "early_escalations")),
    ("explicit-request compliance", "explicit_compliance"),
    ("handoff completeness", "handoff_completeness"),
    ("repeat-info rate", "repeat_info_rate"),
    ("summary faithfulness", "summary_faithfulness"),
    ("deflection rate", "deflection_rate"),
    ("answers with the expected facts", "answer_fact_rate"),
    ("answers citing a supporting doc", "supporting_citation_rate"),
    ("turn latency p50 / p95 (ms)", ("latency_p50_ms", "latency_p95_ms")),
]


class FailedCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    vertical: str
    reasons: list[str]
    said: list[str]
    """What the bot said, turn by turn (answers and the handoff's shopper messages)."""
    confidence: list[float | None]
    declined_by: list[str | None] = []
    """Per turn: the grounding check that declined the draft (None when none was declined)."""
    triggers: list[str]


class SetReport(BaseModel):
    """Everything one set's run produced, as written to JSON."""

    model_config = ConfigDict(extra="forbid")
    set: str
    path: str
    split: str | None = None
    """The set.toml ``split`` ("dev" or "test") of a set the rules were not written on."""
    backend: str
    cases: int
    malformed: list[str]
    seconds: float
    ingest_seconds: float
    cases_per_second: float
    metrics: Metrics
    by_vertical: dict[str, Metrics]
    by_trigger: dict[str, Metrics]
    trigger_scores: list[TriggerScore]
    reliability: Reliability | None = None
    """Grounding confidence bins against correct answers (evals.reliability)."""
    failed: list[FailedCase]
    extra: dict[str, Any] = {}
    """Adversary and sweep results when asked for."""


def products_of(run: SetRun) -> list[str]:
    """Product names a summary could name: KB pages under products/ and ordered items."""
    docs, _ = load_folder(run.set.path / "kb")
    names = {d.title for d in docs if d.id.startswith("products/")}
    names |= {
        item.name
        for r in run.records
        for o in r.case.customer.orders
        for item in o.items
        if item.name
    }
    return sorted(n for n in names if n)


def failed_case(record: CaseRecord, why: list[str]) -> FailedCase:
    return FailedCase(
        id=record.case.id,
        vertical=record.case.vertical,
        reasons=why,
        said=[" / ".join(t.messages)[:600] or f"({t.kind})" for t in record.turns],
        confidence=[t.gate.confidence if t.gate else t.confidence for t in record.turns],
        declined_by=[t.declined_by for t in record.turns],
        triggers=[
            f"{h.kind}: {h.reason}" for h in (record.handoff.triggers if record.handoff else [])
        ],
    )


def build(run: SetRun, backend: str) -> SetReport:
    """Compute every metric and every failure of one set's run."""
    products = products_of(run)
    records = run.records
    failed = [failed_case(r, why) for r in records if (why := reasons(r, products))]
    return SetReport(
        set=run.set.name,
        path=str(run.set.path),
        split=run.set.split,
        backend=backend,
        cases=len(records),
        malformed=[str(p) for p in run.problems],
        seconds=run.seconds,
        ingest_seconds=run.ingest_seconds,
        cases_per_second=round(run.cases_per_second, 2),
        metrics=compute(records, products),
        by_vertical=grouped(records, lambda r: r.case.vertical, products),
        by_trigger=grouped(
            records,
            lambda r: (
                r.case.expect.trigger or ("answer" if r.case.expect.decision == "answer" else None)
            ),
            products,
        ),
        trigger_scores=per_trigger(records),
        reliability=curve(records),
        failed=failed,
    )


def fmt(m: Metrics, field: str | tuple[str, str]) -> str:
    """A value for display: 'missing' when there was nothing to measure."""
    if isinstance(field, tuple):
        return " / ".join(fmt(m, f) for f in field)
    value = getattr(m, field)
    if value is None:
        return "missing"
    return (
        f"{value:.1%}"
        if isinstance(value, float)
        and field.endswith(
            (
                "rate",
                "accuracy",
                "precision",
                "recall",
                "f1",
                "compliance",
                "completeness",
                "faithfulness",
            )
        )
        else f"{value:g}"
    )


def print_table(console: Console, report: SetReport) -> None:
    table = Table(
        title=f"{report.set}: {report.cases} cases, {report.cases_per_second:g} cases/s ({report.backend})"
    )
    table.add_column("metric")
    table.add_column("overall", justify="right")
    verticals = list(report.by_vertical)
    for v in verticals:
        table.add_column(v, justify="right")
    for label, field in SHOWN:
        table.add_row(
            label,
            fmt(report.metrics, field),
            *(fmt(report.by_vertical[v], field) for v in verticals),
        )
    console.print(table)
    triggers = Table("trigger", "expected", "reported", "precision", "recall", title="per trigger")
    for s in report.trigger_scores:
        triggers.add_row(
            s.trigger,
            str(s.expected),
            str(s.reported),
            "missing" if s.precision is None else f"{s.precision:.1%}",
            "missing" if s.recall is None else f"{s.recall:.1%}",
        )
    console.print(triggers)
    if report.reliability is not None:
        print_reliability(console, report.reliability)
    if report.malformed:
        console.print(
            f"[yellow]{len(report.malformed)} malformed case(s) skipped[/]: "
            + escape("; ".join(report.malformed[:5]))
        )
    console.print(f"{len(report.failed)} failing case(s); see the Markdown report")


def print_reliability(console: Console, rel: Reliability) -> None:
    table = Table(
        "confidence",
        "drafts",
        "answered",
        "declined",
        "correct",
        "share correct",
        title="reliability: grounding confidence vs. correct answers",
    )
    for b in rel.bins:
        table.add_row(
            f"{b.low:.1f}–{b.high:.1f}",
            str(b.drafts),
            str(b.answered),
            str(b.declined),
            str(b.correct),
            "missing" if b.accuracy is None else f"{b.accuracy:.1%}",
        )
    console.print(table)
    error = "missing" if rel.calibration_error is None else f"{rel.calibration_error:.3f}"
    console.print(f"calibration error: {error} over {rel.drafts} scored draft(s)")


def _turn_line(n: int, said: str, confidence: float | None, declined: str | None) -> str:
    shown = "n/a" if confidence is None else f"{confidence:.2f}"
    if declined:
        return f"- turn {n}: declined by {declined} (confidence {shown}): {said!r}"
    return f"- turn {n}: confidence {shown}: {said!r}"


def markdown(report: SetReport) -> str:
    """The report a support engineer reads: metrics, per trigger and vertical, every failing case."""
    verticals = list(report.by_vertical)
    lines = [
        f"# Eval report: {report.set}",
        "",
        f"{report.cases} cases from `{report.path}`, backend **{report.backend}**, {report.seconds:g} s ({report.cases_per_second:g} cases/s; KB ingest {report.ingest_seconds:g} s).",
        "",
        "| metric | overall | " + " | ".join(verticals) + " |",
        "|---|---:|" + "---:|" * len(verticals),
    ]
    lines += [
        f"| {label} | {fmt(report.metrics, f)} | "
        + " | ".join(fmt(report.by_vertical[v], f) for v in verticals)
        + " |"
        for label, f in SHOWN
    ]
    lines += [
        "",
        "## Per trigger",
        "",
        "| trigger | expected | reported | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s.trigger} | {s.expected} | {s.reported} | {'missing' if s.precision is None else f'{s.precision:.1%}'} | {'missing' if s.recall is None else f'{s.recall:.1%}'} |"
        for s in report.trigger_scores
    ]
    if report.reliability is not None:
        lines += [
            "",
            "## Reliability (grounding confidence vs. correct answers)",
            "",
            "Every answered turn and every declined draft of an answerable case, by the gate's "
            "confidence. Correct: answering was the expected decision, the text cites, states no "
            "number its sources lack and has the expected fact(s). See docs/evals.md.",
            "",
            *table(report.reliability),
        ]
    if report.malformed:
        lines += ["", "## Malformed cases (skipped)", "", *[f"- {p}" for p in report.malformed]]
    lines += ["", f"## Failing cases ({len(report.failed)})", ""]
    for f in report.failed:
        lines += [f"### {f.id} ({f.vertical})", "", *[f"- {r}" for r in f.reasons]]
        declined = f.declined_by or [None] * len(f.said)
        lines += [
            _turn_line(n, s, c, d)
            for n, (s, c, d) in enumerate(zip(f.said, f.confidence, declined, strict=True), 1)
        ]
        if f.triggers:
            lines.append(f"- triggers: {'; '.join(f.triggers)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def write(report: SetReport, out: Path) -> dict[str, Path]:
    """<set>.json and <set>.md under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / f"{report.set}.json", "markdown": out / f"{report.set}.md"}
    paths["json"].write_text(report.model_dump_json(indent=2), encoding="utf-8")
    paths["markdown"].write_text(markdown(report), encoding="utf-8")
    return paths
