"""A fake OpenAI-compatible server, run as its own process, that can be told to fail.

    python -m tests.reliability.fake_openai     # prints "port N", then serves 127.0.0.1:N

``POST /_mode`` with ``{"chat": MODE, "embeddings": MODE}`` sets how each endpoint
answers from then on (see MODES); ``GET /_calls`` counts the requests. In the ``ok``
mode a chat completion quotes the first excerpt it was given, with its id, and
embeddings are a deterministic bag of hashed words (:func:`vector`).
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
        self._send(200, json.dumps(self.calls).encode())

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path == "/_mode":
            Handler.modes = {**Handler.modes, **body}
            Handler.calls = {"chat": 0, "embeddings": 0}
            return self._send(200, b"{}")
        endpoint = "embeddings" if self.path.endswith("/embeddings") else "chat"
        Handler.calls[endpoint] += 1
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
