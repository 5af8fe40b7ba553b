"""Knowledge gaps: grouping by meaning and intent, the trailing window, the rate over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.learning.gaps import Asked, find_gaps
from knowledge.embeddings import LocalMiniLM

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def embed():
    return LocalMiniLM().embed


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


ENGRAVING = [  # pairwise cosine 0.74 or more with MiniLM
    "Do you do engraving on products?",
    "Do you offer personal engraving?",
    "Is engraving available as a gift option?",
    "Do you offer engraving on your products?",
    "Can I get engraving on products I buy?",
]


def gaps(asked, embed, **kw):
    options = {"similarity": 0.6, "min_handoffs": 5, "window_days": 7} | kw
    return find_gaps(asked, NOW, embed=embed, **options)


def test_a_topic_handed_off_five_times_in_a_week_is_flagged(embed):
    asked = [Asked(days_ago(i), q, "other", True) for i, q in enumerate(ENGRAVING)]
    asked.append(Asked(days_ago(1), "Where is my order NW-1?", "order_status", True))
    topics = gaps(asked, embed)
    top = topics[0]
    assert top.flagged and top.handoffs_in_window == 5 and top.intent == "other"
    assert top.label in ENGRAVING and len(top.examples) == 3
    assert [t.flagged for t in topics[1:]] == [False]


def test_older_handoffs_do_not_count_towards_the_window(embed):
    asked = [Asked(days_ago(3 * i), q, "other", True) for i, q in enumerate(ENGRAVING)]
    [topic] = gaps(asked, embed)
    assert topic.handoffs == 5 and topic.handoffs_in_window == 3 and not topic.flagged
    [again] = gaps(asked, embed, window_days=14)
    assert again.flagged


def test_the_same_words_with_another_intent_are_another_topic(embed):
    asked = [Asked(NOW, q, "other", True) for q in ENGRAVING[:3]]
    asked += [Asked(NOW, q, "returns", True) for q in ENGRAVING[3:]]
    assert sorted(t.handoffs for t in gaps(asked, embed)) == [2, 3]


def test_the_rate_falls_after_an_answer_is_approved(embed):
    """Handed off every time, then answered most of the time: the curve a curator watches."""
    asked = [Asked(days_ago(3), q, "other", True) for q in ENGRAVING[:3]]
    asked += [Asked(days_ago(1), ENGRAVING[3], "other", True)]
    asked += [Asked(days_ago(1), q, "other", False) for q in ENGRAVING[:3]]
    [topic] = gaps(asked, embed)
    rates = [(p.start, p.rate) for p in topic.periods]
    assert rates == [
        (days_ago(3).date().isoformat(), 1.0),
        (days_ago(1).date().isoformat(), 0.25),
    ]
    assert topic.answered == 3


def test_without_an_embedder_words_group_the_questions():
    asked = [Asked(NOW, "do you engrave products", "other", True)] * 5
    [topic] = gaps(asked, None)
    assert topic.flagged and topic.handoffs == 5


def test_nothing_asked_is_no_topic(embed):
    assert gaps([], embed) == []
