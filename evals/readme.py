"""Writing an eval run's figures into the README between markers, so no number is typed."""

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
    """The Markdown the README shows: the command, when and where, and the figures."""
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
    lines.append(END)
    return "\n".join(lines)


def update(path: Path, reports: list[SetReport], command: str) -> None:
    """Replace the block between the markers (they must exist) with fresh figures."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ConfigError(f"{path}: no {BEGIN} ... {END} markers to write the figures between")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(head + block(reports, command) + tail, encoding="utf-8")
