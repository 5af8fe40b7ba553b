"""The curator's desk: what `escalate kb review / learned / gaps` and the service's
``/v1/curator`` routes share (one implementation; the CLI prints it, the API returns it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from langgraph.store.base import BaseStore

from agent.context import Retriever, utc_now
from agent.learning.book import Proposal, ProposalBook
from agent.learning.curation import Curator, LearnedVectors
from agent.learning.gaps import Asked, Embed, Topic, find_gaps
from agent.learning.noise import counts_as_gap
from agent.learning.propose import Checks
from agent.settings import Settings


class KnowledgeVectors(LearnedVectors, Retriever, Protocol):
    """The vector store: searched by the checks, written by approvals."""


@dataclass
class Desk:
    settings: Settings
    book: ProposalBook
    curator: Curator


def now_text() -> str:
    return utc_now().isoformat(timespec="seconds")


def make_desk(settings: Settings, store: BaseStore, vectors: KnowledgeVectors) -> Desk:
    """The proposals in ``store`` and the learned answers in ``vectors``."""
    book = ProposalBook(store)
    checks = Checks(vectors, settings)
    return Desk(settings, book, Curator(book, vectors, checks, now_text))


def approve(
    desk: Desk,
    proposal_id: str,
    curator: str,
    *,
    answer: str | None = None,
    question: str | None = None,
    override_flags: bool = False,
    reason: str | None = None,
) -> Proposal:
    """Approve as is, or edited (``answer``/``question``; ``reason`` is then kept as the
    edit's note too); finishes any interrupted approval first."""
    desk.curator.sync(curator)
    return desk.curator.approve(
        proposal_id,
        curator,
        answer=answer,
        question=question,
        override_flags=override_flags,
        reason=reason,
        edit_note=reason or "",
    )


def asked_from_events(events: list) -> list[Asked]:
    """Handed-off and answered questions, from the metrics log's events."""
    asked = []
    for e in events:
        if e.type == "handoff":
            asked += [
                Asked(e.at, q, e.intent, True) for q in e.questions if counts_as_gap(e.triggers, q)
            ]
        elif e.type == "bot_answered":
            asked.append(Asked(e.at, e.question, e.intent, False))
    return asked


def gap_topics(
    settings: Settings,
    store: BaseStore,
    embed: Embed | None,
    *,
    days: int | None = None,
    min_handoffs: int | None = None,
    history_days: int = 56,
    period: str = "day",
    clock: Callable[[], datetime] = utc_now,
) -> tuple[list[Topic], int, int]:
    """Topics handed off again and again; returns them with the window and threshold used."""
    from agent.metrics import EventLog

    cfg = settings.learning
    window = days or cfg.gap_window_days
    threshold = min_handoffs or cfg.gap_min_handoffs
    now = clock()
    events = EventLog(store).events(since=now - timedelta(days=max(history_days, window)))
    topics = find_gaps(
        asked_from_events(events),
        now,
        embed=embed,
        similarity=cfg.gap_similarity,
        min_handoffs=threshold,
        window_days=window,
        period=period,
    )
    return topics, window, threshold
