"""`escalate report`: read the event log, compute the report, print it. No metrics here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agent.errors import EscalationError

console = Console()
err = Console(stderr=True)


def report_command(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
    ] = None,
    days: Annotated[int, typer.Option(min=1, help="The trailing window, in days.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write the report as Markdown to this file.")
    ] = None,
) -> None:
    """Handoff metrics of the last DAYS days: rates by topic, trigger, route and channel, times,
    success, sentiment, and handoff conversion (purchases after a handoff vs. bot only)."""
    from agent.metrics.log import EventLog
    from agent.metrics.render import report_markdown, report_table
    from agent.metrics.report import handoff_report
    from agent.settings import Settings
    from agent.storage import open_storage

    storage = open_storage(Settings.load(config))
    try:
        report = handoff_report(EventLog(storage.store), days=days)
    finally:
        storage.close()
    if as_json:
        console.print_json(report.model_dump_json())
    else:
        console.print(report_table(report))
    if out is not None:
        try:
            out.write_text(report_markdown(report), encoding="utf-8")
        except OSError as exc:
            raise EscalationError(f"{out}: cannot write the report: {exc}") from exc
        err.print(f"wrote {out}")
