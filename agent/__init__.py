"""The escalation agent: answer from the knowledge base, or hand off with everything a person needs.

The public surface is below; everything else may change. Imports are lazy so
that ``import agent`` loads no model, client or database.
"""

from __future__ import annotations

from importlib import import_module
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


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
