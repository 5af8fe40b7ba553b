"""Handoff metrics: events recorded as they happen, and the report computed from them.

Record with :class:`EventLog` (one namespace per UTC day in the records store);
read with :func:`handoff_report` (the ``escalate report`` numbers) and
:func:`rate_by_period` (one topic's handoff rate over time).
"""

from __future__ import annotations

from agent.metrics.curves import PeriodRate, rate_by_period
from agent.metrics.events import (
    AgentMessage,
    BotAnswered,
    CommerceOutcome,
    ConversationStarted,
    Event,
    EventType,
    Handoff,
    PickedUp,
    Resolved,
    ShopperMessageWithHuman,
)
from agent.metrics.log import EventLog
from agent.metrics.report import HandoffReport, SentimentShift, compute_report, handoff_report
from agent.metrics.stats import Rate, Spread

__all__ = [
    "AgentMessage",
    "BotAnswered",
    "CommerceOutcome",
    "ConversationStarted",
    "Event",
    "EventLog",
    "EventType",
    "Handoff",
    "HandoffReport",
    "PeriodRate",
    "PickedUp",
    "Rate",
    "Resolved",
    "SentimentShift",
    "ShopperMessageWithHuman",
    "Spread",
    "compute_report",
    "handoff_report",
    "rate_by_period",
]
