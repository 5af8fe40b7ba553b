"""Playing an eval set through the public runtime, exactly as a bot runtime would."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import ConfigError, EscalationError
from agent.knowledge_base import ingest_options, make_embedder, open_store
from agent.llm import LLM
from agent.runtime import EscalationAgent, sqlite_checkpointer
from agent.settings import Settings
from evals.records import CaseRecord, GateRecord, TurnRecord, declined_by
from evals.schema import Case, CaseProblem, read_cases
from knowledge.ingest import ingest
from knowledge.store import VectorStore

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


class EvalSet(BaseModel):
    """A set folder: cases.jsonl, kb/ and the optional set.toml."""

    model_config = ConfigDict(extra="forbid")
    name: str
    path: Path
    description: str = ""
    vertical: str | None = None
    overrides: dict[str, Any] = {}
    """Settings sections from set.toml (grounding, triggers, handoff...)."""
    split: Literal["dev", "test"] | None = None
    """set.toml ``split``: the half of a set rules are tuned on (dev) or only measured on (test)."""
    replay: Path | None = None
    """set.toml ``replay = "../paraphrases"``: the set a learning curve plays after learning."""


class SetRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    set: EvalSet
    records: list[CaseRecord]
    problems: list[CaseProblem]
    seconds: float
    ingest_seconds: float
    backend: str
    """Name of the answer model the cases ran against."""

    @property
    def cases_per_second(self) -> float:
        return len(self.records) / self.seconds if self.seconds else 0.0


def load_set(path: Path) -> EvalSet:
    """Read set.toml (if any); its keys other than name/description are settings overrides."""
    if not (path / "cases.jsonl").is_file():
        raise ConfigError(f"{path}: not an eval set (no cases.jsonl)")
    data: dict[str, Any] = {}
    if (path / "set.toml").is_file():
        try:
            data = tomllib.loads((path / "set.toml").read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path / 'set.toml'}: not valid TOML: {exc}") from exc
    name = str(data.pop("name", path.name))
    description = str(data.pop("description", ""))
    replay = data.pop("replay", None)
    split = data.pop("split", None)
    if split not in (None, "dev", "test"):
        raise ConfigError(f'{path / "set.toml"}: split: must be "dev" or "test", not {split!r}')
    if replay is not None and not (path / str(replay) / "cases.jsonl").is_file():
        raise ConfigError(f"{path / 'set.toml'}: replay: no cases.jsonl in {path / str(replay)}")
    return EvalSet(
        name=name,
        path=path,
        description=description,
        vertical=data.get("vertical"),
        overrides=data,
        replay=(path / str(replay)) if replay is not None else None,
        split=split,
    )


def set_settings(base: Settings, eval_set: EvalSet) -> Settings:
    """The base settings with the set's overrides merged in, validated (naming set.toml on error)."""
    merged = _deep_merge(base.model_dump(), eval_set.overrides)
    try:
        return Settings.load(None, **merged)
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("settings:", f"{eval_set.path / 'set.toml'}:")) from exc


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            _deep_merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


EVAL_SOURCE = "kb"
"""The source a set's kb/ folder is ingested as: cited ids read ``kb:<path in kb/>``."""


def set_store(
    eval_set: EvalSet, settings: Settings, progress: Progress | None = None
) -> tuple[VectorStore, float]:
    """The set's own vector store, cached between runs (ingest skips unchanged documents)."""
    key = hashlib.sha256(str(eval_set.path.resolve()).encode()).hexdigest()[:10]
    folder = settings.data_dir / "eval-stores" / f"{eval_set.name}-{key}"
    embedder = make_embedder(settings)
    store = open_store(
        settings.model_copy(
            update={
                "knowledge": settings.knowledge.model_copy(
                    update={"chroma_path": folder, "chroma_url": None}
                )
            }
        ),
        embedder,
    )
    started = time.perf_counter()
    report = ingest(
        eval_set.path / "kb",
        store,
        embedder,
        max_tokens=settings.knowledge.chunk_max_tokens,
        progress=(lambda d, t, doc: progress(d, t, f"ingesting {doc}")) if progress else None,
        # The store is the set's own cache, so it mirrors kb/ whatever that removes.
        options=ingest_options(settings, source=EVAL_SOURCE, prune=True),
    )
    for problem in report.problems:
        log.warning("%s: kb/%s: %s", eval_set.name, problem.path, problem.message)
    return store, time.perf_counter() - started


