"""A fake OpenAI-compatible server, run as its own process, that can be told to fail.

    python -m tests.reliability.fake_openai     # prints "port N", then serves 127.0.0.1:N

``POST /_mode`` with ``{"chat": MODE, "embeddings": MODE}`` sets how each endpoint
answers from then on (see MODES); ``GET /_calls`` counts the requests. In the ``ok``
mode a chat completion quotes the first excerpt it was given, with its id, and
embeddings are a deterministic bag of hashed words (:func:`vector`).

A chat request with ``"stream": true`` is answered as Server-Sent Events, a few characters
of the draft's JSON per chunk at a fixed rate, then the usage chunk and ``[DONE]``:
``{"stream": MODE, "stream_interval_s": 0.02, "stream_piece_chars": 6}`` sets how (see
STREAM_MODES). In ``ok`` the draft quotes the first excerpt's first two sentences, one
claim each. ``GET /_stream`` tells when the last stream began and when each of its claims
was complete (``time.monotonic()``, the machine's clock: other processes can compare).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = {
    "ok": "answers well",
    "hang": "accepts the request and never answers",
    "rate_limited": "429 with Retry-After: 60",
    "server_error": "500 with a JSON error",
    "unavailable": "503 with an HTML page",
    "html": "200 with an HTML page",
    "choices_null": "200 with choices (or data): null",
    "empty_choices": "200 with choices (or data): []",
    "malformed_json": "200 with JSON cut off half-way",
    "wrong_schema": "200, well-formed JSON of the wrong shape",
    "refusal": "200, the model refuses",
    "truncated": "200, Content-Length longer than the body, then the connection closes",
    "slow_stream": "200, the body trickles out a byte every 0.3 s",
    "empty_body": "200 with no body at all",
}
STREAM_MODES = {
    "ok": "streams the draft at the set rate",
    "bad_second": "the second sentence adds a promise no excerpt makes",
    "cut": "sentence 1, then the connection closes mid-body",
    "error": "sentence 1, then an error event",
    "hang": "sentence 1, then nothing (the connection stays open)",
}
DIM = 64
_EXCERPT = re.compile(r"^\[([^\]\n]+)\] \([^\n]*\)\n([^\n]+)", re.MULTILINE)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


def vector(text: str) -> list[float]:
    """A unit bag-of-words vector: texts that share words are near each other."""
    values = [0.0] * DIM
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        values[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIM] += 1.0
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


def _completion(content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1763700000,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _good_chat(body: dict[str, Any]) -> dict[str, Any]:
    schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
    user = body["messages"][-1]["content"]
    excerpt = _EXCERPT.search(user)
    if schema == "HandoffNotes":
        notes = {"summary": "The shopper needs help.", "suggested_resolution": "", "citations": []}
        return _completion(json.dumps(notes))
    if excerpt is None:
        return _completion(json.dumps({"answerable": False, "sentences": [], "note": "none"}))
    sentence = _SENTENCE.match(excerpt.group(2))
    text = sentence.group(1) if sentence else excerpt.group(2)
    claim = {"text": text, "citations": [excerpt.group(1)]}
    return _completion(json.dumps({"answerable": True, "sentences": [claim], "note": ""}))


def _stream_draft(body: dict[str, Any], mode: str) -> str:
    """The draft a streamed answer writes: the first excerpt's first two sentences."""
    excerpt = _EXCERPT.search(body["messages"][-1]["content"])
    if excerpt is None:
        return json.dumps({"answerable": False, "sentences": [], "note": "none"})
    said = _SENTENCE.findall(excerpt.group(2)) or [excerpt.group(2)]
    if mode == "bad_second":
        said = [said[0], "We also give every customer a free gift card with each order."]
    claims = [{"text": t, "citations": [excerpt.group(1)]} for t in said[:2]]
    return json.dumps({"answerable": True, "sentences": claims, "note": ""})


def _sse_chunk(delta: dict[str, Any] | None, usage: dict[str, int] | None = None) -> bytes:
    chunk: dict[str, Any] = {
        "id": "chatcmpl-fake-stream",
        "object": "chat.completion.chunk",
        "created": 1763700000,
        "model": "fake-model",
        "choices": []
        if delta is None
        else [{"index": 0, "delta": delta, "finish_reason": None if delta else "stop"}],
    }
    if usage is not None:
        chunk["usage"] = usage
    return f"data: {json.dumps(chunk)}\n\n".encode()


def _good_embeddings(body: dict[str, Any]) -> dict[str, Any]:
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [
        {"object": "embedding", "index": i, "embedding": vector(t)} for i, t in enumerate(texts)
    ]
    return {"object": "list", "data": data, "model": body.get("model", "fake"), "usage": {
        "prompt_tokens": 1, "total_tokens": 1}}  # fmt: skip


