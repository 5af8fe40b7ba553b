"""Shopper, agent and KB text is shown as typed: `[card]` stays visible, `[/bold]` never crashes."""

from __future__ import annotations

from rich.console import Console

from agent.learning.cli import Desk, learned, proposal_panel, review
from tests.learning.poison_kit import desk, propose, settings

QUESTION = "Why does my [/bold] receipt say [card]?"
ANSWER = "Receipts show [card] instead of the number, and [address] for the street [/bold]."


def shown(*renderables) -> str:
    console = Console(record=True, width=300, color_system=None)
    for r in renderables:
        console.print(r)
    return console.export_text()


def test_the_review_table_the_panel_and_the_audit_keep_brackets_as_text():
    book, curator, _ = desk()
    p = propose(book, QUESTION, ANSWER)
    the_desk = Desk(settings(), book, curator)
    console = Console(record=True, width=300, color_system=None)
    kwargs = dict(approve=None, reject=None, reason=None, answer=None, question=None)
    review(
        the_desk,
        console,
        **kwargs,
        override_flags=False,
        curator="kim",
        as_json=False,
        interactive=False,
    )
    table = console.export_text()
    assert "[/bold]" in table and "[card]" in table

    panel = shown(proposal_panel(p))
    assert "[card]" in panel and "[address]" in panel and "[/bold]" in panel

    curator.reject(p.id, "kim", "not general [/bold] [card]")
    console = Console(record=True, width=300, color_system=None)
    learned(
        the_desk,
        console,
        revoke=None,
        reason=None,
        sync=False,
        audit=True,
        curator="kim",
        as_json=False,
    )
    assert "not general [/bold] [card]" in console.export_text()
