"""API keys per role. A key is checked against its own role's hashes only.

Routes declare the role they need: ``Depends(require_role("widget"))``. Keys come as
``Authorization: Bearer <key>`` (or ``X-API-Key``); the pages use a signed session cookie
that records the role the login's key was for (see ``pages.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache

from fastapi import Request

from agent.service.errors import ApiError
from agent.service.settings import Role


def hash_key(key: str) -> str:
    """What goes into ``service.api_keys``: ``sha256:<hex>`` of the key."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random key (256 bits)."""
    return "esk_" + secrets.token_urlsafe(32)


@lru_cache(maxsize=256)
def _digest(key: str) -> str:
    """``hash_key`` remembered for the keys last presented (a widget sends its key with every
    message). Only the digest is cached, never a verdict: a hash removed from the settings
    refuses its key at once."""
    return hash_key(key)


def key_matches(key: str, hashes: list[str]) -> bool:
    digest = _digest(key)
    found = False
    for stored in hashes:  # no early exit: the same work whichever entry matches
        found |= hmac.compare_digest(digest, stored)
    return found


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


def require_role(role: Role) -> Callable[[Request], Awaitable[str]]:
    """A dependency: the request carries a key of ``role`` (or the service runs with
    ``--dev``). Returns the role. Async on purpose: it does no I/O, and FastAPI would run a
    plain ``def`` dependency in the thread pool, one more thread hop on every request."""

    async def check(request: Request) -> str:
        state = request.app.state
        request.state.role = role  # for the request log (the role asked for, not the key)
        if state.dev:
            return role
        session_role = getattr(request.state, "session_role", None)
        if session_role == role:
            return role
        key = presented_key(request)
        if key is None:
            raise ApiError(401, "unauthorized", f"an API key for the {role!r} role is required")
        hashes = state.api_keys.get(role, [])
        if not key_matches(key, hashes):
            raise ApiError(403, "forbidden", f"this key is not a {role!r} key")
        return role

    return check
