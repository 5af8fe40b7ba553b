"""The demo: ingest the sample store, play its conversations, show every answer and handoff."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from agent.ingest_cli import ingest_with_progress
from agent.knowledge_base import make_embedder, open_store
from agent.render import show_reply
from agent.runtime import EscalationAgent
from agent.settings import Settings
from evals.schema import Case, read_cases
from knowledge.store import VectorStore

SAMPLE_SET = Path(__file__).resolve().parent.parent / "evals" / "sets" / "sample-store"
DEMO_SOURCE = "sample-store"
"""The demo's source: a store's own folders ingested beside it are left alone."""


def play(agent: EscalationAgent, case: Case, console: Console) -> list[str]:
    """Feed a case's turns until a handoff, printing each exchange; returns a summary row."""
    cid = f"demo-{case.id}"
    title = f"[bold]{escape(case.id)}[/] · {case.vertical} · {escape(case.notes or '')}"
    console.print(Rule(title, align="left"))
    for n, text in enumerate(case.turns, 1):
        console.print(f"[bold cyan]shopper ({n})[/] {escape(text)}")
        reply = agent.send(
            cid,
            text,
            customer=case.customer,
            agents_online=case.agents_online,
            vertical=case.vertical,
        )
        show_reply(console, reply)
        if reply.kind == "handoff" and reply.handoff is not None:
            agent.board.closed(reply.handoff.id)  # demo shoppers don't queue behind each other
            kinds = ", ".join(dict.fromkeys(h.kind for h in reply.handoff.triggers))
            return [case.id, f"handoff at turn {n}", kinds, reply.handoff.route, _expected(case)]
    return [case.id, f"answered {len(case.turns)} turn(s)", "", "", _expected(case)]


def _expected(case: Case) -> str:
    e = case.expect
    if e.decision == "answer":
        return "answer"
    return f"handoff by turn {e.escalate_at_turn} ({e.trigger or 'any'}, {e.route or 'any'})"


def run_demo(
    settings: Settings,
    set_dir: Path = SAMPLE_SET,
    only: list[str] | None = None,
    console: Console | None = None,
) -> int:
    """Returns the number of conversations played."""
    console = console or Console()
    embedder = make_embedder(settings)
    store = open_store(settings, embedder)
    report = ingest_with_progress(
        set_dir / "kb", store, embedder, settings, console, source=DEMO_SOURCE, prune=True
    )
    console.print(
        f"knowledge base: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, {report.chunks_written} chunks written"
    )
    # Fresh conversations each run, so the demo always shows the same story.
    conversations = settings.data_dir / "demo-conversations"
    shutil.rmtree(conversations, ignore_errors=True)
    demo_settings = settings.model_copy(update={"data_dir": conversations})
    agent = EscalationAgent(demo_settings, retriever=store)
    cases, problems = read_cases(set_dir / "demo.jsonl")
    for problem in problems:
        console.print(f"[yellow]skipped[/] {escape(str(problem))}")
    chosen = [c for c in cases if not only or c.id in only]
    table = Table(
        "conversation",
        "what happened",
        "triggers",
        "queue",
        "the sample expects",
        title="demo summary",
    )
    for case in chosen:
        table.add_row(*(Text(cell) for cell in play(agent, case, console)))
    console.print(table)
    learned = [c for c in chosen if c.agent_resolution and c.expect.trigger == "low_confidence"]
    if learned:
        close_the_loop(agent, store, learned[0], console)
    mode = (
        "offline extractive backend (answers quote the KB)"
        if agent.context.llm.extractive
        else agent.context.llm.name
    )
    console.print(Rule(f"{len(chosen)} conversations played with the {mode}"))
    return len(chosen)


def close_the_loop(
    agent: EscalationAgent, store: VectorStore, case: Case, console: Console
) -> None:
    """A person answers what the KB could not; a curator approves; the next shopper is answered."""
    from agent.learning.book import ProposalBook
    from agent.learning.cli import proposal_panel
    from agent.learning.curation import Curator
    from agent.learning.propose import Checks

    console.print(Rule("[bold]the loop closes[/]: a person's answer, a curator, the next shopper"))
    cid = f"demo-{case.id}"
    view = agent.resolve(cid, case.agent_resolution or "", agent="Priya (support)")
    console.print(
        f"[bold magenta]agent Priya resolves {escape(cid)}[/]: {escape(case.agent_resolution or '')}"
    )
    book = ProposalBook(agent.store)
    proposal = book.get(str((view.resolution or {}).get("proposal", "")))
    if proposal is None:
        console.print(f"no proposal: {escape(str((view.resolution or {}).get('proposal')))}")
        return
    console.print(proposal_panel(proposal))
    curator = Curator(book, store, Checks(store, agent.settings), agent.context.now)
    if proposal.flags:
        console.print("flagged: the curator would edit or reject it; the demo stops here")
        return
    curator.approve(proposal.id, "Kim (curator)")
    console.print("[bold]curator Kim approves it[/]; it is retrieved from now on")
    question = case.turns[0]
    console.print(f"[bold cyan]a new shopper[/] {escape(question)}")
    show_reply(console, agent.send(f"{cid}-again", question, vertical=case.vertical))
