"""The escalation agent: answer from the knowledge base, or hand off with everything a person needs.

The public surface is below; everything else may change. Imports are lazy so
that ``import agent`` loads no model, client or database.
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import Any

__all__ = [
    "BotReply",
    "ConfigError",
    "Conversation",
    "ConversationError",
    "CurationError",
    "Customer",
    "DeliveryError",
    "EscalationAgent",
    "EscalationError",
    "HandoffPackage",
    "InputError",
    "KnowledgeError",
    "LLMError",
    "Settings",
    "StorageError",
    "__version__",
]

_HOME = {
    "BotReply": "agent.reply",
    "Conversation": "agent.runtime",
    "Customer": "agent.state",
    "EscalationAgent": "agent.runtime",
    "HandoffPackage": "agent.package",
    "Settings": "agent.settings",
    "ConfigError": "agent.errors",
    "ConversationError": "agent.errors",
    "EscalationError": "agent.errors",
    "InputError": "agent.errors",
    "KnowledgeError": "agent.errors",
    "LLMError": "agent.errors",
    "CurationError": "agent.errors",
    "DeliveryError": "agent.errors",
    "StorageError": "agent.errors",
}


def _version() -> str:
    """The installed distribution's version; ``0+unknown`` when run from a bare source tree."""
    try:
        return metadata.version("escalation-agent")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read from the installed metadata when first asked for
        return _version()
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
