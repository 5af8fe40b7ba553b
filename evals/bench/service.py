"""The HTTP service under load: a turn over HTTP against the same turn through the library,
then many clients at once against one or two service processes, counting every turn.

Every server is a real ``escalate serve --dev`` process on 127.0.0.1 (a free port), the
offline backend, the bench KB; every loop is bounded in count and time. A turn is *lost*
when its message is missing from the conversation's transcript afterwards, *duplicated*
when it is there twice; the transcript is read back over HTTP after the run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from agent.errors import EscalationError

__all__ = ["LoadOptions", "measure_service"]

Progress = Callable[[str, int, int], None]
_START_TIMEOUT_S = 120.0
_REQUEST_TIMEOUT_S = 60.0
ADMIN_URL = "postgresql://127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class LoadOptions:
    single_turns: int = 80
    """Timed turns per side of the one-client comparison (HTTP vs library), in A B B A
    blocks after an untimed warm-up pass over the questions."""
    clients: int = 16
    conversations: int = 200
    turns: int = 5
    postgres: bool = True
    """Also run on PostgreSQL (a scratch database on 127.0.0.1:5432), one and two processes."""
    budget_s: float = 1800.0
    """A load run stops sending (and says so) after this long."""


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    sent: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings_file(folder: Path, chroma: Path, database_url: str | None) -> Path:
    lines = [f'data_dir = "{folder / "data"}"']
    if database_url:
        lines.append(f'database_url = "{database_url}"')
    lines += ["", "[knowledge]", f'chroma_path = "{chroma}"']
    path = folder / "settings.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def _server(settings: Path, log: Path) -> Iterator[str]:
    """``escalate serve --dev`` on a free port; yields its base URL; stopped on exit."""
    port = _free_port()
    command = [sys.executable, "-c", "from agent.cli import main; main()", "serve", "--dev",
               "--host", "127.0.0.1", "--port", str(port), "--settings", str(settings)]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise EscalationError(f"escalate serve exited ({proc.returncode}):\n{tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise EscalationError(f"escalate serve did not answer in {_START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def _scratch_database() -> Iterator[str | None]:
    """A new empty database on the local PostgreSQL server (None when none answers)."""
    from agent.storage_postgres import scratch_database

    try:
        scratch = scratch_database(ADMIN_URL, prefix="escalate_bench")
        url = scratch.__enter__()
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows are reported missing
        yield None
        return
    try:
        yield url
    finally:
        scratch.__exit__(None, None, None)


def _post(client: httpx.Client, base: str, cid: str, text: str, mid: str) -> httpx.Response:
    return client.post(
        f"{base}/v1/conversations/{cid}/messages",
        json={"text": text, "message_id": mid},
        timeout=_REQUEST_TIMEOUT_S,
    )


def _single(
    settings: Path, chroma: Path, folder: Path, questions: list[str], turns: int
) -> dict[str, Any]:
    """One client: p50 of a turn over HTTP ÷ p50 of the same turn through the library.

    Both sides first answer every question once, untimed (caches warm on both, as in the
    turn benchmark: a cold answer's embedding work would hide the HTTP layer). Then each
    question is asked in a block of four, A B B A, the order flipping every block, each turn
    a fresh conversation: a burst of load on the shared machine falls on both sides alike.
    ``turns`` turns per side; the load average is read before and after."""
    from agent.runtime import EscalationAgent
    from agent.settings import Settings

    library = Settings.load(_settings_file(_mkdir(folder / "lib"), chroma, None))
    http_s: list[float] = []
    lib_s: list[float] = []
    load_before = _load_average()
    with _server(settings, folder / "single.log") as base:
        agent = EscalationAgent(library)
        client = _KeptAlive(base)
        try:

            def turn(side: str, cid: str, text: str) -> float:
                started = time.perf_counter()
                if side == "http":
                    client.post(
                        f"/v1/conversations/{cid}/messages", {"text": text, "message_id": "m"}
                    )
                else:
                    agent.send(cid, text, message_id="m")
                return time.perf_counter() - started

            for n, text in enumerate(questions):  # warm-up, untimed
                turn("http", f"single-warm-{n}", text)
                turn("lib", f"single-warm-{n}", text)
            served_before = _served(client)
            for block in range(max(1, (turns + 1) // 2)):
                text = questions[block % len(questions)]
                order = ("http", "lib", "lib", "http") if block % 2 == 0 else ("lib", "http", "http", "lib")  # fmt: skip
                for k, side in enumerate(order):
                    seconds = turn(side, f"single-{side}-{block}-{k}", text)
                    (http_s if side == "http" else lib_s).append(seconds)
            served = _served(client)
        finally:
            client.close()
            agent.close()
    http_p50, lib_p50 = statistics.median(http_s), statistics.median(lib_s)
    per_block = [statistics.median(h) / statistics.median(b) for h, b in _blocks(http_s, lib_s)]
    return {
        "turns": len(http_s),
        "http_p50_ms": round(http_p50 * 1000, 1),
        "library_p50_ms": round(lib_p50 * 1000, 1),
        "ratio_p50": round(http_p50 / lib_p50, 3),
        "ratio_block_median": round(statistics.median(per_block), 3),
        # the HTTP layer alone: a request's mean time ÷ the mean time of the turn inside it
        # (the server's own turn histogram); the rest of the ratio is the same turn in
        # another process
        "http_mean_ms": round(statistics.mean(http_s) * 1000, 1),
        "server_turn_mean_ms": round(
            (served[0] - served_before[0]) / max(served[1] - served_before[1], 1) * 1000, 1
        ),
        "library_mean_ms": round(statistics.mean(lib_s) * 1000, 1),
        "load_average": [load_before, _load_average()],
    }


class _KeptAlive:
    """The one client of the single-client comparison: the standard library's HTTP client on
    one kept-alive connection, so that what is timed is the service's HTTP path, not the
    client library's own work (httpx spends about a millisecond a request)."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=_REQUEST_TIMEOUT_S)

    def post(self, path: str, body: dict[str, Any]) -> bytes:
        data = json.dumps(body).encode()
        self.conn.request("POST", path, data, {"Content-Type": "application/json"})
        response = self.conn.getresponse()
        answer = response.read()
        if response.status != 200:
            raise EscalationError(f"POST {path}: HTTP {response.status}: {answer[:300]!r}")
        return answer

    def get(self, path: str) -> bytes:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        answer = response.read()
        if response.status != 200:
            raise EscalationError(f"GET {path}: HTTP {response.status}: {answer[:300]!r}")
        return answer

    def close(self) -> None:
        self.conn.close()


def _served(client: _KeptAlive) -> tuple[float, float]:
    """The server's own turn histogram: seconds spent in turns, and turns."""
    found = {"sum": 0.0, "count": 0.0}
    for line in client.get("/metrics").decode().splitlines():
        for key in found:
            if line.startswith(f"escalate_turn_seconds_{key} "):
                found[key] = float(line.split()[1])
    return found["sum"], found["count"]


def _blocks(http_s: list[float], lib_s: list[float]) -> list[tuple[list[float], list[float]]]:
    """The two turns of each side in one A B B A block."""
    return [
        (http_s[i : i + 2], lib_s[i : i + 2]) for i in range(0, min(len(http_s), len(lib_s)) - 1, 2)
    ]


def _load_average() -> float | None:
    """The machine's 1-minute load now (other work inflates absolute times)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _conversation_turns(cid: str, turns: int, questions: list[str]) -> list[str]:
    """Five distinct messages of one conversation (distinct so a duplicate is visible)."""
    offset = sum(map(ord, cid))
    return [f"{questions[(offset + t) % len(questions)]} ({t + 1}/{turns})" for t in range(turns)]


def _load(
    bases: list[str], options: LoadOptions, questions: list[str], run: str, progress: Progress
) -> dict[str, Any]:
    """``clients`` threads share ``conversations`` conversations of ``turns`` turns; with two
    servers a conversation's turns alternate between them."""
    tally, work = _Tally(), queue.Queue[str]()
    for n in range(options.conversations):
        work.put(f"{run}-{n}")
    deadline = time.monotonic() + options.budget_s
    done = [0]

    def client_loop() -> None:
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                try:
                    cid = work.get_nowait()
                except queue.Empty:
                    return
                texts = _conversation_turns(cid, options.turns, questions)
                with tally.lock:
                    tally.sent[cid] = []
                for t, text in enumerate(texts):
                    base = bases[t % len(bases)]
                    started = time.perf_counter()
                    try:
                        response = _post(client, base, cid, text, f"{cid}-{t}")
                        status = response.status_code
                    except httpx.HTTPError as exc:
                        with tally.lock:
                            tally.errors.append(f"{cid} turn {t + 1}: {type(exc).__name__}")
                        status = 0
                    tally.record(time.perf_counter() - started, status)
                    if status == 200:
                        with tally.lock:
                            tally.sent[cid].append(text)
                with tally.lock:
                    done[0] += 1
                    progress("load", done[0], options.conversations)

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    lost, duplicated = _audit(bases[0], tally.sent)
    ordered = sorted(tally.latencies)
    return {
        "servers": len(bases),
        "clients": options.clients,
        "conversations": len(tally.sent),
        "turns_sent": sum(tally.statuses.values()),
        "turns_per_s": round(len(ordered) / wall, 2) if wall else None,
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else None,
        "status_5xx": sum(n for s, n in tally.statuses.items() if s >= 500),
        "status_other": {str(s): n for s, n in tally.statuses.items() if s != 200 and s < 500},
        "transport_errors": len(tally.errors),
        "lost": lost,
        "duplicated": duplicated,
        "unfinished": options.conversations - len(tally.sent),
    }


def _audit(base: str, sent: dict[str, list[str]]) -> tuple[int, int]:
    """Read every conversation back: each accepted message once, in order."""
    lost = duplicated = 0
    with httpx.Client() as client:
        for cid, texts in sent.items():
            response = client.get(f"{base}/v1/conversations/{cid}", timeout=_REQUEST_TIMEOUT_S)
            if response.status_code != 200:
                lost += len(texts)
                continue
            lines = [
                t["text"] for t in response.json().get("transcript", []) if t["role"] == "shopper"
            ]
            for text in texts:
                count = lines.count(text)
                lost += count == 0
                duplicated += max(0, count - 1)
    return lost, duplicated


def measure_service(
    chroma: Path, questions: list[str], options: LoadOptions, progress: Progress
) -> dict[str, Any]:
    """The single-client ratio and the load rows (SQLite; PostgreSQL one and two processes)."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="escalate-bench-service-") as tmp:
        folder = Path(tmp)
        sqlite = _settings_file(_mkdir(folder / "sqlite"), chroma, None)
        progress("service: one client", 0, 1)
        out["single"] = _single(sqlite, chroma, folder, questions, options.single_turns)
        one_client = 1000.0 / out["single"]["http_p50_ms"]
        with _server(sqlite, folder / "sqlite.log") as base:
            out["sqlite"] = _load([base], options, questions, "sq", progress)
        if options.postgres:
            with _scratch_database() as url:
                if url is None:
                    out["postgres"] = out["postgres_two"] = None  # reported as missing
                else:
                    pg = _settings_file(_mkdir(folder / "pg"), chroma, url)
                    with _server(pg, folder / "pg1.log") as base:
                        out["postgres"] = _load([base], options, questions, "pg", progress)
                    with (
                        _server(pg, folder / "pg2a.log") as a,
                        _server(pg, folder / "pg2b.log") as b,
                    ):
                        out["postgres_two"] = _load([a, b], options, questions, "p2", progress)
        for row in ("sqlite", "postgres", "postgres_two"):
            if out.get(row) and out[row]["turns_per_s"]:
                out[row]["vs_one_client"] = round(out[row]["turns_per_s"] / one_client, 2)
    return out


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
