"""Writing an eval run's figures into a docs page (docs/evals.md) between markers, so no number is typed."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path

from agent.errors import ConfigError
from evals.reliability import table
from evals.report import SHOWN, SetReport, fmt

BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"
COMPARE_BEGIN, COMPARE_END = "<!-- eval-compare:begin -->", "<!-- eval-compare:end -->"
# The README's short version of the comparison: the headline rates only.
HEADLINE_BEGIN, HEADLINE_END = "<!-- eval-headline:begin -->", "<!-- eval-headline:end -->"
COMPARED: list[tuple[str, str]] = [
    ("decision accuracy", "decision_accuracy"),
    ("unsafe answers (of answered turns)", "unsafe_answer_rate"),
    ("hallucination rate", "hallucination_rate"),
    ("deflection (answerable cases answered)", "deflection_rate"),
    ("answers with the expected facts", "answer_fact_rate"),
    ("explicit-request compliance", "explicit_compliance"),
    ("escalation recall", "escalation_recall"),
]
HEADLINE = [
    ("decision accuracy", "decision_accuracy"),
    ("unsafe answers", "unsafe_answer_rate"),
    ("hallucinations", "hallucination_rate"),
    ("deflection", "deflection_rate"),
]
RECALLS = ("account_action", "explicit", "sensitive", "sentiment", "low_confidence")


def _machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def block(reports: list[SetReport], command: str) -> str:
    """The Markdown the page shows: the command, when and where, and the figures."""
    lines = [BEGIN, f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d} ({_machine()}).", ""]
    for r in reports:
        lines += [
            f"**{r.set}**: {r.cases} cases, backend `{r.backend}`, {r.cases_per_second:g} cases/s.",
            "",
            "| metric | value |",
            "|---|---:|",
            *[f"| {label} | {fmt(r.metrics, field)} |" for label, field in SHOWN],
            "",
            "| trigger | expected | precision | recall |",
            "|---|---:|---:|---:|",
            *[
                f"| {s.trigger} | {s.expected} | {'missing' if s.precision is None else f'{s.precision:.1%}'} | {'missing' if s.recall is None else f'{s.recall:.1%}'} |"
                for s in r.trigger_scores
            ],
            "",
        ]
        if r.reliability is not None:
            lines += [
                "Reliability (grounding confidence vs. correct answers):",
                "",
                *table(r.reliability),
                "",
            ]
        adversary = r.extra.get("adversary")
        if adversary:
            lines += ["| injected hallucination | injected | caught |", "|---|---:|---:|"]
            for name, fault in adversary["faults"].items():
                rate = fault["catch_rate"]
                lines.append(
                    f"| {name} | {fault['injected']} | {'missing' if rate is None else f'{rate:.1%}'} |"
                )
            clean = adversary["clean"]
            rate = (
                "missing"
                if clean["false_block_rate"] is None
                else f"{clean['false_block_rate']:.1%}"
            )
            lines += [f"| clean drafts wrongly blocked | {clean['drafts']} | {rate} |", ""]
        lines += _learning_lines(r.extra.get("learning_curve"))
    lines.append(END)
    return "\n".join(lines)


def update(path: Path, reports: list[SetReport], command: str) -> None:
    """Write fresh figures between each pair of markers the page has: the full block
    (``eval``), the bundled-vs-unseen table (``eval-compare``) and its short headline version
    (``eval-headline``, the README's). A page with none of them is an error."""
    text = path.read_text(encoding="utf-8")
    writers = [
        (BEGIN, END, block),
        (COMPARE_BEGIN, COMPARE_END, compare_block),
        (HEADLINE_BEGIN, HEADLINE_END, headline_block),
    ]
    found = [(b, e, w) for b, e, w in writers if b in text and e in text]
    if not found:
        raise ConfigError(f"{path}: no {BEGIN} ... {END} markers to write the figures between")
    for begin, end, write in found:
        replace_between(path, begin, end, write(reports, command))


def _shown(reports: list[SetReport]) -> list[SetReport]:
    """The bundled sets first, then the unseen ones (a set.toml ``split``)."""
    return [r for r in reports if r.split is None] + [r for r in reports if r.split is not None]


def headline_block(reports: list[SetReport], command: str) -> str:
    """The headline rates, one row per set (sets as rows: it fits a README's width)."""
    lines = [
        HEADLINE_BEGIN,
        f"Measured by `{command}` on {datetime.now(UTC):%Y-%m-%d} (offline backend, default "
        "settings; `make eval-docs`). *Unseen*: the rules were never written on the set; "
        "`dev` halves may be tuned on, `test` halves never.",
        "",
        "| set | cases | " + " | ".join(label for label, _ in HEADLINE) + " |",
        "|---|---:|" + "---:|" * len(HEADLINE),
    ]
    for r in _shown(reports):
        kind = f"unseen, {r.split}" if r.split else "bundled"
        cells = " | ".join(fmt(r.metrics, field) for _, field in HEADLINE)
        lines.append(f"| {r.set} ({kind}) | {r.cases} | {cells} |")
    lines += ["", HEADLINE_END]
    return "\n".join(lines)


def _column(r: SetReport) -> str:
    kind = "unseen, " + r.split if r.split else "bundled"
    return f"{r.set} ({kind}, {r.cases})"


def compare_block(reports: list[SetReport], command: str) -> str:
    """One table, the bundled sets then the unseen ones (a set.toml ``split``), side by side."""
    shown = _shown(reports)
    lines = [
        COMPARE_BEGIN,
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d}; offline backend, default "
        "settings. Unseen sets: the rules were never written on them; `dev` halves may be "
        "tuned on, `test` halves never.",
        "",
        "| metric | " + " | ".join(_column(r) for r in shown) + " |",
        "|---|" + "---:|" * len(shown),
    ]
    for label, field in COMPARED:
        lines.append(f"| {label} | " + " | ".join(fmt(r.metrics, field) for r in shown) + " |")
    for trigger in RECALLS:
        cells = []
        for r in shown:
            score = next((s for s in r.trigger_scores if s.trigger == trigger), None)
            if score is None or score.expected == 0 or score.recall is None:
                cells.append("–")
            else:
                cells.append(f"{score.recall:.1%} ({score.expected})")
        lines.append(f"| {trigger} recall (cases) | " + " | ".join(cells) + " |")
    lines += ["", COMPARE_END]
    return "\n".join(lines)


