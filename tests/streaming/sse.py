"""Chat-completion streams as OpenAI-compatible servers send them (Server-Sent Events)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

CREATED = 1763700000
GOOD = [
    ("You can return unworn items within 30 days of delivery.", "policies/returns.md#0"),
    ("Items must have their original tags.", "policies/returns.md#0"),
]
BAD_SECOND = [
    GOOD[0],
    ("We also give every customer a free gift card with each return.", "policies/returns.md#0"),
    GOOD[1],
]


def draft_json(claims: list[tuple[str, str]], answerable: bool = True) -> str:
    sentences = [{"text": t, "citations": [c]} for t, c in claims]
    return json.dumps({"answerable": answerable, "sentences": sentences, "note": ""})


def split(text: str, size: int = 7) -> list[str]:
    """The JSON in pieces of a few characters, as a model's tokens arrive."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-s1",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_1",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def usage_chunk(prompt: int = 412, completion: int = 57) -> bytes:
    body = {
        "id": "chatcmpl-s1",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": "gpt-4o-mini",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def events(text: str) -> list[bytes]:
    """A whole stream: the role, the content in pieces, stop, usage, [DONE]."""
    return [
        chunk({"role": "assistant", "content": "", "refusal": None}),
        *(chunk({"content": p}) for p in split(text)),
        chunk({}, finish="stop"),
        usage_chunk(),
        b"data: [DONE]\n\n",
    ]


def completes_claim(pieces: list[bytes], claim: int) -> int:
    """The index of the piece after which claim number ``claim`` (0-based) is complete."""
    text, closed = "", 0
    for i, piece in enumerate(pieces):
        if piece.startswith(b"data: {"):
            for choice in json.loads(piece[6:])["choices"]:
                text += choice["delta"].get("content") or ""
        closed = text.count('"]}')
        if closed > claim:
            return i
    raise ValueError("the claim never completes")


class Body(httpx.SyncByteStream):
    """A response body sent piece by piece: it may wait for a signal after a piece, break
    off with an error, or trickle keep-alive comments; it records what was read."""

    def __init__(
        self,
        pieces: list[bytes],
        hold_after: int | None = None,
        fail: Exception | None = None,
        keep_alive_s: float | None = None,
    ) -> None:
        self.pieces, self.hold_after, self.fail, self.keep_alive_s = (
            pieces,
            hold_after,
            fail,
            keep_alive_s,
        )
        self.release = threading.Event()
        self.released_in_time: bool | None = None
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for i, piece in enumerate(self.pieces):
            self.read = i + 1
            yield piece
            if i == self.hold_after:  # wait until the reader shows it has the sentence
                self.released_in_time = self.release.wait(timeout=5)
        if self.fail is not None:
            raise self.fail
        if self.keep_alive_s is not None:
            for _ in range(600):  # a server that holds the stream open, saying nothing
                time.sleep(self.keep_alive_s)
                yield b": keep-alive\n\n"

    def close(self) -> None:
        self.closed = True


def response(body: Body) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)


NOTES = {"summary": "The shopper asked about returns.", "suggested_resolution": "",
         "citations": []}  # fmt: skip


def model(*bodies: Body) -> Any:
    """A respx side effect: each streamed request gets the next body; the (unstreamed)
    handoff notes get a plain completion."""
    queue = list(bodies)

    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            return response(queue.pop(0))
        message = {"role": "assistant", "content": json.dumps(NOTES), "refusal": None}
        return httpx.Response(200, json={
            "id": "chatcmpl-n1", "object": "chat.completion", "created": CREATED,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340},
        })  # fmt: skip

    return answer
