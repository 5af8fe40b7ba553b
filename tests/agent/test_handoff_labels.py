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
from tests.fakes import SAMPLE_KB, EmbeddingRetriever, LexicalRetriever


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


def _handoffs(minilm, data_dir, text: str):
    """The handoff with the vote and the one with the keywords only (no embedder)."""
    voted = make_agent(data_dir, EmbeddingRetriever(minilm)).send(f"v-{text}", text)
    plain = make_agent(data_dir, LexicalRetriever(SAMPLE_KB)).send(f"p-{text}", text)
    assert voted.kind == plain.kind == "handoff", (voted, plain)  # the same decision
    assert voted.handoff is not None and plain.handoff is not None
    return voted.handoff, plain.handoff


def test_a_low_confidence_handoff_goes_to_the_queue_of_its_account_action_label(minilm, data_dir):
    text = "unsubscribe me from the premium box"  # no keyword names a subscription or an intent
    _, verdict = _lean(minilm, data_dir, text)
    assert verdict is not None and verdict.label == "subscription_change"
    voted, plain = _handoffs(minilm, data_dir, text)
    assert [h.kind for h in plain.triggers] == ["low_confidence"]
    assert (plain.intent, plain.route) == ("other", "general")
    # the vote was not sure enough to hand off, but it labels the handoff that happens anyway
    assert [h.kind for h in voted.triggers] == ["account_action", "low_confidence"]
    assert "labels the handoff" in voted.triggers[0].reason
    assert (voted.intent, voted.route) == ("account", "orders")
    assert voted.route_rule == "default.account_action"


def test_an_answer_label_names_the_intent_and_adds_no_reason(minilm, data_dir):
    text = "can my parcel go to a locker"
    _, verdict = _lean(minilm, data_dir, text)
    assert verdict is not None and verdict.bank.trigger == "answer"
    voted, plain = _handoffs(minilm, data_dir, text)
    assert [h.kind for h in voted.triggers] == [h.kind for h in plain.triggers]
    assert voted.intent == verdict.bank.intent != plain.intent
    assert voted.route == route(voted.triggers, verdict.bank.intent, [], False)


@pytest.mark.parametrize(
    "text",
    [
        "the quasar telemetry on flux line seven reads forty two",
    ],
)
def test_a_message_with_no_example_near_enough_keeps_the_keyword_route(minilm, data_dir, text):
    _, verdict = _lean(minilm, data_dir, text)
    assert verdict is None
    voted, plain = _handoffs(minilm, data_dir, text)
    assert voted.intent == classify_intent(text) == plain.intent
    assert (voted.route, voted.route_rule) == (plain.route, plain.route_rule)
    assert [h.kind for h in voted.triggers] == [h.kind for h in plain.triggers]


def test_a_vip_handed_off_for_another_reason_carries_the_vip_reason(data_dir):
    text = "the quasar telemetry on flux line seven reads forty two"
    gold = {"name": "Ada Park", "email": "ada@example.com", "tier": "gold"}
    vip = make_agent(data_dir, LexicalRetriever(SAMPLE_KB)).send("vip-1", text, customer=gold)
    plain = make_agent(data_dir, LexicalRetriever(SAMPLE_KB)).send("vip-2", text)
    assert vip.kind == plain.kind == "handoff"  # the same decision, for the same reason
    assert vip.handoff is not None and plain.handoff is not None
    assert [h.kind for h in plain.handoff.triggers] == ["low_confidence"]
    assert [h.kind for h in vip.handoff.triggers] == ["low_confidence", "vip"]
    assert vip.handoff.triggers[1].evidence == "tier gold"
    assert vip.handoff.route == "vip"


def test_no_vip_reason_when_the_store_never_treats_vips_apart(tmp_path):
    settings = Settings.load(data_dir=tmp_path, store_name="Northwind")
    settings = settings.model_copy(
        update={"triggers": settings.triggers.model_copy(update={"vip_policy": "never"})}
    )
    bot = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    reply = bot.send("vip-3", "the quasar telemetry on flux line seven", customer={"tier": "gold"})
    assert reply.handoff is not None
    assert [h.kind for h in reply.handoff.triggers] == ["low_confidence"]


def test_a_promo_code_that_will_not_apply_is_labelled_a_price_problem(minilm, data_dir):
    text = "my promo code won't apply at checkout"  # "code" is no keyword of any intent
    _, verdict = _lean(minilm, data_dir, text)
    assert verdict is not None and verdict.label == "price_adjustment"
    voted, plain = _handoffs(minilm, data_dir, text)
    assert "account_action" not in [h.kind for h in plain.triggers]
    assert [h.kind for h in voted.triggers][0] == "account_action"
    assert voted.intent == verdict.bank.intent
    assert voted.route == route(voted.triggers, verdict.bank.intent, [], False)
