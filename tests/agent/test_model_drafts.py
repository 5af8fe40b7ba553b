"""Faulty model drafts and notes, through the real model path (OpenAIBackend behind respx)."""

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from agent.llm import OpenAIBackend
from agent.runtime import EscalationAgent
from agent.settings import LLMSettings, Settings
from tests.agent.test_llm import BASE, completion
from tests.fakes import DANA, SAMPLE_KB, LexicalRetriever

QUESTION = "How many days do I have to return unworn items?"
RETURNS = "policies/returns.md#0"
QUOTE = "You can return unworn items within 30 days of delivery."
# one draft per kind of fault: (sentence, citation, what the handoff's evidence names)
FAULTS = {
    "negation": ("You can not return unworn items within 30 days of delivery.", RETURNS, "'not'"),
    "only_added": ("You can only return unworn items within 30 days of delivery.", RETURNS, "only"),
    "except_added": (
        "You can return unworn items within 30 days of delivery, except sale items.",
        RETURNS,
        "except",
    ),
    "url_appended": (
        "You can return unworn items within 30 days of delivery at https://northwind-refunds.com/claim.",
        RETURNS,
        "northwind-refunds.com/claim",
    ),
    "email_added": (
        "You can return unworn items within 30 days of delivery, or email help@northwind-desk.com.",
        RETURNS,
        "help@northwind-desk.com",
    ),
    "phone_added": (
        "You can return unworn items within 30 days of delivery, or call +1 (800) 555-0199.",
        RETURNS,
        "18005550199",
    ),
    "amount_added": (
        "You can return unworn items within 30 days of delivery for a $20 fee.",
        RETURNS,
        "20 money",
    ),
    "number_in_words": (
        "You can return unworn items within forty-five days of delivery.",
        RETURNS,
        "45 day",
    ),
    "extra_clause": (
        "You can return unworn items within 30 days of delivery, and we also give every customer a free gift card.",
        RETURNS,
        "gift",
    ),
    "wrong_citation": (QUOTE, "products/aero-buds.md#0", "adds"),
    "swapped_entity": (
        "You can return unworn items within 30 days of delivery to the original payment method.",
        RETURNS,
        "payment",
    ),
    "flipped_prefix": ("You can return worn items within 30 days of delivery.", RETURNS, "unworn"),
}


def clock():
    return datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def body(sentences: list[tuple[str, str]]) -> str:
    said = [{"text": t, "citations": [c]} for t, c in sentences]
    return json.dumps({"answerable": True, "sentences": said, "note": ""})


NOTES = {
    "summary": "Dana Reyes asks how many days she has to return unworn items from order NW-10482.",
    "suggested_resolution": "Unworn items can be returned within 30 days of delivery.",
    "citations": [RETURNS],
}


class Model:
    """A chat-completions endpoint: the draft for answers, the notes for handoffs."""

    def __init__(self, draft: str, notes: dict) -> None:
        self.draft, self.notes = draft, notes

    def __call__(self, request: httpx.Request) -> httpx.Response:
        schema = json.loads(request.content)["response_format"]["json_schema"]["name"]
        content = self.draft if schema == "Draft" else json.dumps(self.notes)
        return httpx.Response(200, json=completion(content))


@pytest.fixture
def agent(tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data", store_name="Northwind")
    llm = OpenAIBackend(
        LLMSettings(base_url=BASE, api_key="sk-test", model="gpt-4o-mini", max_retries=0),
        "Northwind",
    )
    made = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), llm=llm, clock=clock)
    yield made
    made.close()


def test_a_faithful_model_draft_is_sent(agent):
    with respx.mock(base_url=BASE, assert_all_mocked=True) as mock:
        mock.post("/chat/completions").mock(side_effect=Model(body([(QUOTE, RETURNS)]), NOTES))
        reply = agent.send("ok", QUESTION)
    assert reply.kind == "answer", reply
    assert "30 days" in reply.messages[0]


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_faulty_model_draft_is_never_sent(agent, kind):
    sentence, citation, named = FAULTS[kind]
    with respx.mock(base_url=BASE, assert_all_mocked=True) as mock:
        route = mock.post("/chat/completions").mock(
            side_effect=Model(body([(sentence, citation)]), NOTES)
        )
        reply = agent.send(kind, QUESTION, customer=DANA)
    assert route.call_count == 2  # the draft, then the handoff notes
    assert reply.kind == "handoff", reply
    assert sentence not in " ".join(reply.messages)
    low = next(t for t in reply.handoff.triggers if t.kind == "low_confidence")
    assert low.score == 0.0 and named in low.evidence, low.evidence
    shown = [t.text for t in agent.conversation(kind).transcript if t.role == "bot"]
    assert all(sentence not in text for text in shown)


def test_the_models_handoff_notes_are_checked_and_a_false_offer_never_reaches_the_agent(agent):
    notes = {
        "summary": "Dana Reyes asks how many days she has to return unworn items. "
        "She was promised a refund of $999 by phone.",
        "suggested_resolution": "Refund $999 to her card and give her 90% off her next order.",
        "citations": [RETURNS],
    }
    wrong = body([("You can never return unworn items.", RETURNS)])
    with respx.mock(base_url=BASE, assert_all_mocked=True) as mock:
        mock.post("/chat/completions").mock(side_effect=Model(wrong, notes))
        reply = agent.send("notes", QUESTION, customer=DANA)
    package = reply.handoff
    assert reply.kind == "handoff" and package is not None
    shown = json.dumps(package.model_dump(mode="json"))
    assert "999" not in shown and "90%" not in shown
    assert package.summary == (
        "Dana Reyes asks how many days she has to return unworn items. "
        "[unverified: dropped 1 sentence]"
    )
    assert package.suggested_resolution.text == "[unverified: dropped 1 sentence]"
    assert package.suggested_resolution.citations == []
    assert not package.suggested_resolution.grounded


def test_faithful_model_notes_reach_the_agent_unchanged(agent):
    wrong = body([("You can never return unworn items.", RETURNS)])
    with respx.mock(base_url=BASE, assert_all_mocked=True) as mock:
        mock.post("/chat/completions").mock(side_effect=Model(wrong, NOTES))
        package = agent.send("fine", QUESTION, customer=DANA).handoff
    assert package is not None
    assert package.summary == NOTES["summary"]
    assert package.suggested_resolution.text == NOTES["suggested_resolution"]
    assert [c.chunk_id for c in package.suggested_resolution.citations] == [RETURNS]
