"""`escalate inbox`: the built-in helpdesk's tickets, for stores without one of their own.

A human agent lists the open handoffs, opens one (the package as the agent's
screen shows it), answers the shopper with `escalate reply`, and ends it with
`escalate resolve`, which closes the ticket.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from agent.errors import InputError
from agent.helpdesk.local_inbox import LocalInbox
from agent.settings import Settings
from agent.storage import open_storage

console = Console()


def inbox_command(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="ESCALATE_CONFIG", help="A store's settings TOML."),
    ] = None,
    show: Annotated[
        str | None, typer.Option("--show", metavar="ID", help="Open one ticket (a handoff id).")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include closed tickets.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The built-in inbox (helpdesk.kind = "local"): open handoffs, oldest first; open one."""
    from agent.render import handoff_panel

    settings = Settings.load(config)
    storage = open_storage(settings)
    try:
        inbox = LocalInbox(storage.store)
        if show:
            ticket = inbox.ticket(show)
            if ticket is None:
                raise InputError(f"no ticket {show!r} in the local inbox")
            if as_json:
                console.print_json(ticket.model_dump_json())
            else:
                console.print(
                    f"[bold]{escape(ticket.subject)}[/] · {ticket.status} · "
                    f"tags {escape(' '.join(ticket.tags))}"
                )
                console.print(handoff_panel(ticket.handoff()))
            return
        tickets = inbox.tickets(None if show_all else "open")
    finally:
        storage.close()
    if as_json:
        console.print_json(
            json.dumps([t.model_dump(mode="json", exclude={"package"}) for t in tickets])
        )
        return
    if settings.helpdesk.kind != "local":
        console.print(f"[yellow]note:[/] handoffs go to {settings.helpdesk.kind}, not this inbox")
    table = Table()
    for name in ("ticket", "opened", "conversation"):
        table.add_column(name, no_wrap=True)
    for name in ("queue", "priority", "subject", "status"):
        table.add_column(name)
    for t in tickets:
        cells = (t.id, t.created_at[:16], t.conversation_id, t.route, t.priority, t.subject[:50])
        table.add_row(*(Text(str(c)) for c in cells), t.status)
    console.print(table if tickets else "no open tickets")
