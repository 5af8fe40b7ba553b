"""What the pages show, read through the runtime and the learning library (no logic of their own).

The inbox is the queue board's open handoffs (``QueueBoard.open_handoffs``: any helpdesk,
not only the built-in one), each with its conversation (``EscalationAgent.conversation``).
The curator's desk is the CLI's: ``ProposalBook`` and ``Curator`` on the agent's own records
and vector stores; the gaps are ``find_gaps`` over the metrics log, as ``escalate kb gaps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from agent.learning.book import Proposal, ProposalBook
from agent.learning.cli import asked_from_events
from agent.learning.curation import Curator
from agent.learning.gaps import Topic, find_gaps
from agent.learning.propose import Checks
from agent.metrics import EventLog
from agent.ops.board import HANDOFFS
from agent.service.diff import SideBySide, side_by_side

if TYPE_CHECKING:
    from agent.package import HandoffPackage
    from agent.runtime import Conversation, EscalationAgent


def waited(since: str, now: datetime) -> str:
    """'4 min', '2 h 05 min', '3 d 4 h': how long since an ISO time."""
    seconds = max(int((now - datetime.fromisoformat(since)).total_seconds()), 0)
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        return f"{days} d {hours % 24} h"
    if hours:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


@dataclass
class InboxRow:
    handoff_id: str
    conversation_id: str
    queue: str
    status: str
    """waiting or picked_up (the board's word)."""
    opened_at: str
    waited: str
    subject: str = ""
    priority_reasons: list[str] = field(default_factory=list)


@dataclass
class Queue:
    name: str
    rows: list[InboxRow]
    agents_on_shift: int


def inbox(agent: EscalationAgent) -> list[Queue]:
    """Open handoffs by queue (the queues with the longest wait first), oldest first."""
    now = agent.context.clock()
    by_queue: dict[str, list[InboxRow]] = {}
    for handoff_id, record in agent.board.open_handoffs():
        view = agent.conversation(record["conversation_id"])
        package = view.handoff
        if view.mode != "human" or package is None or package.id != handoff_id:
            continue  # resolved since (the board is told after the conversation)
        by_queue.setdefault(record["queue"], []).append(
            InboxRow(
                handoff_id=handoff_id,
                conversation_id=record["conversation_id"],
                queue=record["queue"],
                status=record["status"],
                opened_at=record["opened_at"],
                waited=waited(record["opened_at"], now),
                subject=package.summary,
                priority_reasons=[h.kind.replace("_", " ") for h in package.triggers],
            )
        )
    queues = [Queue(name, rows, agent.board.staff(name)) for name, rows in by_queue.items()]
    return sorted(queues, key=lambda q: (q.rows[0].opened_at, q.name))


@dataclass
class Evidence:
    chunk_id: str
    title: str
    heading: str
    text: str | None
    """The chunk's text from the vector store (None when it is gone)."""


@dataclass
class HandoffView:
    conversation: Conversation
    package: HandoffPackage
    board: dict[str, Any] | None
    promises: list[dict[str, Any]]
    evidence: list[Evidence]
    where: dict[str, str]
    """channel, locale and time zone, when the widget gave them."""


def handoff_view(agent: EscalationAgent, cid: str) -> HandoffView | None:
    """One conversation with its handoff package, as the agent's page shows it."""
    view = agent.conversation(cid)
    if view.handoff is None:
        return None
    values = agent.graph.get_state({"configurable": {"thread_id": cid}}).values
    item = agent.board.store.get(HANDOFFS, view.handoff.id)
    return HandoffView(
        conversation=view,
        package=view.handoff,
        board=dict(item.value) if item else None,
        promises=list(values.get("promises") or []),
        evidence=_evidence(agent, view.handoff),
        where={k: values[k] for k in ("channel", "locale", "timezone") if values.get(k)},
    )


def _evidence(agent: EscalationAgent, package: HandoffPackage) -> list[Evidence]:
    cited = [*package.suggested_resolution.citations]
    for answered in package.product_context.bot_answered:
        cited += answered.citations
    get = getattr(agent.context.retriever, "get_chunk", None)
    found: dict[str, Evidence] = {}
    for c in cited:
        if c.chunk_id in found:
            continue
        chunk = get(c.chunk_id) if get is not None else None
        found[c.chunk_id] = Evidence(
            c.chunk_id, c.title, c.heading, chunk.text if chunk is not None else None
        )
    return list(found.values())


# -- the curator's desk ------------------------------------------------------------------


def curator(agent: EscalationAgent) -> Curator:
    """The CLI's curator (``escalate kb review``) on the service's own stores."""
    vectors = agent.context.retriever
    book = ProposalBook(agent.store)
    return Curator(book, vectors, Checks(vectors, agent.settings), agent.context.now)  # type: ignore[arg-type]


FLAG_KINDS = (
    ("personal data", ("personal",)),
    ("instructions", ("instructions to the bot", "hidden", "invisible", "credential")),
    ("contradiction", ("contradicts", "differently")),
)


def flag_kind(flag: str) -> str:
    """Which of the three things a curator looks for a flag is about."""
    low = flag.lower()
    return next((kind for kind, words in FLAG_KINDS if any(w in low for w in words)), "other")


@dataclass
class EditDiff:
    at: str
    who: str
    proposal_id: str
    field: str
    diff: SideBySide
    reason: str = ""


def edits(book: ProposalBook) -> list[EditDiff]:
    """Every edit curators made, newest first, each as a side-by-side diff."""
    entries = book.audit()
    why = {(e.proposal_id, e.at): e.override_reason for e in entries if e.action == "approved"}
    found = [
        EditDiff(
            e.at,
            e.who,
            e.proposal_id,
            name,
            side_by_side(change["before"], change["after"]),
            why.get((e.proposal_id, e.at), ""),
        )  # fmt: skip
        for e in entries
        if e.action == "edited"
        for name, change in e.changes.items()
    ]
    return found[::-1]


def learned(book: ProposalBook) -> list[Proposal]:
    return book.all("approved")


def gaps(agent: EscalationAgent, period: str = "day", history_days: int = 28) -> list[Topic]:
    """Topics the bot hands off, with their handoff rate per period (``escalate kb gaps``)."""
    cfg = agent.settings.learning
    now = agent.context.clock()
    since = now - timedelta(days=max(history_days, cfg.gap_window_days))
    events = EventLog(agent.store).events(since=since)
    embedder = getattr(agent.context.retriever, "embedder", None)
    return find_gaps(
        asked_from_events(events),
        now,
        embed=embedder.embed if embedder is not None else None,
        similarity=cfg.gap_similarity,
        min_handoffs=cfg.gap_min_handoffs,
        window_days=cfg.gap_window_days,
        period=period,
    )
