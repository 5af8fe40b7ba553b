"""Fixtures for the knowledge tests: a fake embedder, the real model loaded once.

The no-network guard is project-wide, in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from knowledge.embeddings import LocalMiniLM
from knowledge.store import VectorStore


class FakeEmbedder:
    """Hashed bag of words: deterministic, and texts that share words are close."""

    def __init__(self, name: str = "fake-bow", dim: int = 64, max_tokens: int | None = 400) -> None:
        self.name, self.dim, self.max_tokens = name, dim, max_tokens
        self.calls: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self.vector(text) for text in texts]

    def vector(self, text: str) -> list[float]:
        values = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            values[int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        values[0] += 0.01  # never the zero vector
        norm = math.sqrt(sum(v * v for v in values))
        return [v / norm for v in values]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def make_embedder() -> type[FakeEmbedder]:
    """FakeEmbedder itself, for tests that need one with another name or size."""
    return FakeEmbedder


@pytest.fixture
def store(tmp_path: Path, fake_embedder: FakeEmbedder) -> VectorStore:
    return VectorStore(fake_embedder, path=tmp_path / "chroma")


@pytest.fixture(scope="session")
def minilm() -> LocalMiniLM:
    """The real model, loaded once for the whole session."""
    return LocalMiniLM()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """write('sub/a.md', text-or-bytes) -> the file's path under tmp_path/kb."""

    def _write(relative: str, content: str | bytes) -> Path:
        path = tmp_path / "kb" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    (tmp_path / "kb").mkdir()
    return _write