class Handler(BaseHTTPRequestHandler):
    modes: dict[str, str] = {"chat": "ok", "embeddings": "ok"}
    calls: dict[str, int] = {"chat": 0, "embeddings": 0}
    streaming: dict[str, Any] = {"stream": "ok", "stream_interval_s": 0.02, "stream_piece_chars": 6}
    last_stream: dict[str, Any] = {}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json", **extra: str):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", extra.pop("length", str(len(body))))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/_stream":
            return self._send(200, json.dumps(Handler.last_stream).encode())
        self._send(200, json.dumps(self.calls).encode())

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path == "/_mode":
            Handler.streaming.update({k: body.pop(k) for k in list(body) if k.startswith("stream")})
            Handler.modes = {**Handler.modes, **body}
            Handler.calls = {"chat": 0, "embeddings": 0}
            return self._send(200, b"{}")
        endpoint = "embeddings" if self.path.endswith("/embeddings") else "chat"
        Handler.calls[endpoint] += 1
        if endpoint == "chat" and body.get("stream") and Handler.modes["chat"] == "ok":
            return self._stream(body)
        good = _good_embeddings(body) if endpoint == "embeddings" else _good_chat(body)
        self._fault(Handler.modes[endpoint], good)

    def _fault(self, mode: str, good: dict[str, Any]) -> None:  # noqa: C901 - one case per mode
        html = b"<html><body><h1>Bad gateway</h1></body></html>"
        if mode == "ok":
            self._send(200, json.dumps(good).encode())
        elif mode == "hang":
            time.sleep(600)
        elif mode == "rate_limited":
            error = {"error": {"message": "Rate limit reached", "type": "requests"}}
            self._send(429, json.dumps(error).encode(), Retry_After="60")
        elif mode == "server_error":
            self._send(
                500, json.dumps({"error": {"message": "internal", "type": "server"}}).encode()
            )
        elif mode == "unavailable":
            self._send(503, html, "text/html")
        elif mode == "html":
            self._send(200, html, "text/html")
        elif mode == "choices_null":
            self._send(200, json.dumps({**good, "choices": None, "data": None}).encode())
        elif mode == "empty_choices":
            self._send(200, json.dumps({**good, "choices": [], "data": []}).encode())
        elif mode == "malformed_json":
            self._send(200, json.dumps(good).encode()[:40])
        elif mode == "wrong_schema":
            bad = _completion(json.dumps({"answer": "30 days"}))
            if "data" in good:
                bad = {**good, "data": [{"object": "embedding", "index": 0, "embedding": "x"}]}
            self._send(200, json.dumps(bad).encode())
        elif mode == "refusal":
            refused = _completion(None, refusal="I can't help with that.")
            self._send(200, json.dumps(refused if "choices" in good else {"error": "no"}).encode())
        elif mode == "truncated":
            data = json.dumps(good).encode()
            self._send(200, data[: len(data) // 2], length=str(len(data)))
            self.close_connection = True
        elif mode == "slow_stream":
            self._trickle(json.dumps(good).encode())
        elif mode == "empty_body":
            self._send(200, b"")

    def _stream(self, body: dict[str, Any]) -> None:
        """A chat completion as Server-Sent Events (chunked, so a cut is seen as one)."""
        started = time.monotonic()
        mode = Handler.streaming["stream"]
        size, pause = (
            Handler.streaming["stream_piece_chars"],
            Handler.streaming["stream_interval_s"],
        )
        text = _stream_draft(body, mode)
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        Handler.last_stream = {"started": started, "claims_done": [], "pieces": len(pieces)}
        self.protocol_version = "HTTP/1.1"  # chunked transfer for this response only
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self._chunk(_sse_chunk({"role": "assistant", "content": ""}))
            written = ""
            for n, piece in enumerate(pieces):
                done = Handler.last_stream["claims_done"]
                if mode in ("cut", "error", "hang") and (done or n == len(pieces) - 1):
                    return self._break(mode)  # just after sentence 1 (or before the end)
                time.sleep(pause)
                self._chunk(_sse_chunk({"content": piece}))
                written += piece
                if written.count('"]}') > len(Handler.last_stream["claims_done"]):
                    Handler.last_stream["claims_done"].append(time.monotonic())
            self._chunk(_sse_chunk({}))
            usage = {
                "prompt_tokens": 50,
                "completion_tokens": len(pieces),
                "total_tokens": 50 + len(pieces),
            }
            self._chunk(_sse_chunk(None, usage))
            self._chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client stopped reading, as it may
            pass

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _break(self, mode: str) -> None:
        if mode == "error":
            error = {"error": {"message": "The server had an error while processing your request.",
                               "type": "server_error"}}  # fmt: skip
            self._chunk(f"data: {json.dumps(error)}\n\n".encode())
            self.wfile.write(b"0\r\n\r\n")
        elif mode == "hang":
            time.sleep(600)
        # "cut": return without the last chunk; the connection closes mid-body

    def _trickle(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(0.3)
        except OSError:  # the client gave up, as it should
            self.close_connection = True


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
