"""The learning curve on a small set: handoffs fall for learnable topics, never for sensitive ones."""

from __future__ import annotations

import json

import pytest

from agent.settings import Settings
from evals.learning import learning_curve
from evals.runner import load_set, set_settings, set_store

KB = """# Returns

You can return unworn items within 30 days of delivery. Refunds reach your card within
5 business days of the return arriving.
"""

CASES = [
    {
        "id": "engrave-1",
        "turns": ["Can you engrave a name on a gift?"],
        "topic": "engraving",
        "agent_resolution": "We don't offer engraving on any product at the moment.",
        "expect": {"decision": "escalate", "trigger": "low_confidence"},
    },
    {
        "id": "engrave-2",
        "turns": ["Do you offer engraving on products?"],
        "topic": "engraving",
        "agent_resolution": "We don't offer engraving on any product at the moment.",
        "expect": {"decision": "escalate", "trigger": "low_confidence"},
    },
    {
        "id": "careers-1",
        "turns": ["Are you hiring? How do I apply for a job?"],
        "topic": "careers",
        "agent_resolution": "Our open roles are on the careers page linked at the bottom of the site.",
        "expect": {"decision": "escalate", "trigger": "low_confidence"},
    },
    {
        "id": "lawyer-1",
        "turns": ["My lawyer says I can sue you over this refund. What do you say?"],
        "topic": "legal",
        "agent_resolution": "Refunds reach your card within 5 business days of the return arriving.",
        "expect": {"decision": "escalate", "trigger": "sensitive"},
    },
    {
        "id": "returns-1",
        "turns": ["How long do I have to return unworn items?"],
        "topic": "returns",
        "expect": {"decision": "answer", "answer_must_contain": ["30 days"]},
    },
]


@pytest.fixture
def small_set(tmp_path):
    folder = tmp_path / "small"
    (folder / "kb").mkdir(parents=True)
    (folder / "kb" / "returns.md").write_text(KB, encoding="utf-8")
    (folder / "cases.jsonl").write_text(
        "\n".join(json.dumps(c) for c in CASES) + "\n", encoding="utf-8"
    )
    return folder


def test_the_learning_curve_goes_down_and_sensitive_cases_stay_with_people(small_set, tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data")
    curve = learning_curve(small_set, settings)
    rates = {t.topic: (t.rate_before, t.rate_after) for t in curve.topics}
    assert rates["engraving"] == (1.0, 0.0)
    assert rates["careers"] == (1.0, 0.0)
    assert rates["legal"] == (1.0, 1.0)  # learned, approved, and still a person's job
    assert rates["returns"] == (0.0, 0.0)
    assert curve.regressions == [] and curve.still_with_people == 1
    assert curve.hallucinated_after == []
    # returns-1 quotes the KB; engraving and careers now quote what people answered
    assert curve.answered_after == 4 and curve.learned_answers_cited == 3
    assert curve.resolutions == 4
    assert curve.proposals == 3  # the two engraving answers merged into one
    before, after = curve.overall()
    assert before is not None and after is not None and after < before

    # the learned answers went into a copy: the set's cached store is untouched
    cached, _ = set_store(load_set(small_set), set_settings(settings, load_set(small_set)))
    assert cached.learned_ids() == []


def test_a_replay_set_is_played_after_learning(small_set, tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "cases.jsonl").write_text(
        json.dumps(
            {
                "id": "engrave-p",
                "turns": ["Is engraving available on your products?"],
                "topic": "engraving",
                "expect": {"decision": "escalate"},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    (small_set / "set.toml").write_text('replay = "../replay"\n', encoding="utf-8")
    curve = learning_curve(small_set, Settings.load(data_dir=tmp_path / "data"))
    assert curve.replayed == "replay"
    [engraving] = [t for t in curve.topics if t.topic == "engraving"]
    assert (engraving.cases_before, engraving.cases_after) == (2, 1)
    assert engraving.rate_after == 0.0


def test_answers_after_learning_are_checked_for_hallucinations():
    from evals.learning import _answers
    from evals.records import CaseRecord
    from tests.evals.helpers import answer, case

    grounded = CaseRecord(case=case(id="ok"), set_name="s", turns=[answer(1)])
    invented = CaseRecord(
        case=case(id="bad"),
        set_name="s",
        turns=[answer(1, text="You can return unworn items within 90 days of delivery.")],
    )
    found = _answers([grounded, invented])
    assert found["answered_after"] == 2 and found["hallucinated_after"] == ["bad"]
