"""How replies and handoffs look on a terminal (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.package import HandoffPackage
from agent.reply import BotReply


def reply_panel(reply: BotReply) -> Panel:
    """A shopper-eye view of one reply."""
    body = Text(
        "\n\n".join(reply.messages) or "(the bot stays silent: a person owns this conversation)"
    )
    if reply.confidence is not None:
        body.append(f"\n\ngrounding confidence {reply.confidence:.2f}", style="dim")
    if reply.notes:
        body.append(f"\ninput: {'; '.join(reply.notes)}", style="yellow")
    if reply.actions:
        body.append(
            f"\n[ {' | '.join(a.replace('_', ' ').title() for a in reply.actions)} ]", style="cyan"
        )
    style = {"answer": "green", "handoff": "magenta", "error": "red"}.get(reply.kind, "blue")
    return Panel(body, title=f"bot · {reply.kind}", title_align="left", border_style=style)


def handoff_panel(p: HandoffPackage) -> Panel:
    """What the human agent receives."""
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row(
        "handoff",
        f"{escape(p.id)} → queue [bold]{escape(p.route)}[/] ({escape(p.team)}), "
        f"{'live' if p.agents_online else 'offline ticket'}",
    )
    facts.add_row("intent", Text(p.intent))
    facts.add_row("sentiment", f"{p.sentiment.label} ({p.sentiment.compound:+.2f})")
    facts.add_row(
        "triggers",
        Text(
            "\n".join(
                f"{h.kind}: {h.reason}" + (f" — “{h.evidence[:120]}”" if h.evidence else "")
                for h in p.triggers
            )
        ),
    )
    facts.add_row("summary", Text(p.summary))
    cites = ", ".join(c.chunk_id for c in p.suggested_resolution.citations) or "none"
    facts.add_row(
        "suggested", f"{escape(p.suggested_resolution.text)}\n[dim]citations: {escape(cites)}[/]"
    )
    facts.add_row("opening line", Text(p.opening_line))
    missing = p.missing_elements()
    facts.add_row(
        "complete",
        "all seven context elements" if not missing else f"missing: {', '.join(missing)}",
    )
    block = Panel(
        Text(p.context_block), title="agent screen", title_align="left", border_style="dim"
    )
    return Panel(
        Group(facts, block),
        title="handoff package (for the human agent)",
        title_align="left",
        border_style="magenta",
    )


def show_reply(console: Console, reply: BotReply) -> None:
    console.print(reply_panel(reply))
    if reply.handoff is not None:
        console.print(handoff_panel(reply.handoff))
