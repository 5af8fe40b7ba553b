"""Hand-back end to end: what a person said and promised stays true after the bot takes over.

The sample KB says refunds take "5 business days"; Sam promised "within 2 days". The
shopper who asks about their refund afterwards hears Sam's words, not the KB's policy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.errors import ConversationError, InputError
from agent.helpdesk.local_inbox import LocalInbox
from agent.promises import find_promises
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever

DANA = {
    "name": "Dana Reyes",
    "email": "dana@example.com",
    "orders": [{"id": "NW-10482", "status": "delivered", "total": 129.0, "currency": "USD"}],
}
SAM_SAYS = "I've issued a full refund to your card; you'll see it within 2 days."
TORN = "My order NW-10482 arrived torn, I want to talk to a person."


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.load(data_dir=tmp_path / "data", store_name="Northwind")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def agent(settings, clock):
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)
    yield agent
    agent.close()


def refunded_by_sam(agent: EscalationAgent, clock: Clock, cid: str = "c1") -> str:
    """Handoff, Sam's promise, the resolution; returns the handoff id."""
    reply = agent.send(cid, TORN, customer=DANA)
    assert reply.kind == "handoff", reply
    clock.advance(minutes=1)
    agent.picked_up(cid, agent="Sam")
    agent.agent_message(cid, SAM_SAYS, agent="Sam")
    clock.advance(minutes=2)
    view = agent.resolve(cid, "Refunded NW-10482 in full.", agent="Sam")
    assert view.mode == "bot"
    clock.advance(hours=3)
    return reply.handoff.id


def test_the_bot_quotes_what_the_person_promised_instead_of_the_kb(agent, clock):
    refunded_by_sam(agent, clock)
    reply = agent.send("c1", "When will my refund arrive?", customer=DANA)
    [text] = reply.messages
    assert SAM_SAYS in text and "Sam" in text
    assert "5 business days" not in text  # the KB's general policy never contradicts Sam
    assert reply.citations == []
    # nothing new is promised: outside Sam's quoted words the bot commits to nothing
    own_words = text.replace(SAM_SAYS, "")
    assert find_promises(own_words, "bot", clock().isoformat()) == []
    assert "talk_to_person" in reply.actions
    assert agent.conversation("c1").transcript[-1].text == text


def test_the_quote_reads_as_one_sentence(agent, clock):
    refunded_by_sam(agent, clock)
    [text] = agent.send("c1", "Where's my refund?", customer=DANA).messages
    assert "”." not in text and ".." not in text


def test_a_question_about_something_not_promised_goes_through_retrieval(agent, clock):
    refunded_by_sam(agent, clock)
    reply = agent.send("c1", "How many days do I have to return unworn items?", customer=DANA)
    assert reply.kind == "answer"
    assert [c.chunk_id for c in reply.citations] == ["policies/returns.md#0"]
    assert SAM_SAYS not in reply.messages[0]


def test_a_promise_in_the_resolution_itself_is_kept_too(agent, clock):
    agent.send("c2", TORN, customer=DANA)
    agent.resolve("c2", "We'll send you a replacement tee tomorrow by express.", agent="Kim")
    reply = agent.send("c2", "Where is my replacement?", customer=DANA)
    assert "Kim" in reply.messages[0]
    assert "We'll send you a replacement tee tomorrow by express." in reply.messages[0]


def test_the_latest_word_on_a_promise_is_the_one_quoted(agent, clock):
    agent.send("c3", TORN, customer=DANA)
    agent.agent_message("c3", "I'll refund you once the parcel is back with us.", agent="Sam")
    clock.advance(minutes=5)
    agent.agent_message("c3", "Good news: I've refunded you today, no need to wait.", agent="Sam")
    agent.resolve("c3", "Done.", agent="Sam")
    [text] = agent.send("c3", "Did the refund go through?", customer=DANA).messages
    assert "I've refunded you today" in text
    assert "once the parcel is back" not in text


def test_promises_survive_a_restart(settings, clock):
    first = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)
    refunded_by_sam(first, clock)
    first.close()
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock) as again:
        reply = again.send("c1", "When will my refund arrive?", customer=DANA)
        assert SAM_SAYS in reply.messages[0]


def test_agent_lines_are_kept_in_the_transcript_and_the_bot_stays_silent(agent, clock):
    agent.send("c4", TORN, customer=DANA)
    agent.agent_message("c4", SAM_SAYS, agent="Sam")
    quiet = agent.send("c4", "thanks! when exactly?", customer=DANA)
    assert quiet.kind == "with_human" and quiet.messages == []
    roles = [(t.role, t.text) for t in agent.conversation("c4").transcript[-2:]]
    assert roles == [("agent", SAM_SAYS), ("shopper", "thanks! when exactly?")]


def test_an_agent_message_needs_a_conversation_with_a_person(agent, clock):
    answered = agent.send("c5", "How many days do I have to return unworn items?")
    assert answered.kind == "answer"
    with pytest.raises(ConversationError):
        agent.agent_message("c5", "Hello from Sam", agent="Sam")
    with pytest.raises(ConversationError):
        agent.agent_message("never-seen", "Hello from Sam", agent="Sam")
    refunded_by_sam(agent, clock, "c6")  # resolved: back with the bot
    with pytest.raises(ConversationError):
        agent.agent_message("c6", "One more thing", agent="Sam")
    agent.send("c7", TORN, customer=DANA)
    with pytest.raises(InputError):
        agent.agent_message("c7", "   ", agent="Sam")


def test_a_later_handoff_gets_a_new_id_and_its_own_outbox_item(agent, clock):
    first = refunded_by_sam(agent, clock)
    again = agent.send("c1", "The refund isn't showing, I want to talk to a person.", customer=DANA)
    assert again.kind == "handoff"
    second = again.handoff.id
    assert second != first
    assert agent.outbox.get(first).status == "delivered"
    assert agent.outbox.get(second).status == "delivered"
    assert [t.id for t in LocalInbox(agent.store).tickets()] == [first, second]
    # the person who takes it over sees what Sam said the first time
    assert any(t.text == SAM_SAYS for t in again.handoff.transcript)
    agent.picked_up("c1", agent="Kim")
    agent.agent_message("c1", "Checking with the bank now.", agent="Kim")
    assert agent.resolve("c1", "The bank confirms it.", agent="Kim").resolution["handoff_id"] == (
        second
    )
