"""The model-and-embeddings fault campaign: every fault mode of the fake server, through the
real runtime, the real openai client and real HTTP on 127.0.0.1.

    python -m tests.reliability.campaign [--deadline 2]   # prints the docs' table

Per fault mode and endpoint, four turns are tried: a question, a follow-up in the same
conversation, the 'Talk to a person' button and an explicit request in new ones. A turn
survives when it ends in an answer, an acknowledgement, a person's silence, or a handoff
that is kept (in the conversation and in the outbox). Anything else is lost.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agent.knowledge_base import make_embedder
from agent.reply import BotReply
from agent.runtime import EscalationAgent
from agent.settings import Settings
from knowledge.embeddings import Embedder
from knowledge.models import Chunk, ScoredChunk
from knowledge.vocabulary import words_of
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.reliability.fake_openai import MODES, vector

QUESTION = "How many days do I have to return unworn items?"
ALL_MODES = {"refused": "connection refused (nothing listens)", **MODES}
CHAT_MODES = list(ALL_MODES)
EMBEDDING_MODES = [m for m in ALL_MODES if m != "refusal"]


@dataclass
class Outcome:
    endpoint: str
    mode: str
    tried: int
    survived: int
    first_reply: str
    worst_s: float

    @property
    def lost(self) -> int:
        return self.tried - self.survived


class EmbeddingRetriever:
    """Cosine search over the sample KB; the query is embedded by the endpoint under test
    (the chunks' vectors are the fake server's own function, computed here)."""

    def __init__(self, embedder: Embedder, chunks: Sequence[Chunk]) -> None:
        self.embedder, self.chunks = embedder, list(chunks)
        self.vectors = [vector(c.embed_text) for c in self.chunks]

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        q = self.embedder.embed([query])[0]
        scored = [
            ScoredChunk(chunk=c, score=round(sum(a * b for a, b in zip(q, v, strict=True)), 4))
            for c, v in zip(self.chunks, self.vectors, strict=True)
        ]
        return sorted(scored, key=lambda s: -s.score)[:k]

    def vocabulary(self) -> frozenset[str]:
        return frozenset(w for c in self.chunks for w in words_of(c.embed_text))


@contextmanager
def fake_server() -> Iterator[str]:
    """The fake OpenAI-compatible server in its own process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.fake_openai"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        yield f"http://127.0.0.1:{int(line.split()[1])}/v1"
    finally:
        process.kill()
        process.wait(timeout=10)


def set_mode(base_url: str, chat: str = "ok", embeddings: str = "ok") -> None:
    """Tell the fake server how to answer from now on."""
    body = json.dumps({"chat": chat, "embeddings": embeddings}).encode()
    root = base_url.rsplit("/v1", 1)[0]
    urllib.request.urlopen(urllib.request.Request(f"{root}/_mode", body), timeout=5).read()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def settings_for(base_url: str, data_dir: Path, deadline: float, **extra: object) -> Settings:
    llm = {"base_url": base_url, "api_key": "sk-fake", "turn_deadline_s": deadline}
    return Settings.load(data_dir=data_dir, store_name="Northwind", llm=llm, **extra)


def kept(agent: EscalationAgent, cid: str, reply: BotReply) -> bool:
    """The turn ended well: not an error, and a handoff is both saved and queued."""
    if reply.kind == "error":
        return False
    if reply.kind != "handoff":
        return True
    saved = agent.conversation(cid).handoff
    return saved is not None and agent.outbox.get(saved.id) is not None


def run_mode(base_url: str, endpoint: str, mode: str, data_dir: Path, deadline: float) -> Outcome:
    """Four turns with one endpoint failing in one way; the other endpoint answers well."""
    set_mode(base_url, **{endpoint: "ok" if mode == "refused" else mode})
    refused = closed_port_url() if mode == "refused" else None
    embedding = {"backend": "openai", "base_url": refused if endpoint == "embeddings" else None}
    llm_url = refused if refused and endpoint == "chat" else base_url
    settings = settings_for(llm_url, data_dir, deadline, embedding=embedding)
    retriever = (
        EmbeddingRetriever(make_embedder(settings), SAMPLE_KB)
        if endpoint == "embeddings"
        else LexicalRetriever(SAMPLE_KB)
    )
    agent = EscalationAgent(settings, retriever=retriever)
    turns = [
        ("q", lambda: agent.send("q", QUESTION)),
        ("q", lambda: agent.send("q", "hello? are you still there?")),
        ("button", lambda: agent.request_human("button")),
        ("asks", lambda: agent.send("asks", "I want to talk to a real person please")),
    ]
    survived, worst, first = 0, 0.0, ""
    try:
        for cid, turn in turns:
            started = time.monotonic()
            reply = turn()
            worst = max(worst, time.monotonic() - started)
            survived += kept(agent, cid, reply)
            first = first or reply.kind
    finally:
        agent.close()
    return Outcome(endpoint, mode, len(turns), survived, first, round(worst, 2))


def campaign(
    base_url: str, workdir: Path, deadline: float = 2.0, only: Sequence[str] = ()
) -> list[Outcome]:
    """Every chat fault mode, then every embeddings fault mode (or only those named)."""
    plan = [("chat", m) for m in CHAT_MODES] + [("embeddings", m) for m in EMBEDDING_MODES]
    plan = [(e, m) for e, m in plan if not only or m in only]
    return [
        run_mode(base_url, endpoint, mode, workdir / f"{endpoint}-{mode}", deadline)
        for endpoint, mode in plan
    ]


def table(outcomes: Sequence[Outcome], deadline: float) -> str:
    """The markdown table the docs carry."""
    lines = [
        f"| endpoint | fault mode | tried | survived | lost | question ended in | "
        f"worst turn (s, deadline {deadline:g}) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {o.endpoint} | {ALL_MODES[o.mode]} | {o.tried} | {o.survived} | {o.lost} | "
        f"{o.first_reply} | {o.worst_s:.2f} |"
        for o in outcomes
    ]
    total = sum(o.tried for o in outcomes), sum(o.survived for o in outcomes)
    lines.append(f"| all | | {total[0]} | {total[1]} | {total[0] - total[1]} | | |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=2.0, help="llm.turn_deadline_s")
    parser.add_argument("--only", nargs="*", default=[], choices=list(ALL_MODES), help="modes")
    args = parser.parse_args(argv)
    with fake_server() as base_url, tempfile.TemporaryDirectory() as tmp:
        print(table(campaign(base_url, Path(tmp), args.deadline, args.only), args.deadline))


if __name__ == "__main__":
    main()
