"""Token counts in OpenAI's cl100k_base, without ever downloading the encoding.

tiktoken fetches its BPE files from the internet on first use (and caches
them in a temporary folder). The ranks file is kept in this package instead
(``knowledge/vendored/cl100k_base/``, pinned by sha256 in
:mod:`knowledge.model_files`), and the encoding is built from it here with
the same pattern and special tokens as tiktoken's own ``cl100k_base``.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache

import tiktoken

from agent.errors import KnowledgeError
from knowledge.model_files import verified_encoding

__all__ = ["cl100k", "count_tokens"]

# From tiktoken_ext/openai_public.py (tiktoken, MIT): cl100k_base's split pattern
# and special tokens.
_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
    r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


@cache
def cl100k() -> tiktoken.Encoding:
    """The cl100k_base encoding, built from the packaged ranks file after its hash check."""
    path = verified_encoding()
    try:
        ranks = _ranks(path.read_bytes())
    except (OSError, ValueError, binascii.Error) as exc:
        raise KnowledgeError(f"cannot read the cl100k_base encoding {path}: {exc}") from exc
    return tiktoken.Encoding(
        name="cl100k_base",
        pat_str=_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL_TOKENS,
    )


def _ranks(contents: bytes) -> dict[bytes, int]:
    """``base64-token rank`` lines, as tiktoken's ``load_tiktoken_bpe`` reads them."""
    ranks: dict[bytes, int] = {}
    for line in contents.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def count_tokens(text: str) -> int:
    """How many cl100k_base tokens ``text`` takes (special tokens count as text)."""
    return len(cl100k().encode(text, disallowed_special=()))
