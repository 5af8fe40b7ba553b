"""An httpx transport that ends a request at the turn's deadline, however the server stalls.

httpx's timeouts bound each connect and each read, not the whole request: a
server that trickles a byte a second never trips them. This transport checks
the turn's deadline (:mod:`agent.deadline`) while the body streams in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx

from agent import deadline

__all__ = ["DeadlineTransport"]


class _Deadlined(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, ends: float, request: httpx.Request) -> None:
        self._stream, self._ends, self._request = stream, ends, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if time.monotonic() > self._ends:
                raise httpx.ReadTimeout("the turn's deadline passed", request=self._request)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """Wraps an ``httpx.HTTPTransport``; outside a turn it changes nothing."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ends = deadline.ends_at()
        if ends is not None and time.monotonic() >= ends:
            raise httpx.ConnectTimeout("the turn's deadline passed", request=request)
        response = self._inner.handle_request(request)
        if ends is None or not isinstance(response.stream, httpx.SyncByteStream):
            return response
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Deadlined(response.stream, ends, request),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()
