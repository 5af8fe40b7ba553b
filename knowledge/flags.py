"""What a curator should look at in an ingested document: instructions and unknown links.

- Instruction-like text ("ignore previous instructions", "you are now...",
  "system prompt", chat-template markers) is found by the detector the caller
  passes in: the agent passes the one that screens learned answers
  (``agent.learning.injection.instructions_to_bot``, see
  ``agent.knowledge_base.ingest_options``), so there is one detector, and this
  package still reaches the agent only through its errors module.
  Such a chunk is *withheld*: it is not written to the store, so it is never
  quoted to a shopper or shown to the model, unless the store sets
  ``knowledge.serve_flagged_instructions``.
- A link whose host is not the store's own (``knowledge.url_allow_hosts``, a
  subdomain counts) is flagged but still served: carriers' tracking pages and
  brand sites are ordinary help-centre content; the curator decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from knowledge.models import Chunk, Flag

__all__ = ["Screen", "chunk_flags", "unknown_hosts"]

Screen = Callable[[str], list[str]]
"""Why a text reads as instructions to the bot ([] when it does not)."""

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"'`]+", re.IGNORECASE)


def unknown_hosts(text: str, allowed: Iterable[str]) -> list[str]:
    """Hosts of the links in ``text`` that are neither an allowed host nor under one."""
    allow = [host.lower().lstrip(".") for host in allowed]
    found: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0)
        host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").rstrip(".")
        known = any(host == a or host.endswith(f".{a}") for a in allow)
        if host and not known and host not in found:
            found.append(host)
    return found


def chunk_flags(
    chunk: Chunk, allowed_hosts: Iterable[str], screen: Screen | None, serve_instructions: bool
) -> list[Flag]:
    """The flags one chunk raises (heading and text both read; no screen, no instruction flags)."""
    text = f"{chunk.heading}\n{chunk.text}"
    where = f"{chunk.heading} — " if chunk.heading else ""
    reasons = screen(text) if screen else []
    withheld = bool(reasons) and not serve_instructions  # the whole chunk, links and all
    flags = [
        Flag(doc_id=chunk.doc_id, kind="instructions", detail=f"{where}{r}", withheld=withheld)
        for r in reasons
    ]
    flags += [
        Flag(doc_id=chunk.doc_id, kind="url", detail=f"{where}links to {host}", withheld=withheld)
        for host in unknown_hosts(text, allowed_hosts)
    ]
    return flags
