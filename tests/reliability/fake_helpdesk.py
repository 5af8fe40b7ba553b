"""A fake helpdesk on 127.0.0.1 (a real HTTP server in a thread) that counts tickets.

It speaks enough of Freshdesk (create, note, Filter Tickets by tag), Gorgias (create,
list by ``external_id``, add a message) and Zendesk (create, update with a comment) for the
outbox, and accepts webhooks. Lines added to existing tickets are kept in ``comments``.
``fail_next`` answers that many next requests with 503. ``mode`` sets how it fails:

- ``ok``: answers at once;
- ``hang``: accepts the connection and never answers;
- ``late``: creates the ticket, then answers only after ``late_s`` (past the client's
  timeout), as a slow vendor does.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class FakeHelpdesk:
    """Tickets by reference (the handoff id), and every request seen."""

    def __init__(self, mode: str = "ok", late_s: float = 1.5, delay_s: float = 0.0) -> None:
        self.mode, self.late_s, self.delay_s = mode, late_s, delay_s
        self.tickets: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []
        self.fail_next = 0
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._release = threading.Event()

    def created(self) -> Counter[str]:
        """How many tickets each reference got (a handoff should get exactly one)."""
        with self._lock:
            return Counter(t["ref"] for t in self.tickets)

    def _create(self, ref: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            ticket = {"id": 1000 + len(self.tickets), "ref": ref, "body": body}
            self.tickets.append(ticket)
        return {"id": ticket["id"]}

    def _find(self, ref: str) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": t["id"]} for t in self.tickets if t["ref"] == ref]

    def _comment(self, ticket_id: str, body: Any) -> dict[str, Any]:
        with self._lock:
            self.comments.append({"ticket_id": ticket_id, "body": body})
            return {"id": 5000 + len(self.comments)}

    def lines(self, ticket_id: Any) -> list[Any]:
        """What was added to one ticket after it was created, in order."""
        with self._lock:
            return [c["body"] for c in self.comments if c["ticket_id"] == str(ticket_id)]

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        self.requests.append(f"{method} {path}")
        parts = path.strip("/").split("/")
        if method == "PUT" and path.startswith("/api/v2/tickets/"):  # Zendesk Update Ticket
            self._comment(parts[-1], body["ticket"]["comment"])
            return {"ticket": {"id": int(parts[-1])}}
        if method == "POST" and path.startswith("/api/tickets/") and path.endswith("/messages"):
            return self._comment(parts[2], body)  # Gorgias Create Message
        if path == "/api/v2/tickets" and "ticket" in body:  # Zendesk Create Ticket
            return {"ticket": self._create(body["ticket"]["external_id"].lower(), body)}
        if method == "GET" and path == "/api/v2/search/tickets":  # Freshdesk Filter Tickets
            tag = query["query"][0].split("'")[1]
            found = self._find(tag.removeprefix("escalate_ref_"))
            return {"results": found, "total": len(found)}
        if method == "GET" and path == "/api/tickets":  # Gorgias list by external_id
            return {"object": "list", "data": self._find(query["external_id"][0].lower())}
        if path.endswith("/notes"):  # Freshdesk: the handoff's note, then the shopper's lines
            if "Shopper (via chat)" in body.get("body", ""):
                return self._comment(parts[3], body)
            return {"id": 1}
        if path == "/api/v2/tickets":
            ref = next(t for t in body["tags"] if t.startswith("escalate_ref_"))
            return self._create(ref.removeprefix("escalate_ref_"), body)
        if path == "/api/tickets":
            return self._create(body["external_id"].lower(), body)
        if body.get("event") == "shopper.message":  # a webhook: a line for an existing ticket
            return self._comment(str(body["ticket_id"]), body)
        return self._create(body["idempotency_key"].lower(), body)  # a webhook

    def stop_hanging(self) -> None:
        self._release.set()


def _handler(fake: FakeHelpdesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            size = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(size) if size else b""
            if fake.mode == "hang":
                fake.requests.append(f"{method} {parts.path} (hung)")
                fake._release.wait(60)
                return
            body = json.loads(raw) if raw else None
            time.sleep(fake.delay_s)
            with fake._lock:
                failing = fake.fail_next > 0
                fake.fail_next -= failing
            if failing:
                fake.requests.append(f"{method} {parts.path} (503)")
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            out = json.dumps(fake.answer(method, parts.path, parse_qs(parts.query), body))
            if fake.mode == "late" and method == "POST" and not parts.path.endswith("/notes"):
                time.sleep(fake.late_s)  # the ticket exists; the answer comes too late
            try:
                self.send_response(201 if method == "POST" else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out.encode())
            except OSError:  # the client gave up waiting
                pass

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def do_PUT(self) -> None:  # noqa: N802
            self._serve("PUT")

    return Handler


@contextmanager
def serving(fake: FakeHelpdesk) -> Iterator[str]:
    """Run ``fake`` on a free port of 127.0.0.1; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        fake.stop_hanging()
        server.shutdown()
        server.server_close()
