"""Text to unit vectors: all-MiniLM-L6-v2 on ONNX Runtime by default, or an OpenAI-compatible endpoint.

The local model (an installed package) and its tokenizer (kept in
knowledge/vendored/) are pinned by sha256; nothing is downloaded. Chroma's own
ONNXMiniLM_L6_V2 pads every input to 256 word-pieces; sorting by length and
running small batches of neighbours pads next to nothing and is 10x faster or
more on a 2-core CPU, with the same vectors. Batches of 16 rather than one input
at a time: as fast or faster here, and each ONNX run (which releases the GIL)
lasts long enough for ingest's concurrent Chroma write (which holds the GIL for
its whole call) to overlap it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from agent.errors import KnowledgeError
from knowledge.model_files import verified_model, verified_tokenizer
from knowledge.tokens import count_tokens as cl100k_tokens

__all__ = ["Embedder", "LocalMiniLM", "OpenAIEmbedder", "normalised"]

_KEEP_COUNTED = 4096
"""Encodings kept between count_tokens and embed (an ingest batch is 256 chunks)."""


@runtime_checkable
class Embedder(Protocol):
    """What the store and ingest need from an embedding backend."""

    name: str
    """Identifies the vector space: a store keeps one collection per embedder name."""
    dim: int
    max_tokens: int | None
    """The model's window in its own tokens (specials included); longer inputs are cut."""

    def count_tokens(self, text: str) -> int:
        """Length of ``text`` as the model sees it, in the model's tokens."""
        ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One L2-normalised vector per text, in input order."""
        ...


def normalised(vectors: Any) -> list[list[float]]:
    """Rows scaled to unit length (an all-zero row stays zero)."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.maximum(norms, 1e-12)).tolist()


class LocalMiniLM:
    """all-MiniLM-L6-v2 (int8 weights) on ONNX Runtime, loaded on first use."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384
    max_tokens: int | None = 256

    def __init__(self, threads: int = 2, batch_size: int = 16) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, Any, set[str]] | None = None
        self._counted: dict[str, Any] = {}
        """Encodings made by count_tokens, kept for the embed call that usually follows
        (ingest counts every chunk, then embeds it): each text is tokenized once."""

    def count_tokens(self, text: str) -> int:
        """Word-pieces the model would see, [CLS] and [SEP] included, without truncation."""
        encoding = self._load()[1].encode(text)
        if len(encoding.ids) <= (self.max_tokens or 0):  # as the truncating tokenizer makes it
            if len(self._counted) >= _KEEP_COUNTED:
                self._counted.clear()
            self._counted[text] = encoding
        return len(encoding.ids)

    def truncated(self, text: str) -> bool:
        """Whether the model would cut ``text`` (more than 254 word-pieces plus [CLS]/[SEP])."""
        return self.count_tokens(text) > (self.max_tokens or 0)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors in input order; inputs are sorted by length so batches pad little."""
        session, _, tokenizer, inputs = self._load()
        encodings = self._encodings(tokenizer, list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        vectors = np.zeros((len(encodings), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            vectors[batch] = self._run(session, inputs, [encodings[i] for i in batch])
        return normalised(vectors)

    def _encodings(self, tokenizer: Any, texts: list[str]) -> list[Any]:
        """Each text's encoding: the one counting made, or a new one (in one batch)."""
        counted = self._counted
        found = [counted.pop(t, None) for t in texts]  # popped: a cache of one ingest batch
        missing = [i for i, e in enumerate(found) if e is None]
        for i, encoding in zip(
            missing,
            tokenizer.encode_batch([texts[i] for i in missing]) if missing else [],
            strict=True,
        ):
            found[i] = encoding
        return found

    @staticmethod
    def _run(session: Any, inputs: set[str], encodings: list[Any]) -> np.ndarray:
        """Mean-pool last_hidden_state over real tokens, padding only to this batch's longest."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(["last_hidden_state"], {k: v for k, v in feed.items() if k in inputs})[
            0
        ]
        weights = mask[:, :, None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)

    def _load(self) -> tuple[Any, Any, Any, set[str]]:
        """(session, counting tokenizer, truncating tokenizer, input names), built once."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._build()
            return self._loaded

    def _build(self) -> tuple[Any, Any, Any, set[str]]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, vocab = verified_model(), verified_tokenizer()
        counting, truncating = Tokenizer.from_file(str(vocab)), Tokenizer.from_file(str(vocab))
        for tokenizer in (counting, truncating):
            tokenizer.no_padding()  # the JSON pads every input to 128
            tokenizer.no_truncation()
        truncating.enable_truncation(max_length=self.max_tokens or 256)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise KnowledgeError(f"cannot load the embedding model {model}: {exc}") from exc
        return session, counting, truncating, {i.name for i in session.get_inputs()}


class OpenAIEmbedder:
    """An OpenAI-compatible embeddings endpoint, reached through a function the agent supplies."""

    max_tokens: int | None = 8191
    dim: int
    """Vector size: given, or learned from the first embed call (0 until then)."""

    def __init__(
        self, embed_fn: Callable[[list[str]], list[list[float]]], model: str, dim: int | None = None
    ) -> None:
        self._embed_fn = embed_fn
        self.model = model
        self.name = f"openai-{model}"
        # 0 until known. Not a probing property: isinstance(x, Embedder) reads
        # every protocol member, and must not call the endpoint.
        self.dim = dim or 0

    def count_tokens(self, text: str) -> int:
        """cl100k_base tokens, the tokenizer of OpenAI's embedding models."""
        return cl100k_tokens(text)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors in input order; the response's shape is checked."""
        if not texts:
            return []
        try:
            vectors = self._embed_fn(list(texts))
        except KnowledgeError:
            raise
        except Exception as exc:  # the endpoint's own errors: retrieval fails soft on ours
            raise KnowledgeError(f"{self.model}: the embeddings endpoint failed: {exc}") from exc
        if not isinstance(vectors, list) or not all(isinstance(v, list) for v in vectors):
            raise KnowledgeError(f"{self.model}: the embeddings endpoint sent no vectors")
        if len(vectors) != len(texts):
            raise KnowledgeError(
                f"{self.model}: asked for {len(texts)} embeddings, got {len(vectors)}"
            )
        sizes = {len(vector) for vector in vectors}
        if len(sizes) != 1 or 0 in sizes or (self.dim and sizes != {self.dim}):
            expected = self.dim or "one size"
            raise KnowledgeError(
                f"{self.model}: embeddings of size {sorted(sizes)}, expected {expected}"
            )
        self.dim = sizes.pop()
        return normalised(vectors)
