"""Around every request (plain ASGI, so streamed responses pass through untouched):

- bodies over ``service.max_body_bytes`` are refused with 413 JSON: at once when
  ``Content-Length`` says so, or as soon as a chunked body grows past the limit (it is
  never read whole);
- one JSON log line per request on ``escalate.http``: method, route template, status, ms,
  the conversation id when the path has one, the role; never keys, bodies or query strings;
- the request's latency in the ``escalate_http_request_seconds`` histogram.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.service.errors import error_body
from agent.service.logs import HTTP_LOG, line

log = logging.getLogger(HTTP_LOG)


class _TooLarge(Exception):
    pass


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, metrics: Any = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500, "sent": False}
        limit = self.max_body_bytes
        too_large = {"hit": False}

        async def refuse() -> None:
            body = json.dumps(
                error_body("body_too_large", f"the request body is over {limit} bytes")
            ).encode()
            status["code"], status["sent"] = 413, True
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        try:
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                await refuse()
                return
            seen = 0

            async def limited_receive() -> Message:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        too_large["hit"] = True
                        raise _TooLarge
                return message

            async def watched_send(message: Message) -> None:
                if too_large["hit"]:  # the app answered the aborted read; we answer 413
                    if not status["sent"]:
                        await refuse()
                    return
                if message["type"] == "http.response.start":
                    status["code"], status["sent"] = message["status"], True
                await send(message)

            try:
                await self.app(scope, limited_receive, watched_send)
            except _TooLarge:
                if not status["sent"]:
                    await refuse()
        finally:
            self._record(scope, status["code"], time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path_format", None) or "unmatched"
        method = scope.get("method", "")
        if self.metrics is not None:
            self.metrics.http_seconds.labels(
                method=method, route=route, status=str(status)
            ).observe(seconds)
        if not log.isEnabledFor(logging.INFO):
            return
        fields: dict[str, Any] = {
            "method": method,
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 1),
        }
        cid = (scope.get("path_params") or {}).get("conversation_id")
        if cid is not None:
            fields["conversation_id"] = str(cid)[:200]
        role = (scope.get("state") or {}).get("role")
        if role is not None:
            fields["role"] = role
        log.info(line(**fields))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
