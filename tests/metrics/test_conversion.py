"""Handoff conversion: purchases after a handoff against bot-only conversations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.errors import ConversationError, InputError
from agent.metrics import EventLog, handoff_report
from agent.metrics.conversion import conversion
from agent.metrics.events import BotAnswered, CommerceOutcome, ConversationStarted, Handoff
from agent.metrics.render import report_markdown
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _handoff(cid: str, minutes: float) -> Handoff:
    return Handoff(conversation_id=cid, handoff_id=f"H-{cid}", at=_at(minutes),
                   conversation_started_at=_at(0), intent="returns", route="general")  # fmt: skip


def _buy(cid: str, minutes: float, value: float | None, currency: str = "EUR", order: str = "") -> CommerceOutcome:  # fmt: skip
    return CommerceOutcome(conversation_id=cid, kind="purchase", at=_at(minutes), value=value,
                           currency=currency if value is not None else None, order_id=order or None)  # fmt: skip


def test_the_cohorts_count_what_came_after_the_handoff() -> None:
    events = [
        *(ConversationStarted(conversation_id=c, at=_at(0)) for c in "abcdef"),
        BotAnswered(conversation_id="d", at=_at(1), question="q", intent="i", topic="t"),
        _handoff("a", 5),
        _handoff("b", 5),
        _handoff("c", 5),
        _buy("a", 30, 120.0, order="o1"),
        _buy("a", 40, 30.0, "USD", order="o2"),
        _buy("b", 2, 99.0, order="o3"),  # before its handoff: not the handoff's doing
        _buy("d", 20, 10.5, order="o4"),
        _buy("e", 20, None, order="o5"),  # a purchase whose value was not reported
        CommerceOutcome(conversation_id="c", kind="refund", at=_at(50), value=5, currency="EUR"),
    ]
    found = conversion(sorted(events, key=lambda e: e.at))
    assert found is not None and found.outcomes == 6
    after, bot = found.after_handoff, found.bot_only
    assert (after.converted.count, after.converted.total, after.purchases) == (1, 3, 2)
    assert after.value == {"EUR": 120.0, "USD": 30.0}
    assert (bot.converted.count, bot.converted.total, bot.purchases) == (2, 3, 2)
    assert bot.value == {"EUR": 10.5}
    assert after.converted.value == pytest.approx(1 / 3)


def test_no_outcomes_recorded_is_missing_not_zero() -> None:
    events = [ConversationStarted(conversation_id="a", at=_at(0)), _handoff("a", 1)]
    assert conversion(events) is None


def _agent(tmp_path: Path, now: list[datetime]) -> EscalationAgent:
    return EscalationAgent(Settings(data_dir=tmp_path), retriever=LexicalRetriever(SAMPLE_KB),
                           clock=lambda: now[0], warm_up=False)  # fmt: skip


def test_record_outcome_is_validated_idempotent_and_reported(tmp_path: Path) -> None:
    now = [T0]
    with _agent(tmp_path, now) as agent:
        agent.send("bot-1", "What is your return policy?")
        agent.send("bot-2", "What is your return policy?")
        agent.request_human("human-1")
        agent.request_human("human-2")
        log = EventLog(agent.store)
        report = handoff_report(log, now=_at(60))
        assert report.conversion is None
        assert "missing (no outcomes recorded)" in report_markdown(report)

        now[0] = _at(30)
        assert agent.record_outcome(
            "human-1", "purchase", value=129, currency="eur", order_id="NW-1"
        )
        assert not agent.record_outcome(
            "human-1", "purchase", value=129, currency="EUR", order_id="NW-1"
        )
        assert agent.record_outcome("bot-1", "purchase", value=20, currency="EUR", order_id="NW-2")
        assert agent.record_outcome("human-2", "refund", value=20, currency="EUR", order_id="NW-2")
        report = handoff_report(log, now=_at(60))
        found = report.conversion
        assert found is not None and found.outcomes == 3
        assert (found.after_handoff.converted.count, found.after_handoff.converted.total) == (1, 2)
        assert found.after_handoff.value == {"EUR": 129.0}
        assert (found.bot_only.converted.count, found.bot_only.converted.total) == (1, 2)
        markdown = report_markdown(report)
        assert "| converted after a handoff | 50.0% (1 of 2) |" in markdown
        assert "| purchase value after a handoff | EUR 129.00 (1 purchase(s)) |" in markdown

        bad = [
            ({"kind": "sale"}, "kind must be one of purchase, refund, cancellation, other"),
            ({"kind": "purchase", "value": 10}, "needs its currency"),
            ({"kind": "purchase", "value": -1, "currency": "EUR"}, "value"),
            ({"kind": "purchase", "value": True, "currency": "EUR"}, "must be a number"),
            ({"kind": "purchase", "value": 1, "currency": "euro"}, "currency"),
            ({"kind": "purchase", "at": "2026-03-02T09:00:00"}, "at"),
        ]
        for kwargs, message in bad:
            with pytest.raises(InputError, match=message):
                agent.record_outcome("human-1", **kwargs)  # type: ignore[arg-type]
        with pytest.raises(ConversationError, match="no conversation 'nobody'"):
            agent.record_outcome("nobody", "purchase")
        assert len(log.events("commerce_outcome")) == 3  # nothing bad was kept
