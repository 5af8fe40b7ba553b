"""`escalate outbox`: what is waiting for the helpdesk; deliver it now; retry a failed one."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from agent.helpdesk import make_outbox
from agent.helpdesk.item import OutboxItem, parse_time
from agent.helpdesk.outbox import Outbox
from agent.settings import Settings
from agent.storage import open_storage

console = Console()


def outbox_command(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
    ] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="Send every item that is due, now.")
    ] = False,
    retry: Annotated[
        str | None,
        typer.Option("--retry", metavar="ID", help="Queue a failed item again (then --deliver)."),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include delivered items, with their ticket.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON.")] = False,
) -> None:
    """Show handoffs waiting for the helpdesk (pending and failed); deliver or retry them."""
    settings = Settings.load(config)
    storage = open_storage(settings)
    outbox = make_outbox(settings.helpdesk, storage.store, lock=storage.lock)
    try:
        if retry:
            item = outbox.retry(retry)
            if not as_json:
                console.print(f"{item.id} queued again for {outbox.helpdesk.name}")
        if deliver:
            _deliver(outbox, quiet=as_json)
        items = (
            outbox.items() if show_all else [i for i in outbox.items() if i.status != "delivered"]
        )
        if as_json:
            rows = [i.model_dump(mode="json", exclude={"package"}) for i in items]
            console.print_json(json.dumps(rows))
        else:
            console.print(_table(items, outbox.clock(), show_all, outbox.helpdesk.name))
    finally:
        outbox.helpdesk.close()
        storage.close()


def _deliver(outbox: Outbox, quiet: bool) -> None:
    total = len(outbox.due())
    bar = Progress(
        TextColumn("delivering to {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=quiet,
    )
    with bar:
        task = bar.add_task(outbox.helpdesk.name, total=total)
        report = outbox.deliver_due(limit=max(total, 1), on_each=lambda *_: bar.advance(task))
    if not quiet:
        console.print(report.summary())


def _when(item: OutboxItem, now: datetime) -> str:
    if item.status != "pending":
        return "-"
    seconds = (parse_time(item.next_attempt_at) - now).total_seconds()
    if seconds <= 0:
        return "due now"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return "in " + (f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s")


def _table(items: list[OutboxItem], now: datetime, show_all: bool, helpdesk: str) -> Table:
    title = f"outbox for {helpdesk}: {len(items)} item(s)" + ("" if show_all else " not delivered")
    table = Table(title=title)
    for column in ("id", "conversation", "queue", "status", "attempts", "next attempt"):
        table.add_column(column, no_wrap=True)
    table.add_column("last error / ticket", overflow="fold")
    colours = {"pending": "yellow", "failed": "red", "delivered": "green"}
    for i in items:
        detail = i.last_error or ""
        if i.status == "delivered":
            detail = f"{i.delivered_to} {i.external_id}" + (
                f" {i.external_url}" if i.external_url else ""
            )
        table.add_row(
            Text(i.id),
            Text(i.conversation_id),
            Text(i.route),
            f"[{colours[i.status]}]{i.status}[/]",
            str(i.attempts),
            _when(i, now),
            Text(detail),
        )
    return table
