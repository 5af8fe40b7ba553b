"""Named KB sources: how a document id carries the folder it came from.

A store can hold several folders side by side. Each is ingested as a named
source, and its documents' ids are ``<source>:<path in the folder>``
(``help-centre:faq/returns.md``), so two folders with the same relative paths
never overwrite each other. Documents ingested before sources existed keep
their bare path as id (``faq/returns.md``); :func:`doc_path` reads both.
"""

from __future__ import annotations

import re
from pathlib import Path

from agent.errors import KnowledgeError

__all__ = ["default_source", "doc_path", "qualified", "source_of", "valid_source"]

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SEPARATOR = ":"


def valid_source(name: str) -> str:
    """``name`` if it can name a source (lower-case letters, digits, . _ -; at most 64)."""
    if not _NAME.fullmatch(name):
        raise KnowledgeError(
            f"source name {name!r} must be 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def default_source(root: Path) -> str:
    """The folder's own name, made valid: ``My Help Centre`` -> ``my-help-centre``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", root.resolve().name.lower()).strip("-._")[:64]
    return slug or "kb"


def qualified(source: str, path: str) -> str:
    """The id of the document at ``path`` (POSIX, relative to the folder) in ``source``."""
    return f"{source}{_SEPARATOR}{path}"


def source_of(doc_id: str) -> str | None:
    """The source part of a document id, or None for an id from before sources."""
    head, sep, _ = doc_id.partition(_SEPARATOR)
    return head if sep and _NAME.fullmatch(head) else None


def doc_path(doc_id: str) -> str:
    """The document's path inside its folder: what a shopper and an eval case name."""
    source = source_of(doc_id)
    return doc_id[len(source) + 1 :] if source is not None else doc_id
