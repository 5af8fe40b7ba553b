"""An OpenAI-compatible model that streams at a fixed rate, in a process of its own.

    python -m evals.bench.stream_server 0.02 4   # prints "port N"; 4 characters every 20 ms

A streamed chat completion quotes the first excerpt it is given, its first two sentences as
two cited claims, as Server-Sent Events (the usage chunk, then ``[DONE]``); an unstreamed
one (the handoff notes) answers at once. ``GET /_log`` lists, per streamed request, when it
arrived and when each claim was complete (``time.monotonic()``, in this process).
"""

from __future__ import annotations

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_EXCERPT = re.compile(r"^\[(?P<id>[^\]\n]+)\] \([^\n]*\)\n(?P<text>[^\n]+)", re.MULTILINE)


def draft(user: str) -> dict[str, Any]:
    """The first excerpt's first two sentences, each citing it (or: not answerable)."""
    found = _EXCERPT.search(user)
    if found is None:
        return {"answerable": False, "sentences": [], "note": "no excerpt answers it"}
    said = [s for s in re.split(r"(?<=[.!?])\s+", found["text"].strip()) if s][:2]
    claims = [{"text": s, "citations": [found["id"]]} for s in said]
    return {"answerable": True, "sentences": claims, "note": ""}


NOTES = {"summary": "The shopper asked a question the bot could not answer from the help centre.",
         "suggested_resolution": "", "citations": []}  # fmt: skip


def _chunk(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> bytes:
    body: dict[str, Any] = {"id": "chatcmpl-bench-stream", "object": "chat.completion.chunk",
                            "created": 1763700000, "model": "bench-stream", "choices": choices}  # fmt: skip
    if usage is not None:
        body["usage"] = usage
    return f"data: {json.dumps(body)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    interval_s = 0.02
    piece_chars = 4
    log: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        data = json.dumps(Handler.log).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        arrived = time.monotonic()
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
        user = body["messages"][-1]["content"]
        content = json.dumps(NOTES if schema == "HandoffNotes" else draft(user))
        if not body.get("stream"):
            message = {"role": "assistant", "content": content, "refusal": None}
            data = json.dumps({"id": "chatcmpl-bench", "object": "chat.completion",
                               "created": 1763700000, "model": "bench-stream",
                               "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                               "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                         "total_tokens": 2}}).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._stream(content, arrived)

    def _stream(self, content: str, arrived: float) -> None:
        record: dict[str, Any] = {"arrived": arrived, "claims_done": []}
        Handler.log.append(record)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        size = Handler.piece_chars
        pieces = [content[i : i + size] for i in range(0, len(content), size)]
        try:
            self._write(_chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}}]))
            written = ""
            for piece in pieces:
                time.sleep(Handler.interval_s)
                self._write(_chunk([{"index": 0, "delta": {"content": piece}}]))
                written += piece
                if written.count('"]}') > len(record["claims_done"]):
                    record["claims_done"].append(time.monotonic())
            self._write(_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
            usage = {"prompt_tokens": 1, "completion_tokens": len(pieces),
                     "total_tokens": 1 + len(pieces)}  # fmt: skip
            self._write(_chunk([], usage))
            self._write(b"data: [DONE]\n\n")
        except OSError:  # the reader stopped early, as it may
            pass

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


def main() -> None:
    Handler.interval_s = float(sys.argv[1]) if len(sys.argv) > 1 else 0.02
    Handler.piece_chars = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
