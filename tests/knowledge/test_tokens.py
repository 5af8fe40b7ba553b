"""cl100k_base is built from the ranks file kept in the package, after its hash check."""

from __future__ import annotations

import shutil

import pytest

from agent.errors import KnowledgeError
from knowledge import model_files, tokens


@pytest.fixture
def fresh_cache():
    tokens.cl100k.cache_clear()
    yield
    tokens.cl100k.cache_clear()


def test_uses_the_packaged_encoding(fresh_cache):
    encoding = tokens.cl100k()
    assert encoding.name == "cl100k_base"
    assert encoding.n_vocab == 100277
    assert tokens.cl100k() is encoding  # cached


def test_counts_match_cl100k():
    assert tokens.count_tokens("hello world") == 2
    assert tokens.count_tokens("") == 0
    # Text that looks like a special token is counted as text, not refused.
    assert tokens.count_tokens("<|endoftext|>") > 1
    assert tokens.cl100k().encode("<|endoftext|>", allowed_special="all") == [100257]


def test_a_wrong_pinned_hash_is_a_knowledge_error_naming_the_file(fresh_cache, monkeypatch):
    monkeypatch.setattr(model_files, "ENCODING_SHA256", "0" * 64)
    with pytest.raises(KnowledgeError, match=r"cl100k_base\.tiktoken has sha256 .* expected 0000"):
        tokens.cl100k()


def test_a_tampered_encoding_file_is_refused(fresh_cache, monkeypatch, tmp_path):
    copy = tmp_path / "cl100k_base.tiktoken"
    shutil.copy(model_files.encoding_file(), copy)
    lines = copy.read_bytes().splitlines(keepends=True)
    lines[0], lines[1] = lines[1], lines[0]  # two ranks swapped: same size, other tokens
    copy.write_bytes(b"".join(lines))
    monkeypatch.setattr(model_files, "encoding_file", lambda: copy)
    with pytest.raises(KnowledgeError, match=f"encoding file {copy} has sha256"):
        tokens.count_tokens("hello")


def test_a_missing_encoding_file_is_a_clear_error(fresh_cache, monkeypatch, tmp_path):
    monkeypatch.setattr(model_files, "encoding_file", lambda: tmp_path / "cl100k_base.tiktoken")
    with pytest.raises(KnowledgeError, match="cl100k_base encoding file is missing"):
        tokens.count_tokens("hello")


def test_a_malformed_file_with_the_pinned_hash_is_a_knowledge_error(
    fresh_cache, monkeypatch, tmp_path
):
    bad = tmp_path / "cl100k_base.tiktoken"
    bad.write_bytes(b"not-base64! 0\n")
    monkeypatch.setattr(model_files, "encoding_file", lambda: bad)
    monkeypatch.setattr(
        model_files, "ENCODING_SHA256", model_files._sha256(bad, 14, bad.stat().st_mtime_ns)
    )
    with pytest.raises(KnowledgeError, match="cannot read the cl100k_base encoding"):
        tokens.count_tokens("hello")
