"""Errors as JSON with a stable ``code``: ``{"error": {"code": ..., "message": ...}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.errors import (
    ConfigError,
    ConversationError,
    CurationError,
    EscalationError,
    InputError,
    KnowledgeError,
    LLMError,
    StorageError,
)


class ApiError(Exception):
    """Raise from a route: ``ApiError(404, "not_found", "no conversation 'x'")``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# our exceptions, most specific first: (class, HTTP status, code)
_MAPPED: tuple[tuple[type[EscalationError], int, str], ...] = (
    (InputError, 400, "invalid_input"),
    (ConversationError, 409, "conversation_state"),
    (CurationError, 409, "curation_state"),
    (ConfigError, 500, "misconfigured"),
    (KnowledgeError, 503, "knowledge_unavailable"),
    (StorageError, 503, "storage_unavailable"),
    (LLMError, 503, "model_unavailable"),
)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


_ID_PATHS = ("/v1/conversations/", "/v1/agent/conversations/", "/v1/curator/", "/inbox/")
_ID_HINT = (
    ": no route has this path. An id is one path segment: percent-encode it whole "
    "('/' as %2F, '%' as %25; JavaScript's encodeURIComponent, Python's quote(id, safe=''))"
)


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def install(app: FastAPI) -> None:
    """Every error the app can raise becomes JSON with a stable code."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(EscalationError)
    async def _ours(_: Request, exc: EscalationError) -> JSONResponse:
        for cls, status, code in _MAPPED:
            if isinstance(exc, cls):
                return JSONResponse(error_body(code, str(exc)), status_code=status)
        return JSONResponse(error_body("internal", "internal error"), status_code=500)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return JSONResponse(error_body("invalid_request", "; ".join(problems)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        if exc.status_code == 404 and "route" not in request.scope:  # no route took the path
            message += _ID_HINT if request.url.path.startswith(_ID_PATHS) else ""
        return JSONResponse(
            error_body(code, message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
