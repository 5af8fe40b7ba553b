"""Every error this project raises on purpose.

    EscalationError
     ├── ConfigError          a settings file or value is wrong (names the key)
     ├── InputError           a caller gave us something unusable
     ├── KnowledgeError       reading, chunking or embedding the knowledge base
     │    └── VectorStoreError     Chroma failed (translated at knowledge/store.py)
     ├── LLMError             the OpenAI-compatible endpoint failed (agent/llm.py)
     │    └── LLMOutputError       it answered, but not in the shape we asked for
     └── ConversationError    an action does not fit the conversation's state

Lower-layer exceptions (openai, chromadb, sqlite) are translated at the one
module that talks to that library, with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConversationError",
    "EscalationError",
    "InputError",
    "KnowledgeError",
    "LLMError",
    "LLMOutputError",
    "VectorStoreError",
]


class EscalationError(Exception):
    """The root of the project's own errors."""


class ConfigError(EscalationError):
    """A settings file or value is invalid; the message names the key."""


class InputError(EscalationError):
    """A caller passed something we cannot use."""


class KnowledgeError(EscalationError):
    """The knowledge base could not be read, chunked or embedded."""


class VectorStoreError(KnowledgeError):
    """The vector store (Chroma) failed."""


class LLMError(EscalationError):
    """The OpenAI-compatible endpoint failed (network, status, timeout)."""


class LLMOutputError(LLMError):
    """The model answered, but its output did not match the requested schema."""


class ConversationError(EscalationError):
    """An action does not fit the conversation's current state."""
