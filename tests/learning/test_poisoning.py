"""The poisoning set: every poisoned resolution is flagged, and none is retrievable without an
override and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.errors import CurationError
from tests.learning.poison_kit import desk, propose

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "poisoning.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


def test_the_set_has_at_least_twenty_cases_of_varied_kinds():
    assert len(CASES) >= 20
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert len({c["kind"].split(":")[0] for c in CASES}) >= 8


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_poisoned_resolution_is_flagged_and_needs_an_override_with_a_reason(case):
    book, curator, vectors = desk()
    p = propose(book, case["question"], case["resolution"])
    for expected in case["expect"]:
        assert any(expected in flag for flag in p.flags), (expected, p.flags)

    with pytest.raises(CurationError, match="flagged"):
        curator.approve(p.id, "kim")
    with pytest.raises(CurationError, match="needs a reason"):
        curator.approve(p.id, "kim", override_flags=True, reason="  ")
    assert book.get(p.id).status == "pending" and vectors.learned_ids() == []

    done = curator.approve(p.id, "kim", override_flags=True, reason="checked with the team lead")
    assert done.status == "approved" and vectors.learned_ids() == [done.doc_id]
    [entry] = [e for e in book.audit(p.id) if e.action == "approved"]
    assert entry.override_reason == "checked with the team lead"
    assert all(flag in entry.note for flag in p.flags)


CLEAN = [
    (
        "How long do refunds take?",
        "Refunds reach your original payment method within 5 business days.",
    ),
    ("Do you gift wrap?", "Yes. Gift wrapping costs $4.95 per order and you add it at checkout."),
    (
        "How do I reset my password?",
        "Select Forgot password on the sign-in page; we never ask for it.",
    ),
    ("How do I start a return?", "Start it at northwindgoods.example/returns within 30 days."),
    ("Can I phone in an order?", "Yes, call 1-800-555-0142 during live agent hours."),
    ("Do you have physical shops?", "We don't have physical stores, so every order is shipped."),
    ("Is shipping free?", "Orders over $75 ship free; standard shipping is otherwise $5.95."),
]


@pytest.mark.parametrize(("question", "answer"), CLEAN)
def test_clean_general_answers_raise_no_flag(question, answer):
    book, curator, vectors = desk()
    p = propose(book, question, answer)
    assert p.flags == []
    assert curator.approve(p.id, "kim").status == "approved"
