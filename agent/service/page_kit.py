"""What every page shares: the templates (autoescaped), the session and its CSRF token, and
the role guard that sends a visitor of the wrong role back to the login form."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent.service import session as sessions
from agent.service.paths import segment
from agent.service.session import Session

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template is HTML: shopper, agent and KB text is always escaped
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["segment"] = segment  # an id in a link: one path segment, '/' included

HOME = {"agent": "/inbox", "curator": "/review", "widget": "/chat"}
"""The roles with pages, and where each lands after logging in."""
PAGE_ROLE = {"/inbox": "agent", "/review": "curator", "/chat": "widget"}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    """A page this session may not see: answered with a redirect to the login form."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def secret(request: Request) -> str:
    return str(request.app.state.session_secret)


def current(request: Request) -> Session | None:
    return getattr(request.state, "session", None)


def safe_next(path: str | None) -> str | None:
    """Only our own pages are a place to go back to (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return path if path.split("?")[0].split("/")[1] in {"inbox", "review", "chat"} else None


def guard(request: Request, role: str) -> Session:
    """The session, when it may see ``role``'s pages (any session with ``--dev``)."""
    session = current(request)
    if request.app.state.dev:
        return session or sessions.new_session()
    if session is not None and session.role == role:
        return session
    where = quote(request.url.path, safe="/%")  # an id's %2F stays one segment
    raise Refused(f"/login?need={role}&next={where}")


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    session: Session | None = None,
) -> HTMLResponse:
    """A page, with the session's CSRF token; a visitor without a session is given one."""
    session = session or current(request)
    fresh = session is None
    if session is None:
        session = sessions.new_session()
    body = ENV.get_template(name).render(
        request_path=request.url.path,
        csrf=sessions.csrf_token(secret(request), session),
        session=session,
        dev=bool(request.app.state.dev),
        **context,
    )
    response = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
    if fresh or current(request) != session:
        set_session(request, response, session)
    return response


def set_session(request: Request, response: Any, session: Session) -> None:
    value = sessions.encode(secret(request), session)
    secure = request.url.scheme == "https"
    response.headers.append("set-cookie", sessions.cookie_header(value, secure=secure))


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


async def form_of(request: Request) -> dict[str, str]:
    """The posted form as text fields, once its CSRF token is checked (else ``Forbidden``)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not sessions.csrf_ok(secret(request), current(request), fields.get("csrf")):
        raise Forbidden()
    return fields


class Forbidden(Exception):
    """A form posted without this session's CSRF token."""


def who(session: Session, role: str) -> str:
    """The name recorded with an agent's or curator's action."""
    return session.name or role
