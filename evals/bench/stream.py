"""Streamed answers: how soon the first verified sentence reaches the widget, against how
long the model takes to write it.

A model that streams at a fixed rate runs in its own process (evals.bench.stream_server,
on 127.0.0.1). For each question, the widget's clock runs from sending its POST (``Accept:
text/event-stream``) to a real ``escalate serve --dev`` process until it reads the first
sentence's event; the model's from the request's arrival to the moment it wrote that
sentence's closing brace (its citations included). The ratio counts everything the service
and the runtime add: HTTP, journal, retrieval, triggers, the gate's check of the sentence,
the hops to the socket. The same turn read through the library (``EscalationAgent.stream``
in the bench's process) is measured alongside, the sides taking turns.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from agent.settings import Settings
from evals.bench.setup import close

__all__ = ["measure_stream"]


def measure_stream(
    settings: Settings,
    questions: list[str],
    answered: int,
    interval_s: float = 0.02,
    piece_chars: int = 4,
) -> dict[str, Any]:
    """Per answered question: time to sentence 1 ÷ the model's time to write it, at the
    widget (a real ``escalate serve --dev`` process, the SSE reply read over HTTP) and at a
    library reader (``EscalationAgent.stream`` in this process). The two sides ask each
    question in turn, the order flipping each question (A B, B A); questions are asked
    until ``answered`` were answered on both sides (a handoff streams nothing to time) or
    none is left."""
    from agent.runtime import EscalationAgent
    from evals.bench.service import _load_average, _server

    command = [sys.executable, "-m", "evals.bench.stream_server", str(interval_s), str(piece_chars)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    load_before = _load_average()
    turns: dict[str, list[dict[str, float]]] = {"widget": [], "reader": []}
    asked = 0
    try:
        line = server.stdout.readline() if server.stdout else ""
        root = f"http://127.0.0.1:{int(line.split()[1])}"
        with tempfile.TemporaryDirectory(prefix="escalate-bench-stream-") as tmp:
            folder = Path(tmp)
            toml = _settings_toml(settings, folder / "service", f"{root}/v1")
            with _server(toml, folder / "serve.log") as base, httpx.Client() as client:
                agent = EscalationAgent(
                    Settings.load(_settings_toml(settings, folder / "lib", f"{root}/v1"))
                )
                try:
                    sides: dict[str, Callable[[str, str], float | None]] = {
                        "reader": lambda cid, q: _reader(agent, cid, q),
                        "widget": lambda cid, q: _widget(client, base, cid, q),
                    }
                    for warm in sides.values():  # first-use costs, both sides
                        warm("bench-stream-warm", questions[0])
                    for n, question in enumerate(questions):
                        if min(len(t) for t in turns.values()) >= answered:
                            break
                        asked += 1
                        order = ("widget", "reader") if n % 2 == 0 else ("reader", "widget")
                        for side in order:
                            timed = _timed(sides[side], root, f"bench-stream-{side}-{n}", question)
                            turns[side] += [timed] if timed is not None else []
                finally:
                    close(agent)
    finally:
        server.kill()
        server.wait(timeout=10)
    out = _summary(turns["widget"], asked, interval_s, piece_chars)
    out["reader"] = _summary(turns["reader"], asked, interval_s, piece_chars)
    out["load_average"] = [load_before, _load_average()]
    return out


def _settings_toml(settings: Settings, folder: Path, base_url: str) -> Path:
    """The bench's settings for a process of its own: the KB, a scratch data folder, the
    local embedder and the fixed-rate model."""
    folder.mkdir(parents=True, exist_ok=True)
    chroma = Path(settings.chroma_path).resolve()
    path = folder / "settings.toml"
    path.write_text(
        f'data_dir = "{folder / "data"}"\n\n[knowledge]\nchroma_path = "{chroma}"\n\n'
        f'[embedding]\nbackend = "local"\n\n'
        f'[llm]\nbase_url = "{base_url}"\napi_key = "sk-bench"\nmax_retries = 0\n',
        encoding="utf-8",
    )
    return path


def _reader(agent: Any, cid: str, question: str) -> float | None:
    """Seconds from calling ``stream`` to its first streamed sentence (None: none came)."""
    asked = time.monotonic()
    first: float | None = None
    for event in agent.stream(cid, question):
        if first is None and event.event == "message" and "citations" in event.data:
            first = time.monotonic()  # a streamed sentence, checked by the gate
    return None if first is None else first - asked


def _widget(client: httpx.Client, base: str, cid: str, question: str) -> float | None:
    """Seconds from sending the POST to reading its first streamed sentence's event."""
    asked = time.monotonic()
    first: float | None = None
    with client.stream(
        "POST",
        f"{base}/v1/conversations/{cid}/messages",
        json={"text": question},
        headers={"Accept": "text/event-stream"},
        timeout=60,
    ) as response:
        response.raise_for_status()
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif first is None and event == "message" and line.startswith("data:"):
                first = time.monotonic() if "citations" in json.loads(line[5:]) else None
    return None if first is None else first - asked


def _timed(
    side: Callable[[str, str], float | None], root: str, cid: str, question: str
) -> dict[str, float] | None:
    """One turn on one side, against the model's log of that very request."""
    started = time.monotonic()
    reader_s = side(cid, question)
    with urllib.request.urlopen(f"{root}/_log", timeout=5) as answer:
        log = [r for r in json.loads(answer.read()) if r["arrived"] >= started]
    if reader_s is None or not log or not log[-1]["claims_done"]:
        return None  # not answered (a handoff): nothing streamed to time
    model_s = log[-1]["claims_done"][0] - log[-1]["arrived"]
    return {
        "reader_s": reader_s,
        "model_s": model_s,
        "lag_s": started + reader_s - log[-1]["claims_done"][0],
    }


def _summary(
    turns: list[dict[str, float]], asked: int, interval_s: float, chars: int
) -> dict[str, Any]:
    if not turns:
        return {"skipped": f"none of {asked} questions was answered with a streamed sentence"}
    ratios = [t["reader_s"] / t["model_s"] for t in turns]
    ms = lambda key: round(statistics.median(t[key] for t in turns) * 1000, 1)  # noqa: E731
    return {
        "turns": len(turns),
        "asked": asked,
        "ratio_p50": round(statistics.median(ratios), 3),
        "ratio_max": round(max(ratios), 3),
        "reader_ms_p50": ms("reader_s"),
        "model_ms_p50": ms("model_s"),
        "lag_ms_p50": ms("lag_s"),
        "interval_ms": round(interval_s * 1000, 1),
        "piece_chars": chars,
    }
