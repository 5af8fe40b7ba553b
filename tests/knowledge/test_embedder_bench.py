"""Chroma's stock embedder runs offline on our files and agrees with ours."""

from __future__ import annotations

import json

from knowledge.embedder_bench import compare_with_chroma, prepare_chroma_folder
from knowledge.store import stock_chroma_embedder


def test_prepared_folder_has_every_file_chroma_checks(tmp_path):
    onnx = prepare_chroma_folder(tmp_path)
    expected = {
        "config.json",
        "model.onnx",
        "special_tokens_map.json",
        "tokenizer_config.json",
        "tokenizer.json",
        "vocab.txt",
    }
    assert {p.name for p in onnx.iterdir()} == expected
    vocab = (onnx / "vocab.txt").read_text(encoding="utf-8").splitlines()
    ids = json.loads((onnx / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    assert len(vocab) == len(ids) == 30522
    assert all(vocab[i] == token for token, i in ids.items())
    assert (vocab[0], vocab[101], vocab[102]) == ("[PAD]", "[CLS]", "[SEP]")


def test_stock_embedder_refuses_to_download_into_an_incomplete_folder(tmp_path):
    import pytest

    from agent.errors import VectorStoreError

    with pytest.raises(VectorStoreError, match="tried to download"):
        stock_chroma_embedder(tmp_path)(["hello"])


def test_compare_with_chroma_reports_matching_vectors(tmp_path):
    result = compare_with_chroma(
        ["where is my order", "a longer text about the return window for sweaters"], repeats=2
    )
    assert result["mean_cosine"] > 0.999 and result["min_cosine"] > 0.999
    assert result["query_ms_chroma"] > 0 and result["query_ms_ours"] > 0
    assert result["bulk_texts_per_s_chroma"] > 0 and result["bulk_texts_per_s_ours"] > 0
