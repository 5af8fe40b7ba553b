"""Writing an eval run's figures into a docs page (docs/evals.md) between markers, so no number is typed."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path

from agent.errors import ConfigError
from evals.report import SHOWN, SetReport, fmt

BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"


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
    """Replace the block between the markers (they must exist) with fresh figures."""
    replace_between(path, BEGIN, END, block(reports, command))


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
