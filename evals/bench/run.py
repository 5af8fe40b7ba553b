"""One benchmark run: build or reuse the KBs, then measure everything in the same run."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.errors import EscalationError
from agent.settings import Settings
from evals.bench.ingest import measure_ingest
from evals.bench.kb import BenchKB, ensure_kb
from evals.bench.setup import bench_settings
from evals.bench.synthetic import faq_questions, questions
from knowledge.embeddings import LocalMiniLM

__all__ = ["Options", "run_bench", "size_label"]

Progress = Callable[[str, int, int], None]
"""progress(label, done, total)."""


@dataclass(frozen=True)
class Options:
    """How much to measure; the defaults are the run in docs/benchmarks.md."""

    sizes: tuple[int, ...] = (1000, 10_000)
    rounds: int = 2
    """Passes over the questions for turns and retrieval (each pass flips the order)."""
    questions: int = 40
    """Shopper questions per size (three of them must go to a person)."""
    ingest_chunks: int = 300
    """Chunks in the ingest sample (the first documents of the synthetic KB)."""
    embed_texts: int = 48
    """Chunks both embedders embed in bulk; short-query medians take ``repeats`` runs."""
    repeats: int = 30
    eval_cases: int | None = None
    """Cases of the bundled eval set to play (None: all of them; 0: skip the eval)."""
    model_questions: int = 12
    stream_turns: int = 8
    """Answers timed from a model streaming at a fixed rate (0: skip the streaming section)."""
    service: bool = False
    """Also the HTTP service (evals.bench.service), on the first KB size."""
    service_conversations: int = 200
    service_clients: int = 16


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def run_bench(
    settings: Settings, options: Options, progress: Progress, config: Path | None = None
) -> dict[str, Any]:
    """Every measurement, JSON-able (see evals.bench.report for what becomes a row)."""
    run = _Run(settings, options, progress, config)
    kbs = {size_label(size): run.knowledge_base(size) for size in options.sizes}
    run.measured["kbs"] = {label: kb.model_dump(mode="json") for label, kb in kbs.items()}
    run.ingest_and_embedding()
    run.measured["sizes"] = {label: run.size(label, kb) for label, kb in kbs.items()}
    run.model(next(iter(kbs.values())))
    if options.stream_turns:
        run.streaming(next(iter(kbs.values())))
    if options.service:
        run.service(next(iter(kbs.values())))
    if options.eval_cases != 0:
        run.eval_suite()
    return run.measured


class _Run:
    """One run: what it measures with, what it measured so far, and how long each phase took."""

    def __init__(
        self, settings: Settings, options: Options, progress: Progress, config: Path | None
    ) -> None:
        self.settings, self.options, self.progress, self.config = (
            settings,
            options,
            progress,
            config,
        )
        self.embedder = LocalMiniLM(threads=settings.embedding.threads)
        self.max_tokens = settings.knowledge.chunk_max_tokens
        self.measured: dict[str, Any] = {"load_average": _load_average(), "seconds": {}}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.progress(name, 0, 1)
        started = time.perf_counter()
        yield
        self.measured["seconds"][name] = round(time.perf_counter() - started, 2)
        self.progress(name, 1, 1)

    def knowledge_base(self, size: int) -> BenchKB:
        label = size_label(size)
        with self.phase(f"{label} KB"):
            return ensure_kb(self.settings.data_dir, size, self.embedder, self.max_tokens,
                             lambda what, d, t: self.progress(f"{label} KB: {what}", d, t))  # fmt: skip

    def ingest_and_embedding(self) -> None:
        sample = min(self.options.ingest_chunks, *self.options.sizes)  # at most the smallest KB
        with self.phase("ingest"), tempfile.TemporaryDirectory(prefix="escalate-bench-") as tmp:
            ingested, texts = measure_ingest(self.embedder, self.max_tokens, sample, Path(tmp))
        self.measured["ingest"] = ingested
        with self.phase("query embedding"):
            job = {"mode": "embedding", "texts": texts[: self.options.embed_texts],
                   "repeats": self.options.repeats}  # fmt: skip
            self.measured["embedding"] = _worker(job, lambda *a: None)

    def size(self, label: str, kb: BenchKB) -> dict[str, Any]:
        """The memory floor, then turns and retrieval, each in a fresh process."""
        job = {"config": str(self.config) if self.config else None,
               "chroma": str(kb.folder / "chroma"), "questions": questions(count=self.options.questions),
               "rounds": self.options.rounds, "k": self.settings.knowledge.top_k, "learned": kb.learned}  # fmt: skip
        with self.phase(f"{label}: turns"):
            return {
                "libs": _worker({**job, "mode": "libs"}, lambda *a: None),
                "turns": _worker({**job, "mode": "turns"},
                                 lambda what, d, t: self.progress(f"{label}: {what}", d, t)),
            }  # fmt: skip

    def model(self, kb: BenchKB) -> None:
        from evals.bench.model import measure_model

        asked = faq_questions(count=3) + questions(count=self.options.model_questions)
        with self.phase("model calls (mocked endpoint)"), tempfile.TemporaryDirectory() as tmp:
            local = bench_settings(self.settings, kb.folder / "chroma", Path(tmp))
            self.measured["model"] = measure_model(local, asked, kb.learned)

    def streaming(self, kb: BenchKB) -> None:
        from evals.bench.stream import measure_stream

        asked = faq_questions(count=3) + questions(count=40, handoffs=0)
        phase = self.phase("streamed answers (a model streaming at a fixed rate)")
        with phase, tempfile.TemporaryDirectory() as tmp:
            local = bench_settings(self.settings, kb.folder / "chroma", Path(tmp))
            want = self.options.stream_turns
            self.measured["stream"] = measure_stream(local, asked[: 3 * want], want)

    def service(self, kb: BenchKB) -> None:
        from evals.bench.service import LoadOptions, measure_service

        load = LoadOptions(conversations=self.options.service_conversations,
                           clients=self.options.service_clients)  # fmt: skip
        with self.phase("HTTP service"):
            self.measured["service"] = measure_service(
                kb.folder / "chroma", questions(count=self.options.questions), load,
                lambda what, d, t: self.progress(f"service: {what}", d, t),
            )  # fmt: skip

    def eval_suite(self) -> None:
        from evals.bench.throughput import measure_eval

        with self.phase("eval suite"):
            self.measured["eval"] = measure_eval(self.settings, self.options.eval_cases)


def _load_average() -> float | None:
    """The machine's 1-minute load when the run started: other work inflates absolute times."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _worker(job: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Run one size's measurements in a fresh Python process (see evals.bench.worker)."""
    with tempfile.TemporaryDirectory(prefix="escalate-bench-job-") as tmp:
        path, out = Path(tmp) / "job.json", Path(tmp) / "out.json"
        path.write_text(json.dumps({**job, "out": str(out)}), encoding="utf-8")
        command = [sys.executable, "-m", "evals.bench.worker", str(path)]
        tail: collections.deque[str] = collections.deque(maxlen=40)
        with subprocess.Popen(
            command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        ) as proc:
            for line in proc.stderr or []:
                if line.startswith("@progress\t"):
                    _, label, done, total = line.rstrip("\n").split("\t")
                    progress(label, int(done), int(total))
                else:
                    tail.append(line.rstrip("\n"))
        if proc.returncode != 0 or not out.is_file():
            raise EscalationError(f"bench worker ({job['mode']}) failed:\n" + "\n".join(tail))
        return json.loads(out.read_text(encoding="utf-8"))
