"""The pages for people: ``/login``, the agents' ``/inbox``, the curators' ``/review``, and the
``/chat`` demo widget. Server-rendered (Jinja2, autoescaped), a few lines of plain JS, no
build step. Each page belongs to one role; the login form takes that role's API key and
sets a signed session cookie (``session.py``); every form carries a CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from agent.service import page_inbox, page_review
from agent.service import session as sessions
from agent.service.auth import key_matches
from agent.service.errors import ApiError
from agent.service.page_kit import (
    HOME,
    STATIC,
    Forbidden,
    Refused,
    current,
    form_of,
    redirect,
    render,
    safe_next,
    set_session,
)

router = APIRouter(include_in_schema=False)
router.include_router(page_inbox.router)
router.include_router(page_review.router)

_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


def install(app: FastAPI) -> None:
    """The session middleware and the pages' two refusals (called by ``create_app``)."""
    app.add_middleware(sessions.SessionMiddleware, secret_of=lambda: app.state.session_secret)

    @app.exception_handler(Refused)
    async def _refused(_: Request, exc: Refused) -> RedirectResponse:
        return redirect(exc.location)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _: Forbidden) -> HTMLResponse:
        return render(
            request,
            "error.html",
            {"title": "Form expired", "message": "This form is out of date: reload the page "
             "and try again (nothing was changed)."},
            status=403,
        )  # fmt: skip


@router.get("/")
def home(request: Request) -> RedirectResponse:
    session = current(request)
    return redirect(HOME.get(session.role or "", "/login") if session else "/login")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, need: str | None = None, next: str | None = None) -> Response:
    return _login_page(request, need=need if need in HOME else None, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    fields = await form_of(request)
    role, key = fields.get("role", ""), fields.get("key", "").strip()
    name = " ".join(fields.get("name", "").split())[:80]
    next_path = safe_next(fields.get("next"))
    state = request.app.state
    if role not in HOME:
        return _login_page(request, error="Choose a role.", next_path=next_path, status=400)
    if not state.dev and not (key and key_matches(key, state.api_keys.get(role, []))):
        message = f"That is not a key for the {role} role."
        return _login_page(request, error=message, next_path=next_path, status=401, role=role)
    session = sessions.new_session(role, name)  # a new id: a session is never fixed in advance
    page = next_path if next_path and next_path.startswith(HOME[role]) else HOME[role]
    response = redirect(page)
    set_session(request, response, session)
    return response


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    await form_of(request)
    response = redirect("/login?out=1")
    set_session(request, response, sessions.new_session())
    return response


def _login_page(
    request: Request,
    *,
    need: str | None = None,
    next_path: str | None = None,
    error: str | None = None,
    status: int = 200,
    role: str | None = None,
) -> HTMLResponse:
    session = current(request)
    return render(
        request,
        "login.html",
        {
            "title": "Log in",
            "need": need,
            "have": session.role if session else None,
            "next_path": next_path or "",
            "error": error,
            "roles": list(HOME),
            "chosen": role or need or "agent",
            "logged_out": request.query_params.get("out") == "1",
        },
        status=status,
    )


@router.get("/chat", response_class=HTMLResponse)
def chat(request: Request) -> HTMLResponse:
    """The demo widget: open with ``--dev``; otherwise it asks for a widget key (a login)."""
    session = current(request)
    allowed = request.app.state.dev or (session is not None and session.role == "widget")
    return render(request, "chat.html", {"title": "Chat with the shop", "allowed": allowed})


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    files = {p.name: p for p in STATIC.iterdir() if p.suffix in _STATIC_TYPES}
    if name not in files:
        raise ApiError(404, "not_found", f"no static file {name!r}")
    path = files[name]
    return FileResponse(
        path, media_type=_STATIC_TYPES[path.suffix], headers={"Cache-Control": "max-age=300"}
    )
