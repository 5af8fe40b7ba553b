"""Every error this project raises on purpose.

    EscalationError
     ├── ConfigError          a settings file or value is wrong (names the key)
     ├── InputError           a caller gave us something unusable
     ├── KnowledgeError       reading, chunking or embedding the knowledge base
     │    └── VectorStoreError     Chroma failed (translated at knowledge/store.py)
     ├── LLMError             the OpenAI-compatible endpoint failed (agent/llm.py)
     │    └── LLMOutputError       it answered, but not in the shape we asked for
     ├── ConversationError    an action does not fit the conversation's state
     ├── StorageError         the conversation database failed (agent/storage*.py)
     ├── DeliveryError        a helpdesk did not take a handoff (agent/helpdesk/)
     │    ├── PermanentDeliveryError   refused (401/403/404/422): kept as failed
     │    └── TransientDeliveryError   down, slow or 429: retried with backoff
     └── CurationError        a learned-answer decision the proposal's state forbids

Lower-layer exceptions (openai, chromadb, sqlite) are translated at the one
module that talks to that library, with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConversationError",
    "CurationError",
    "DeliveryError",
    "EscalationError",
    "InputError",
    "KnowledgeError",
    "LLMError",
    "LLMOutputError",
    "PermanentDeliveryError",
    "StorageError",
    "TransientDeliveryError",
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


class CurationError(EscalationError):
    """A curator's decision does not fit the proposal (unknown, already decided, flagged)."""


class StorageError(EscalationError):
    """The conversation database (SQLite or PostgreSQL) is unreachable or failed;
    the message names the database without its password."""


class DeliveryError(EscalationError):
    """A helpdesk did not take a handoff (agent/helpdesk/); the outbox keeps it."""


class PermanentDeliveryError(DeliveryError):
    """The helpdesk refused the handoff (401/403/404/422...): retrying unchanged will not help."""


class TransientDeliveryError(DeliveryError):
    """The helpdesk is down, slow or rate-limiting (429, 5xx, timeout): try again later."""

    def __init__(
        self, message: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds the helpdesk asked us to wait (Retry-After)
        self.status = status  # the HTTP status, None for a timeout or a connection error

    @property
    def rate_limited(self) -> bool:
        """429: the helpdesk is fine but busy; this does not count as a failed attempt."""
        return self.status == 429
