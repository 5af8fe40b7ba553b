"""A handoff that happens anyway is labelled by its nearest examples: route and reasons only.

The vote's label limits (agent/triggers/leaning.py) never decide whether the bot answers
or hands off; they choose the queue of a handoff the gate caused, and name the account
action a person must take.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.intents import classify_intent
from agent.questions import split_questions
from agent.routing import route
from agent.runtime import EscalationAgent
from agent.settings import Settings
from agent.triggers.banks import builtin_banks
from agent.triggers.leaning import leaning
from agent.triggers.nearest import index_for, thresholds_for
from knowledge.embeddings import LocalMiniLM
from tests.fakes import SAMPLE_KB, LexicalRetriever


class EmbeddingRetriever(LexicalRetriever):
    """The lexical fake, plus the shipped embedder's query vectors (as the vector store has)."""

    def __init__(self, embedder: LocalMiniLM) -> None:
        super().__init__(SAMPLE_KB)
        self.embedder = embedder

    def query_vectors(self, queries: list[str]) -> list[list[float]]:
        return self.embedder.embed(queries)


@pytest.fixture(scope="module")
def minilm() -> LocalMiniLM:
    return LocalMiniLM()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("data")


def make_agent(data_dir, retriever) -> EscalationAgent:
    settings = Settings.load(data_dir=data_dir, store_name="Northwind")
    return EscalationAgent(
        settings, retriever=retriever, clock=lambda: datetime(2026, 11, 21, 15, tzinfo=UTC)
    )


def _lean(minilm: LocalMiniLM, data_dir, text: str):
    limits = thresholds_for(minilm.name)
    assert limits is not None and limits.label, "the shipped embedder has calibrated labels"
    index = index_for(builtin_banks(), minilm, data_dir / "cache")
    vectors = minilm.embed(split_questions(text) or [text])
    verdicts = [index.classify(v, limits.k) for v in vectors]
    return verdicts, leaning(verdicts, limits)


@pytest.mark.parametrize(
    "text",
    [
        "my promo code won't apply at checkout",
        "please stop my monthly coffee plan, I'm not drinking it anymore",
        "Je n'arrive plus à me connecter à mon compte depuis hier",
        "the quasar telemetry on flux line seven reads forty two",
    ],
)
def test_a_low_confidence_handoff_goes_where_its_label_says(minilm, data_dir, text):
    labelled_agent = make_agent(data_dir, EmbeddingRetriever(minilm))
    plain_agent = make_agent(data_dir, LexicalRetriever(SAMPLE_KB))  # no vote: keywords only
    reply = labelled_agent.send("c-" + text[:10], text)
    plain = plain_agent.send("p-" + text[:10], text)
    assert reply.kind == plain.kind == "handoff", (reply, plain)
    assert reply.handoff is not None and plain.handoff is not None
    kinds = [h.kind for h in reply.handoff.triggers]
    assert "low_confidence" in kinds
    verdicts, verdict = _lean(minilm, data_dir, text)
    assert not any(v.fires(thresholds_for(minilm.name)) for v in verdicts)  # type: ignore[arg-type]
    if verdict is None:  # no example near enough: the keyword route and reasons stand
        assert reply.handoff.intent == classify_intent(text) == plain.handoff.intent
        assert reply.handoff.route == plain.handoff.route
        assert kinds == [h.kind for h in plain.handoff.triggers]
        return
    # the route comes from the winning intent
    assert reply.handoff.intent == verdict.bank.intent
    hits, topics = reply.handoff.triggers, labelled_agent.conversation("c-" + text[:10])
    assert reply.handoff.route == route(hits, verdict.bank.intent, [], False)
    # an escalating bank's trigger joins the reasons, ahead of low_confidence
    if verdict.bank.trigger == "account_action":
        assert kinds.index("account_action") < kinds.index("low_confidence")
        assert "labels the handoff" in hits[kinds.index("account_action")].reason
    else:
        assert "account_action" not in kinds
    assert topics is not None


def test_the_coffee_plan_is_labelled_an_account_action(minilm, data_dir):
    """A subscription the keywords miss ("plan") leans to the subscription examples."""
    text = "please stop my monthly coffee plan, I'm not drinking it anymore"
    _, verdict = _lean(minilm, data_dir, text)
    assert verdict is not None and verdict.bank.trigger == "account_action"


def test_a_message_far_from_every_example_keeps_the_keyword_route(minilm, data_dir):
    _, verdict = _lean(minilm, data_dir, "the quasar telemetry on flux line seven reads forty two")
    assert verdict is None
