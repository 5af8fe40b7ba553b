"""Ids in URL paths: any id the runtime accepts (``_check_id``: printable, 1 to 200
characters, so ``/``, ``?``, ``#``, ``%`` and spaces included) fits in one path segment.

A client puts an id in a path percent-encoded as one segment (``quote(id, safe="")``,
JavaScript's ``encodeURIComponent``): ``shop/a 1`` is ``shop%2Fa%201``. The server decodes
the path before routing, so ``%2F`` would become a ``/`` and split the segment: the route
would not match. Two pieces keep it whole:

- :class:`EncodedSlashes` (ASGI, around the app): when the raw path has ``%2F`` or ``%25``,
  the path the router sees is decoded except for those two escapes;
- the ``id`` path convertor (``/{conversation_id:id}``) takes one segment and decodes them.

Without ``%2F``/``%25`` in the request nothing is rewritten, and the convertor's decoding
changes nothing. Links and redirects encode ids with :func:`segment`. (The ids ``.`` and
``..`` cannot be addressed: clients resolve them as dot segments before sending.)
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

_KEPT = re.compile(r"(%2[fF]|%25)")


def segment(value: str) -> str:
    """``value`` as one path segment (every reserved character encoded)."""
    return quote(value, safe="")


def route_path(raw_path: bytes) -> str | None:
    """The path to route on, when ``raw_path`` encodes a ``/`` or a ``%``; else None."""
    try:
        raw = raw_path.split(b"?", 1)[0].decode("ascii")
    except UnicodeDecodeError:
        return None
    if not _KEPT.search(raw):
        return None
    parts = _KEPT.split(raw)  # the kept escapes at odd positions
    return "".join(p.upper() if i % 2 else unquote(p) for i, p in enumerate(parts))


class IdConvertor(Convertor[str]):
    """One path segment, with the escapes :class:`EncodedSlashes` kept decoded."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return unquote(value) if "%" in value else value

    def to_string(self, value: str) -> str:
        return segment(value)


register_url_convertor("id", IdConvertor())


class EncodedSlashes:
    """Route on the raw path's segments (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"%2" in (raw := scope.get("raw_path") or b""):
            path = route_path(raw)
            if path is not None:
                scope = {**scope, "path": path}
        await self.app(scope, receive, send)
