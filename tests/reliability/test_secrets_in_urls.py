"""Credentials in an endpoint's URL never reach a log, the database, a ticket or an error."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agent.errors import LLMError
from agent.llm import OpenAIBackend
from agent.redact import redact_text, redact_url
from agent.runtime import EscalationAgent
from agent.settings import LLMSettings, Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever, ScriptedLLM

SECRET = "s3cret"
LEAKY = f"http://user:{SECRET}@127.0.0.1:9/v1"  # nothing listens on port 9 (discard)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:s3cret@host:8000/v1", "http://user:***@host:8000/v1"),
        ("https://s3cret@host/v1", "https://***@host/v1"),
        ("https://host/v1?api_key=s3cret&model=x", "https://host/v1?api_key=***&model=x"),
        ("https://host/v1?key=s3cret", "https://host/v1?key=***"),
        ("https://host/hook?token=s3cret#top", "https://host/hook?token=***#top"),
        ("https://host/v1?Access_Token=s3cret", "https://host/v1?Access_Token=***"),
        ("https://host:8000/v1", "https://host:8000/v1"),
    ],
)
def test_a_url_keeps_where_it_points_and_loses_its_secrets(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_urls_inside_text_are_redacted() -> None:
    text = f"cannot reach {LEAKY}/chat (and https://h/x?token={SECRET}): refused"
    assert SECRET not in redact_text(text)
    assert "127.0.0.1:9/v1/chat" in redact_text(text)


def test_an_unreachable_endpoint_with_credentials_leaks_them_nowhere(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    llm = {"base_url": LEAKY, "turn_deadline_s": 2, "max_retries": 1}
    settings = Settings.load(data_dir=tmp_path, llm=llm, embedding={"backend": "openai"})
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    reply = agent.send("c1", "How many days do I have to return unworn items?")
    assert reply.kind == "handoff" and reply.handoff is not None
    evidence = " ".join(t.evidence for t in reply.handoff.triggers)
    assert "127.0.0.1:9" in evidence  # the ticket still says which endpoint failed
    with pytest.raises(LLMError) as error:
        OpenAIBackend(LLMSettings(base_url=LEAKY, max_retries=0)).draft_answer("q", [], [])
    assert SECRET not in str(error.value)
    assert SECRET not in reply.handoff.model_dump_json()
    assert SECRET not in agent.conversation("c1").model_dump_json()
    agent.close()
    assert all(SECRET not in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    files = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert any(f.name == "conversations.sqlite" for f in files)  # checkpoints, outbox, events
    for written in files:
        assert SECRET.encode() not in written.read_bytes(), written


class _Leaky(ScriptedLLM):
    """A model wrapper with a bug whose message quotes its endpoint, credentials and all."""

    def draft_answer(self, question, chunks, history, language="en"):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"bug while calling {LEAKY}/chat/completions")


def test_a_failed_turns_traceback_is_logged_without_the_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    agent = EscalationAgent(
        Settings.load(data_dir=tmp_path), retriever=LexicalRetriever(SAMPLE_KB), llm=_Leaky([])
    )
    reply = agent.send("c1", "How many days do I have to return unworn items?")
    assert reply.kind == "handoff"  # rescued: the ticket says the turn failed
    assert "turn failed for conversation c1" in caplog.text
    assert "RuntimeError: bug while calling http://user:***@127.0.0.1:9/v1" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET not in reply.handoff.model_dump_json()  # type: ignore[union-attr]