def play_case(
    agent: EscalationAgent, store: VectorStore, case: Case, set_name: str, run_id: str
) -> CaseRecord:
    """Feed the turns one at a time; stop at the handoff. Never raises."""
    record = CaseRecord(case=case, set_name=set_name)
    cid = f"eval:{set_name}:{case.id}:{run_id}"[:200]
    try:
        for n, text in enumerate(case.turns, 1):
            started = time.perf_counter()
            reply = agent.send(
                cid,
                text,
                customer=case.customer,
                agents_online=case.agents_online,
                vertical=case.vertical,
            )
            latency = (time.perf_counter() - started) * 1000
            cited = reply.citations + (
                reply.handoff.suggested_resolution.citations if reply.handoff else []
            )
            texts = {c.chunk_id: _chunk_text(store, c.chunk_id) for c in cited}
            record.turns.append(
                TurnRecord(
                    n=n,
                    shopper=text,
                    kind=reply.kind,
                    messages=reply.messages,
                    citations=reply.citations,
                    cited_texts=texts,
                    confidence=reply.confidence,
                    latency_ms=round(latency, 2),
                    handoff=reply.handoff,
                    gate=_gate(agent, store, cid),
                )
            )
            if reply.kind == "handoff":
                # each case is its own shopper: none waits in line behind another case
                if reply.handoff is not None:  # a handoff reply always carries its package
                    agent.board.closed(reply.handoff.id)
                break
    except EscalationError as exc:
        record.error = f"{type(exc).__name__}: {exc}"
    return record


def _gate(agent: EscalationAgent, store: VectorStore, cid: str) -> GateRecord | None:
    """The gate's verdict on this turn's draft, from the conversation's state (None when no
    draft was scored: a trigger fired first, small talk, a person owns the conversation)."""
    values = agent.graph.get_state({"configurable": {"thread_id": cid}}).values
    verdict = values.get("verdict") or {}
    if "confidence" not in verdict:
        return None
    sentences = (values.get("draft") or {}).get("sentences") or []
    cited = list(dict.fromkeys(c for s in sentences for c in s.get("citations", [])))
    return GateRecord(
        confidence=float(verdict["confidence"]),
        passed=bool(verdict.get("passed")),
        declined_by=declined_by(verdict),
        problems=[str(p) for p in verdict.get("problems") or []],
        draft=" ".join(str(s.get("text", "")) for s in sentences).strip(),
        draft_cited={c: _chunk_text(store, c) for c in cited},
    )


def _chunk_text(store: VectorStore, chunk_id: str) -> str:
    chunk = store.get_chunk(chunk_id)
    return chunk.text if chunk else ""


def run_set(
    path: Path,
    base: Settings,
    llm: LLM | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
) -> SetRun:
    """Play every valid case of a set with fresh state each; malformed cases are reported, not run."""
    eval_set = load_set(path)
    settings = set_settings(base, eval_set)
    store, ingest_seconds = set_store(eval_set, settings, progress)
    cases, problems = read_cases(path / "cases.jsonl")
    cases = [c for c in cases if not only or c.id in only]
    run_id = hashlib.sha256(f"{time.time_ns()}".encode()).hexdigest()[:8]
    with tempfile.TemporaryDirectory(prefix="escalate-eval-") as tmp:
        saver = sqlite_checkpointer(str(Path(tmp) / "conversations.sqlite"))
        agent = EscalationAgent(settings, retriever=store, llm=llm, checkpointer=saver)
        started = time.perf_counter()
        records = []
        for done, case in enumerate(cases, 1):
            records.append(play_case(agent, store, case, eval_set.name, run_id))
            if progress:
                progress(done, len(cases), case.id)
        seconds = time.perf_counter() - started
        saver.conn.close()
    return SetRun(
        set=eval_set,
        records=records,
        problems=problems,
        seconds=round(seconds, 3),
        ingest_seconds=round(ingest_seconds, 3),
        backend=agent.context.llm.name,
    )
