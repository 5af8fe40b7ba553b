"""The report in three shapes (a terminal table, JSON, Markdown) and in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.table import Table

from evals.bench.report import Row, ci_failures
from evals.readme import replace_between

__all__ = ["BEGIN", "END", "machine", "markdown", "table", "to_json", "write"]

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LIBRARIES = ("chromadb", "onnxruntime", "langgraph", "langgraph-checkpoint-sqlite", "tokenizers",
             "numpy", "openai")  # fmt: skip
_COLOUR = {"pass": "green", "miss": "red", "info": "cyan", "skipped": "yellow"}


def machine() -> dict[str, Any]:
    """CPU model, cores, OS, Python and the versions of the libraries we measure against."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]  # fmt: skip
        cpu = names[0] if names else cpu
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"cpu": cpu, "cores": os.cpu_count(), "os": f"{platform.system()} {platform.machine()}",
            "python": platform.python_version(), "libraries": versions}  # fmt: skip


def _machine_line(m: dict[str, Any]) -> str:
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    return f"{m['cpu']}, {m['cores']} cores, {m['os']}, Python {m['python']}; {libs}"


def _kbs_line(kbs: dict[str, Any]) -> str:
    parts = [
        f"**{size}** = {kb['chunks']:,} chunks ({kb['docs']:,} documents, {kb['learned']} learned "
        f"answers, built in {kb['build_seconds']:g} s)"
        for size, kb in kbs.items()
    ]
    cut = sum(len(kb["truncated_chunks"]) for kb in kbs.values())
    window = (
        "no chunk exceeds the embedder's window"
        if not cut
        else f"{cut} chunks exceed the embedder's window"
    )
    return "Synthetic knowledge bases: " + "; ".join(parts) + f"; {window}."


def _rows(report: dict[str, Any]) -> list[Row]:
    return [
        Row.model_validate({k: v for k, v in r.items() if k != "status"}) for r in report["rows"]
    ]


def _load(report: dict[str, Any]) -> str:
    load = report["measurements"].get("load_average")
    return "" if load is None else f"; load average {load:g} at the start"


def markdown(report: dict[str, Any]) -> str:
    """The Markdown report (also the block in docs/benchmarks.md, between the markers)."""
    lines = [
        f"Produced by `{report['command']}` on {report['date']} "
        f"({_machine_line(report['machine'])}{_load(report)}).",
        "",
        _kbs_line(report["kbs"]),
        "",
        "| measure | KB | ratio | target | result | absolute |",
        "|---|---|---:|---:|---|---|",
    ]
    for row in _rows(report):
        target = str(row.target) if row.target else "—"
        lines.append(f"| {row.measure} | {row.size or '—'} | {row.shown()} | {target} | "
                     f"{row.status} | {row.absolute} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def table(report: dict[str, Any]) -> Table:
    """The terminal table."""
    out = Table("measure", "KB", "ratio", "target", "result", "absolute",
                title=f"escalate bench · {_machine_line(report['machine'])}")  # fmt: skip
    for row in _rows(report):
        colour = _COLOUR[row.status]
        out.add_row(row.measure, row.size or "—", row.shown(),
                    str(row.target) if row.target else "—", f"[{colour}]{row.status}[/]", row.absolute)  # fmt: skip
    return out


def to_json(rows: list[Row], measured: dict[str, Any], command: str) -> dict[str, Any]:
    """Everything, JSON-able: the rows (with status), the raw measurements, the machine."""
    return {
        "command": command,
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "machine": machine(),
        "kbs": measured.get("kbs", {}),
        "rows": [{**row.model_dump(mode="json"), "status": row.status} for row in rows],
        "ci_failures": [
            row.measure + (f" ({row.size})" if row.size else "") for row in ci_failures(rows)
        ],
        "measurements": measured,
    }


def write(report: dict[str, Any], out: Path | None, readme: Path | None) -> None:
    """bench.json and bench.md under ``out``; the block between the page's markers."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        (out / "bench.md").write_text(markdown(report), encoding="utf-8")
    if readme is not None:
        replace_between(readme, BEGIN, END, f"{BEGIN}\n{markdown(report)}{END}")
