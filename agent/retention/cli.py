"""`escalate retention` and `escalate forget`: parse, call agent.retention, print the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from agent.errors import ConfigError
from agent.retention.report import Report
from agent.settings import Settings
from agent.storage import open_storage

console = Console()

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


def _print(report: Report, as_json: bool, hint: str) -> None:
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
        return
    for line in report.lines():
        console.print(line, markup=False, highlight=False)
    if not report.applied:
        console.print(f"dry run: nothing was changed ({hint})", markup=False)


def retention_command(
    config: ConfigOpt = None,
    apply: Annotated[bool, typer.Option("--apply", help="Delete; without it, only count.")] = False,
    days: Annotated[
        int | None, typer.Option(min=1, help="Older than this many days (default: retention_days).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete conversations, outbox items and inbox tickets older than the retention period."""
    from agent.retention.sweep import sweep

    settings = Settings.load(config)
    days = days or settings.retention_days
    if days is None:
        raise ConfigError("no retention period: set retention_days in the settings, or pass --days")
    storage = open_storage(settings)
    try:
        report = sweep(storage.checkpointer, storage.store, days, datetime.now(UTC),
                       apply=apply, lock=storage.lock)  # fmt: skip
    finally:
        storage.close()
    _print(report, as_json, "add --apply")


def forget_command(
    config: ConfigOpt = None,
    customer: Annotated[
        str | None, typer.Option("--customer", metavar="EMAIL", help="Everything about this email.")
    ] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", metavar="ID", help="One conversation.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's data everywhere (an erasure request) and report what was removed."""
    from agent.retention.forget import forget

    settings = Settings.load(config)
    storage = open_storage(settings)
    try:
        report = forget(storage.checkpointer, storage.store, customer=customer,
                        conversation=conversation, apply=not dry_run, lock=storage.lock,
                        vectors=None if dry_run else _vectors(settings))  # fmt: skip
    finally:
        storage.close()
    _print(report, as_json, "run it without --dry-run")


def _vectors(settings: Settings) -> Any:
    """The knowledge base, to rewrite learned answers' provenance; None if it cannot open."""
    try:
        from agent.knowledge_base import open_store

        return open_store(settings)
    except Exception:  # noqa: BLE001 - the report says the vector store was not updated
        return None
