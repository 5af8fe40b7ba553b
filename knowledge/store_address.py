"""Where a vector store lives and what its collection is called (no Chroma import needed)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from agent.errors import VectorStoreError
from agent.redact import redact_url

__all__ = ["collection_name", "parse_url"]


def collection_name(logical: str, embedder_name: str) -> str:
    """A valid Chroma name ([a-zA-Z0-9._-], 3-512 chars) unique to (logical, embedder)."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{logical}__{embedder_name}")
    slug = re.sub(r"\.{2,}", ".", slug).strip("._-")[:480]
    # Sanitising can map two names to one slug; the hash of the raw pair keeps them apart.
    digest = hashlib.sha256(f"{logical}\0{embedder_name}".encode()).hexdigest()[:10]
    return f"{slug or 'kb'}-{digest}"


def parse_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL; the port defaults by scheme."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VectorStoreError(
            f"Chroma server URL must look like http(s)://host:port, got {redact_url(url)!r}"
        )
    if parts.path not in ("", "/"):
        raise VectorStoreError(f"Chroma server URL must not have a path, got {redact_url(url)!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise VectorStoreError(f"Chroma server URL has a bad port: {redact_url(url)!r}") from exc
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 80), ssl