def replace_between(path: Path, begin: str, end: str, block: str) -> None:
    """Put ``block`` (which starts with ``begin`` and ends with ``end``) where the markers are."""
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise ConfigError(f"{path}: no {begin} ... {end} markers to write the figures between")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(head + block + tail, encoding="utf-8")


def _pct(rate: float | None) -> str:
    return "missing" if rate is None else f"{rate:.0%}"


def _learning_lines(curve: dict | None) -> list[str]:
    """The learning curve: handoff rate per topic before and after curated learning."""
    if not curve:
        return []
    lines = [
        f"Learning curve (handoffs resolved with `agent_resolution`, proposals curated, then "
        f"`{curve['replayed']}` played again): {curve['proposals']} proposals, "
        f"{curve['approved']} approved, {len(curve['rejected'])} rejected by the strict curator.",
        "",
        "| topic | handoff rate before | after |",
        "|---|---:|---:|",
    ]
    for t in curve["topics"]:
        before = t["handoffs_before"] / t["cases_before"] if t["cases_before"] else None
        after = t["handoffs_after"] / t["cases_after"] if t["cases_after"] else None
        lines.append(
            f"| {t['topic']} | {_pct(before)} ({t['handoffs_before']}/{t['cases_before']}) "
            f"| {_pct(after)} ({t['handoffs_after']}/{t['cases_after']}) |"
        )
    lines += [
        f"| **all topics** | {_pct(curve['handoff_rate_before'])} | {_pct(curve['handoff_rate_after'])} |",
        "",
        f"Cases a person must handle (sensitive, explicit) answered by the bot after learning: "
        f"**{len(curve['regressions'])}** of {curve['still_with_people']}. Answered turns after "
        f"learning: {curve['answered_after']}, {curve['learned_answers_cited']} quoting a learned "
        f"answer, **{len(curve['hallucinated_after'])}** hallucinated.",
        "",
    ]
    return lines
