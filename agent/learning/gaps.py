"""Knowledge gaps: topics the bot keeps handing off.

Handed-off questions are grouped by topic: same intent, and embedding cosine
to the topic's centroid at or above a threshold (greedy, in time order, so a
topic's label is stable as new questions arrive). Questions the bot answered
are counted into the topic they are nearest to, so each topic has a handoff
*rate* per day or week, and a curator can watch it fall after approving an
answer. A topic handed off at least ``min_handoffs`` times in the trailing
``window_days`` is flagged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz

Embed = Callable[[list[str]], Sequence[Sequence[float]]]


@dataclass(frozen=True)
class Asked:
    """One question as the metrics log saw it: handed off, or answered by the bot."""

    at: datetime
    question: str
    intent: str
    handed_off: bool


@dataclass
class Period:
    start: str
    handoffs: int
    answered: int

    @property
    def rate(self) -> float | None:
        total = self.handoffs + self.answered
        return self.handoffs / total if total else None


@dataclass
class Topic:
    label: str
    intent: str
    examples: list[str]
    handoffs_in_window: int
    handoffs: int
    answered: int
    flagged: bool
    periods: list[Period] = field(default_factory=list)


@dataclass
class _Cluster:
    intent: str
    members: list[Asked] = field(default_factory=list)
    vectors: list[Sequence[float]] = field(default_factory=list)
    answered: list[Asked] = field(default_factory=list)

    def centroid(self) -> list[float]:
        dims = len(self.vectors[0])
        mean = [sum(v[i] for v in self.vectors) / len(self.vectors) for i in range(dims)]
        norm = math.sqrt(sum(x * x for x in mean)) or 1.0
        return [x / norm for x in mean]


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def _words(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a.lower(), b.lower()) / 100


def find_gaps(
    asked: Sequence[Asked],
    now: datetime,
    *,
    embed: Embed | None,
    similarity: float,
    min_handoffs: int,
    window_days: int,
    period: str = "day",
) -> list[Topic]:
    """Topics of handed-off questions, most handed off in the window first."""
    ordered = sorted(asked, key=lambda a: a.at)
    texts = [a.question for a in ordered]
    vectors: Sequence[Sequence[float]] = embed(texts) if embed and texts else [()] * len(texts)
    clusters: list[_Cluster] = []

    def nearest(a: Asked, v: Sequence[float]) -> tuple[_Cluster | None, float]:
        best, score = None, -1.0
        for c in clusters:
            if c.intent != a.intent:
                continue
            s = _cos(v, c.centroid()) if embed else _words(a.question, c.members[0].question)
            if s > score:
                best, score = c, s
        return best, score

    for a, v in zip(ordered, vectors, strict=True):
        if not a.handed_off:
            continue
        c, score = nearest(a, v)
        if c is None or score < similarity:
            c = _Cluster(intent=a.intent)
            clusters.append(c)
        c.members.append(a)
        c.vectors.append(v)
    for a, v in zip(ordered, vectors, strict=True):
        if a.handed_off:
            continue
        c, score = nearest(a, v)
        if c is not None and score >= similarity:
            c.answered.append(a)

    since = now - timedelta(days=window_days)
    topics = []
    for c in clusters:
        in_window = sum(1 for m in c.members if m.at >= since)
        label = _label(c, embed is not None)
        topics.append(
            Topic(
                label=label,
                intent=c.intent,
                examples=list(dict.fromkeys(m.question for m in reversed(c.members)))[:3],
                handoffs_in_window=in_window,
                handoffs=len(c.members),
                answered=len(c.answered),
                flagged=in_window >= min_handoffs,
                periods=_periods(c, period),
            )
        )
    return sorted(topics, key=lambda t: (-t.handoffs_in_window, -t.handoffs, t.label))


def _label(c: _Cluster, embedded: bool) -> str:
    """The member question nearest the topic's centre (the first one, without vectors)."""
    if not embedded:
        return c.members[0].question
    centre = c.centroid()
    best = max(range(len(c.members)), key=lambda i: _cos(c.vectors[i], centre))
    return c.members[best].question


def _bucket(at: datetime, period: str) -> str:
    day = at.date()
    if period == "week":
        day -= timedelta(days=day.weekday())
    return day.isoformat()


def _periods(c: _Cluster, period: str) -> list[Period]:
    buckets: dict[str, Period] = {}
    for a in c.members:
        buckets.setdefault(_bucket(a.at, period), Period(_bucket(a.at, period), 0, 0)).handoffs += 1
    for a in c.answered:
        buckets.setdefault(_bucket(a.at, period), Period(_bucket(a.at, period), 0, 0)).answered += 1
    return [buckets[k] for k in sorted(buckets)]
