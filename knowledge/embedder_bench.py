"""Measure LocalMiniLM against Chroma's stock ONNXMiniLM_L6_V2 on the same model files, offline.

Chroma's class looks for six files in ``DOWNLOAD_PATH/onnx`` and downloads an
archive only when one is missing; it reads just model.onnx and tokenizer.json.
We fill a temporary folder with our own files (model and tokenizer verified
by sha256, the four small files generated), so it never downloads.

    python -m knowledge.embedder_bench [KB_FOLDER] [REPEATS]
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.embeddings import LocalMiniLM
from knowledge.model_files import verified_model, verified_tokenizer
from knowledge.store import stock_chroma_embedder

__all__ = ["compare_with_chroma", "prepare_chroma_folder"]

_BERT_CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_act": "gelu",
    "hidden_size": 384,
    "intermediate_size": 1536,
    "num_attention_heads": 12,
    "num_hidden_layers": 6,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "vocab_size": 30522,
    "pad_token_id": 0,
    "layer_norm_eps": 1e-12,
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
}
_SPECIAL = {
    "unk_token": "[UNK]",
    "sep_token": "[SEP]",
    "pad_token": "[PAD]",
    "cls_token": "[CLS]",
    "mask_token": "[MASK]",
}
_QUERY = "where is my order?"


def prepare_chroma_folder(download_path: Path) -> Path:
    """Fill ``download_path/onnx`` with the six files ONNXMiniLM_L6_V2 checks for."""
    onnx = download_path / "onnx"
    onnx.mkdir(parents=True, exist_ok=True)
    try:
        (onnx / "model.onnx").symlink_to(verified_model())
    except OSError:  # no symlinks here (some filesystems, Windows): copy the 23 MB
        shutil.copyfile(verified_model(), onnx / "model.onnx")
    tokenizer = json.loads(verified_tokenizer().read_text(encoding="utf-8"))
    (onnx / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    vocab = sorted(tokenizer["model"]["vocab"].items(), key=lambda item: item[1])
    (onnx / "vocab.txt").write_text("".join(f"{token}\n" for token, _ in vocab), encoding="utf-8")
    (onnx / "config.json").write_text(json.dumps(_BERT_CONFIG, indent=1), encoding="utf-8")
    (onnx / "special_tokens_map.json").write_text(json.dumps(_SPECIAL, indent=1), encoding="utf-8")
    config = {
        **_SPECIAL,
        "do_lower_case": True,
        "model_max_length": 512,
        "tokenizer_class": "BertTokenizer",
    }
    (onnx / "tokenizer_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return onnx


def compare_with_chroma(texts: list[str], repeats: int) -> dict[str, Any]:
    """Short-query latency (median ms), bulk throughput (texts/s) and mean cosine, both embedders."""
    if not texts or repeats < 1:
        raise ValueError("compare_with_chroma needs some texts and repeats >= 1")
    ours = LocalMiniLM()
    with tempfile.TemporaryDirectory(prefix="chroma-onnx-") as folder:
        prepare_chroma_folder(Path(folder))
        stock = stock_chroma_embedder(Path(folder))
        stock([_QUERY]), ours.embed([_QUERY])  # load both models before timing
        # in blocks A B B A, so that a busy neighbour slows both alike (call by call would let
        # one session's spinning ONNX threads slow the other's next call); bulk: best of two
        chroma_query, ours_query = _median_ms(
            [lambda: stock([_QUERY]), lambda: ours.embed([_QUERY])], repeats
        )
        chroma_seconds, chroma_vectors = _timed(lambda: stock(texts))
        ours_seconds, ours_vectors = _timed(lambda: ours.embed(texts))
        ours_seconds = min(ours_seconds, _timed(lambda: ours.embed(texts))[0])
        chroma_seconds = min(chroma_seconds, _timed(lambda: stock(texts))[0])
    cosines = np.sum(np.asarray(chroma_vectors) * np.asarray(ours_vectors), axis=1)
    return {
        "texts": len(texts),
        "repeats": repeats,
        "query_ms_chroma": round(chroma_query, 2),
        "query_ms_ours": round(ours_query, 2),
        "bulk_texts_per_s_chroma": round(len(texts) / chroma_seconds, 1),
        "bulk_texts_per_s_ours": round(len(texts) / ours_seconds, 1),
        "mean_cosine": float(np.mean(cosines)),
        "min_cosine": float(np.min(cosines)),
    }


def _median_ms(calls: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median milliseconds of each call over ``repeats`` runs, in blocks A B ... B A."""
    times: list[list[float]] = [[] for _ in calls]
    order = list(zip(calls, times, strict=True))
    for block in (order, order[::-1]):
        for call, spent in block:
            for _ in range(max(1, repeats // 2)):
                started = time.perf_counter()
                call()
                spent.append((time.perf_counter() - started) * 1000)
    return [statistics.median(spent) for spent in times]


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main(argv: list[str]) -> None:
    """Bench on a KB folder's chunks (default: short synthetic support questions)."""
    from knowledge.chunking import chunk_document
    from knowledge.documents import load_folder

    texts = [
        f"How do I {verb} order {n}?" for n in range(40) for verb in ("track", "return", "cancel")
    ]
    if argv:
        documents, _ = load_folder(Path(argv[0]))
        texts = [chunk.embed_text for doc in documents for chunk in chunk_document(doc)]
    repeats = int(argv[1]) if len(argv) > 1 else 30
    print(json.dumps(compare_with_chroma(texts, repeats), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
