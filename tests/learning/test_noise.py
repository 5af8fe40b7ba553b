"""Handoffs for the person teach the KB nothing; a note of an action is never an answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.learning.cli import asked_from_events
from agent.learning.noise import (
    asks_for_information,
    counts_as_gap,
    is_action_note,
    states_general_facts,
    teaches_nothing,
)
from agent.metrics.events import Handoff

# How agents close tickets: short, often no subject, often about "her"/"him".
ACTION_NOTES = [
    "Refunded £3.50 shipping as goodwill.",
    "Sent a replacement.",
    "Called her back, sorted.",
    "Issued store credit for the delay.",
    "Replacement sent.",
    "Refund processed today.",
    "Order has been cancelled.",
    "I've cancelled the order and refunded her.",
    "Spoke to the courier, parcel is on its way to her.",
    "Done.",
    "Rang him, apologised, waived the return fee.",
    "Customer was refunded in full.",
    "Gave her a 10% code for next time.",
    "Escalated to the warehouse team.",
    "We've reshipped it with express.",
    "Updated the address and resent the label.",
]
GENERAL = [
    "Yes. Students get 15% off full-price items.",
    "We don't have physical stores, so every order is shipped.",
    "Sold-out colours are usually restocked within 4 to 6 weeks.",
    "Refunds are processed within 5 business days.",
    "Checked baggage can't hold power banks.",
    "They never expire.",
    "Updated size charts are on every product page.",
    "Posted prices include VAT.",
    "Gift wrapping costs $4.95 per order.",
]


@pytest.mark.parametrize("note", ACTION_NOTES)
def test_a_note_of_an_action_is_never_an_answer(note):
    assert is_action_note(note)
    assert not states_general_facts(note)
    why = teaches_nothing(["low_confidence"], "How long do refunds take?", note)
    assert why is not None and "action" in why


@pytest.mark.parametrize("answer", GENERAL)
def test_a_general_statement_is_an_answer(answer):
    assert not is_action_note(answer) and states_general_facts(answer)
    assert teaches_nothing(["low_confidence"], "Do you have a student discount?", answer) is None


@pytest.mark.parametrize(
    "message",
    [
        "Can I talk to a real person",
        "Is there someone I can speak to?",
        "I want to talk to a real person about the student discount.",
        "Where is my order?",
        "Why was I charged twice?",
        "This is ridiculous, nobody has answered me",
        "Can you cancel my order",
        "put me through to a manager please",
    ],
)
def test_requests_for_a_person_or_about_ones_own_account_are_not_information_questions(message):
    assert not asks_for_information(message)


@pytest.mark.parametrize(
    "message",
    [
        "How long do refunds take?",
        "Do you ship to Canada? I need a human.",
        "what's your returns window",
        "Do staff get a discount?",
        "I'd like to know if the sweater shrinks",
    ],
)
def test_information_questions(message):
    assert asks_for_information(message)


@pytest.mark.parametrize("trigger", ["explicit", "sentiment", "account_action", "vip"])
def test_a_handoff_for_the_person_proposes_only_a_general_answer_to_a_question(trigger):
    asked = "Can I talk to a real person"
    assert teaches_nothing([trigger], asked, "Called her back, sorted.") is not None
    assert teaches_nothing([trigger], asked, "Standard shipping takes 5 days.") is not None
    question = "Do you ship to Canada? Let me talk to a person."
    answer = "Yes, we ship to Canada in 7 to 10 business days."
    assert teaches_nothing([trigger], question, answer) is None
    assert teaches_nothing([trigger], question, "Checked her order, it left today.") is not None
    assert (
        teaches_nothing([trigger, "low_confidence"], "Can I talk to a real person", answer) is None
    )


def test_gaps_skip_handoffs_for_the_person_unless_an_information_question():
    at = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)

    def handoff(hid: str, question: str, triggers: list[str]) -> Handoff:
        return Handoff(
            at=at,
            conversation_id=hid,
            handoff_id=hid,
            conversation_started_at=at,
            questions=[question],
            intent="other",
            triggers=triggers,
            route="general",
        )

    events = [
        handoff("h1", "can I talk to a real person", ["explicit"]),
        handoff("h2", "this is useless!!", ["sentiment"]),
        handoff("h3", "cancel my order now", ["account_action"]),
        handoff("h4", "Do you do engraving?", ["vip"]),
        handoff("h5", "Do you do engraving?", ["low_confidence"]),
    ]
    assert [a.question for a in asked_from_events(events)] == ["Do you do engraving?"] * 2
    assert counts_as_gap(["sensitive"], "my face is burning")


def test_asking_for_a_person_then_an_action_note_files_no_proposal_end_to_end(tmp_path):
    from agent.learning.book import ProposalBook
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever

    settings = Settings.load(data_dir=tmp_path, store_name="Northwind")
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        assert agent.send("c1", "can I talk to a real person").kind == "handoff"
        view = agent.resolve("c1", "Called Dana back, sorted her refund.", agent="sam")
        assert not view.resolution["proposal"].startswith("p-")
        assert ProposalBook(agent.store).all() == []
        assert agent.send("c2", "I want a human. Do you ship to Canada?").kind == "handoff"
        view = agent.resolve("c2", "Yes, we ship to Canada in 7 to 10 business days.", agent="sam")
        [proposal] = ProposalBook(agent.store).all("pending")
        assert view.resolution["proposal"] == proposal.id
        assert proposal.sources[0].triggers == ["explicit"]
