"""`escalate kb review`, `kb learned` and `kb gaps`: the curator's desk.

Each command opens the configured records store and vector store, makes one
library call per decision, and prints. Interactive when run in a terminal with
no decision flags; scriptable with flags (and ``--json``) otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from agent.errors import CurationError
from agent.learning.book import Proposal
from agent.learning.desk import Desk, asked_from_events, gap_topics, make_desk
from agent.learning.desk import approve as approve_proposal
from agent.settings import Settings

__all__ = ["Desk", "asked_from_events", "gaps", "learned", "open_desk", "review"]


def default_curator() -> str:
    return os.environ.get("ESCALATE_CURATOR") or os.environ.get("USER") or "curator"


@contextmanager
def open_desk(settings: Settings) -> Iterator[Desk]:
    """The records store and the vector store, opened for one command and closed after."""
    from agent.knowledge_base import open_store
    from agent.storage import open_storage

    storage = open_storage(settings)
    try:
        yield make_desk(settings, storage.store, open_store(settings))
    finally:
        storage.close()


def proposal_panel(p: Proposal) -> Panel:
    src = p.sources[0]
    e = escape
    lines = [
        f"[bold]Q:[/] {e(p.question)}",
        *(f"   also asked: {e(q)}" for q in p.questions[1:4]),
        f"[bold]A:[/] {e(p.answer)}",
        "",
        e(f"from conversation {src.conversation_id} · agent {src.agent} · {src.at}"),
        e(
            f"handed off for {', '.join(src.triggers) or '?'} → {src.route or '?'} · "
            f"intent {p.intent}"
            + (f" · {len(p.sources)} conversations" if len(p.sources) > 1 else "")
        ),
        e(f"KB chunks the bot had: {', '.join(src.kb_chunks) or 'none'}"),
    ]
    if p.redactions:
        lines.append(
            "removed: " + ", ".join(f"{n} {kind}" for kind, n in sorted(p.redactions.items()))
        )
    lines += [f"[red]⚑ {e(flag)}[/]" for flag in p.flags]
    return Panel("\n".join(lines), title=e(f"{p.id} ({p.status})"), expand=False)


def review(
    desk: Desk,
    console: Console,
    *,
    approve: str | None,
    reject: str | None,
    reason: str | None,
    answer: str | None,
    question: str | None,
    override_flags: bool,
    curator: str,
    as_json: bool,
    interactive: bool,
) -> int:
    """One decision from flags, a walk through the queue in a terminal, or the pending list."""
    if approve:
        p = approve_proposal(
            desk,
            approve,
            curator,
            answer=answer,
            question=question,
            override_flags=override_flags,
            reason=reason,
        )
        console.print(f"approved {p.id}: it is retrieved from now on")
        return 0
    desk.curator.sync(curator)
    if reject:
        p = desk.curator.reject(reject, curator, reason or "")
        console.print(f"rejected {p.id}: {escape(p.reason or '')}")
        return 0
    pending = desk.book.all("pending")
    if as_json:
        console.print_json(json.dumps([p.model_dump(mode="json") for p in pending]))
        return 0
    if not pending:
        console.print("nothing to review")
        return 0
    if not interactive:
        table = Table("id", "question", "answer", "from", "flags")
        for p in pending:
            table.add_row(
                escape(p.id),
                escape(p.question[:60]),
                escape(p.answer[:60]),
                escape(f"{p.sources[0].agent} ({len(p.sources)})"),
                str(len(p.flags)) if p.flags else "",
            )
        console.print(table)
        console.print(
            f"{len(pending)} pending; decide with --approve ID or --reject ID --reason ..."
        )
        return 0
    return _walk(desk, console, pending, curator)


def _walk(desk: Desk, console: Console, pending: list[Proposal], curator: str) -> int:
    for n, p in enumerate(pending, 1):
        console.print(f"\n[bold]{n}/{len(pending)}[/]")
        console.print(proposal_panel(p))
        while True:
            choice = (
                typer.prompt(
                    "[a]pprove, [e]dit then approve, [r]eject, [s]kip, [q]uit", default="s"
                )
                .strip()
                .lower()[:1]
            )
            try:
                if choice == "a":
                    override = bool(p.flags) and typer.confirm("It is flagged. Approve anyway?")
                    why = typer.prompt("why (recorded in the audit log)") if override else None
                    desk.curator.approve(p.id, curator, override_flags=override, reason=why)
                    console.print("[green]approved[/]")
                elif choice == "e":
                    new_answer = typer.prompt("answer", default=p.answer)
                    new_question = typer.prompt("question", default=p.question)
                    desk.curator.approve(p.id, curator, answer=new_answer, question=new_question)
                    console.print("[green]edited and approved[/]")
                elif choice == "r":
                    why = typer.prompt("reason")
                    desk.curator.reject(p.id, curator, why)
                    console.print("rejected")
                elif choice == "q":
                    return 0
                break
            except CurationError as exc:
                console.print(f"[red]{escape(str(exc))}[/]")
                if choice == "a":
                    break
    return 0


def learned(
    desk: Desk,
    console: Console,
    *,
    revoke: str | None,
    reason: str | None,
    sync: bool,
    audit: bool,
    curator: str,
    as_json: bool,
) -> int:
    """Approved answers with their provenance; revoke one; repair the vector store; the audit log."""
    if revoke:
        p = desk.curator.revoke(revoke, curator, reason or "")
        console.print(f"revoked {p.id}: no longer retrieved")
        return 0
    if sync:
        report = desk.curator.sync(curator)
        console.print(
            f"vector store in step: wrote {len(report.written)}, removed {len(report.removed)}, "
            f"completed {len(report.completed)} interrupted approval(s)"
        )
        return 0
    if audit:
        entries = desk.book.audit()
        if as_json:
            console.print_json(json.dumps([e.model_dump(mode="json") for e in entries]))
            return 0
        table = Table("when", "who", "what", "proposal", "note / changes")
        for e in entries:
            changed = "; ".join(
                f"{k}: {v['before'][:30]!r} → {v['after'][:30]!r}" for k, v in e.changes.items()
            )
            note = changed or e.note[:80]
            if e.override_reason:
                note += f" · why: {e.override_reason[:60]}"
            table.add_row(*(escape(x) for x in (e.at, e.who, e.action, e.proposal_id, note)))
        console.print(table)
        return 0
    approved = desk.book.all("approved")
    if as_json:
        console.print_json(
            json.dumps(
                [{**p.model_dump(mode="json"), "provenance": p.provenance()} for p in approved]
            )
        )
        return 0
    table = Table("id", "question", "answer", "provenance")
    for p in approved:
        table.add_row(*(escape(x) for x in (p.id, p.question[:50], p.answer[:60], p.provenance())))
    console.print(table if approved else "no approved learned answers yet")
    return 0


def gaps(
    settings: Settings,
    console: Console,
    *,
    days: int | None,
    min_handoffs: int | None,
    history_days: int,
    period: str,
    as_json: bool,
) -> int:
    """Flagged topics first: example questions, counts, and the handoff rate per period."""
    from agent.knowledge_base import make_embedder
    from agent.storage import open_storage

    storage = open_storage(settings)
    try:
        topics, window, threshold = gap_topics(
            settings,
            storage.store,
            make_embedder(settings).embed,
            days=days,
            min_handoffs=min_handoffs,
            history_days=history_days,
            period=period,
        )
    finally:
        storage.close()
    if as_json:
        console.print_json(json.dumps([asdict(t) for t in topics]))
        return 0
    if not topics:
        console.print("no handoffs recorded in that time")
        return 0
    table = Table(
        "",
        "topic (a typical question)",
        "intent",
        f"handoffs, {window} d",
        "all",
        "handoff rate by " + period,
    )
    for t in topics:
        curve = " ".join(
            f"{p.start[5:]}:{'–' if p.rate is None else f'{p.rate:.0%}'}" for p in t.periods[-6:]
        )
        table.add_row(
            "[red]GAP[/]" if t.flagged else "",
            escape(
                t.label[:60] + "".join(f"\n  · {q[:56]}" for q in t.examples if q != t.label)[:200]
            ),
            escape(t.intent),
            str(t.handoffs_in_window),
            str(t.handoffs),
            curve,
        )
    console.print(table)
    flagged = sum(t.flagged for t in topics)
    console.print(
        f"{flagged} topic(s) handed off at least {threshold} times in "
        f"{window} days; answer them in the KB, or approve a learned answer with `escalate kb review`"
    )
    return 0
