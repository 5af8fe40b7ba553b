"""The pages' login: a signed session cookie recording one role, and CSRF tokens bound to it.

The cookie is ``<base64url JSON>.<hex HMAC-SHA256>`` signed with ``service.session_secret``
(``app.state.session_secret``): ``{"sid", "role", "name", "exp"}``. A visitor who has not
logged in gets a session with no role, so the login form itself carries a token. Cookies
are HttpOnly, SameSite=Strict and Path=/ (Secure when the request came over https).

A form's CSRF token is the HMAC of the session id: it changes with every login (a new
session id), and a page of another site can neither read nor forge it. The middleware
gives ``require_role`` the session's role (``request.state.session_role``) for the API
routes too, so the chat page can call the widget API with the cookie; for a request that
changes something it does so only when the ``X-CSRF-Token`` header is right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "escalate_session"
LIFETIME_S = 12 * 3600
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Session:
    sid: str
    role: str | None = None
    name: str = ""
    exp: int = 0


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def encode(secret: str, session: Session) -> str:
    body = {"sid": session.sid, "role": session.role, "name": session.name, "exp": session.exp}
    payload = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload.decode()}.{_sign(secret, payload)}"


def decode(secret: str, value: str | None, now: float | None = None) -> Session | None:
    """The session in a cookie value, or None when it is missing, forged or expired."""
    if not value or "." not in value or len(value) > 4096:
        return None
    payload, signature = value.rsplit(".", 1)
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return None
    try:
        body: Any = json.loads(base64.urlsafe_b64decode(payload.encode()))
        session = Session(
            sid=str(body["sid"]),
            role=body["role"] if isinstance(body["role"], str) else None,
            name=str(body.get("name") or "")[:80],
            exp=int(body["exp"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.exp > (now if now is not None else time.time()) else None


def new_session(role: str | None = None, name: str = "") -> Session:
    return Session(
        sid=secrets.token_urlsafe(18), role=role, name=name, exp=int(time.time()) + LIFETIME_S
    )


def csrf_token(secret: str, session: Session) -> str:
    return _sign(secret, f"csrf:{session.sid}".encode())


def csrf_ok(secret: str, session: Session | None, token: str | None) -> bool:
    return (
        session is not None
        and bool(token)
        and hmac.compare_digest(csrf_token(secret, session), str(token))
    )


def cookie_header(value: str, *, secure: bool, max_age: int = LIFETIME_S) -> str:
    flags = f"; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict"
    return f"{COOKIE}={value}{flags}{'; Secure' if secure else ''}"


def from_scope(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no session
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


class SessionMiddleware:
    """Puts the cookie's session on ``request.state.session`` and its role on
    ``request.state.session_role`` (what ``auth.require_role`` accepts)."""

    def __init__(self, app: ASGIApp, secret_of: Any) -> None:
        self.app = app
        self.secret_of = secret_of
        """A callable returning the secret (read at request time: tests may replace it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            secret = self.secret_of()
            session = decode(secret, from_scope(scope))
            state = scope.setdefault("state", {})
            state["session"] = session
            role = session.role if session is not None else None
            unsafe = scope.get("method", "GET") not in _SAFE
            if (
                role
                and unsafe
                and scope.get("path", "").startswith("/v1/")
                and not csrf_ok(secret, session, _header(scope, b"x-csrf-token"))
            ):
                role = None  # a cookie alone never changes anything through the API
            state["session_role"] = role
        await self.app(scope, receive, send)
