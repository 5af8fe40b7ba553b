"""One KB size measured in a fresh process, so that "first turn after start" and peak memory
mean what they say.

    python -m evals.bench.worker JOB.json

``mode = "embedding"``: Chroma's stock embedder against ours (knowledge.embedder_bench).
``mode = "libs"``: the libraries alone (the model embeds, Chroma answers) for the memory floor.
``mode = "turns"``: start, first turn, steady turns through the runtime against the same work
by direct calls, retrieval against a bare Chroma query, peak memory.
Progress goes to stderr as ``@progress<TAB>label<TAB>done<TAB>total`` lines; the result to
the job's ``out`` file as JSON.
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.bench.measure import interleaved, percentile, rss_mb, timed

if TYPE_CHECKING:
    from agent.settings import Settings

__all__ = ["main"]


def _progress(label: str, total: int) -> Callable[[], None]:
    done = itertools.count(1)

    def tick() -> None:
        print(f"@progress\t{label}\t{next(done)}\t{total}", file=sys.stderr, flush=True)

    return tick


def _settings(job: dict[str, Any], data_dir: Path) -> Settings:
    from agent.settings import Settings
    from evals.bench.setup import bench_settings

    return bench_settings(Settings.load(job.get("config")), Path(job["chroma"]), data_dir)


def libraries_alone(job: dict[str, Any]) -> dict[str, Any]:
    """The model embeds every question and Chroma answers it: what the libraries need."""
    from knowledge.embeddings import LocalMiniLM
    from knowledge.store import VectorStore

    settings = _settings(job, Path(tempfile.gettempdir()))
    embedder = LocalMiniLM(threads=settings.embedding.threads)
    store = VectorStore(embedder, path=settings.chroma_path)
    for vector in embedder.embed(job["questions"]):
        store.bare_query(vector, job["k"])
    return {"rss_mb": round(rss_mb(), 1), "peak_rss_mb": round(rss_mb(peak=True), 1)}


def turns(job: dict[str, Any]) -> dict[str, Any]:
    from agent.runtime import EscalationAgent
    from evals.bench.growth import conversation_growth
    from evals.bench.kb import learned_answers
    from evals.bench.setup import approve_learned, close

    questions = job["questions"]
    with tempfile.TemporaryDirectory(prefix="escalate-bench-") as tmp:
        start_s, agent = timed(lambda: EscalationAgent(_settings(job, Path(tmp))))
        approved = approve_learned(agent, learned_answers(job["learned"]))
        first_s, _ = timed(lambda: agent.send("bench-first", questions[0]))
        tick = _progress("warming up", len(questions))
        kinds: Counter[str] = Counter()
        for n, question in enumerate(questions):
            kinds[agent.send(f"bench-warm-{n}", question).kind] += 1
            tick()
        times = _turn_times(agent, questions, job["rounds"])
        retrieval = _retrieval(agent.context.retriever, questions, job["rounds"], job["k"])
        again = [_cold(agent, f"bench-again-{n}", questions[0]) for n in range(3)]
        written = _checkpoints(agent, "bench-0")
        growth = conversation_growth(agent, questions, job.get("long_turns", 200),
                                     _progress("one long conversation", job.get("long_turns", 200)))  # fmt: skip
        peak = rss_mb(peak=True)
        close(agent)
    warm = times["runtime"][:: len(questions)]  # the first question, its sentences known
    return {
        "start_ms": round(start_s * 1000, 2),
        "first_turn_ms": round(first_s * 1000, 2),
        "first_question_steady_ms": round(percentile(again, 50), 2),
        "first_question_warm_ms": round(percentile(warm, 50), 2),
        "turns": len(times["runtime"]),
        "learned_approved": approved,
        "kinds": dict(kinds),
        **{
            f"{side}_{stat}_ms": round(percentile(times[side], q), 2)
            for side in ("runtime", "graph", "direct")
            for stat, q in (("p50", 50), ("p95", 95))
        },
        "retrieval": retrieval,
        "checkpoints": written,
        "growth": growth,
        "peak_rss_mb": round(peak, 1),
    }


def _checkpoints(agent: Any, conversation_id: str) -> dict[str, Any]:
    """What one turn left in the SQLite checkpointer: checkpoints, and their bytes."""
    conn = getattr(agent.graph.checkpointer, "conn", None)
    if conn is None:
        return {}
    query = (
        "SELECT count(*), coalesce(sum(length(checkpoint)), 0) FROM checkpoints WHERE thread_id = ?"
    )
    count, size = conn.execute(query, (conversation_id,)).fetchone()
    return {"per_turn": count, "kb_per_turn": round(size / 1024, 1)}


def _turn_times(agent: Any, questions: list[str], rounds: int) -> dict[str, list[float]]:
    """Each question as a new conversation three ways, taking turns: through the runtime;
    through the same graph with in-memory checkpoints saved on exit (LangGraph's own share);
    by direct calls."""
    from langgraph.checkpoint.memory import InMemorySaver

    from evals.bench.direct import direct_turn

    graph = agent.graph.builder.compile(checkpointer=InMemorySaver(), store=agent.store)
    ids = itertools.count()

    def through_graph(text: str) -> None:
        cid = f"graph-{next(ids)}"
        turn = {
            "conversation_id": cid,
            "incoming": text,
            "action": "message",
            "agents_online": True,
        }
        config = {"configurable": {"thread_id": cid}}
        graph.invoke(turn, config, context=agent.context, durability="exit")

    return interleaved(
        {
            "runtime": lambda q: agent.send(f"bench-{next(ids)}", q),
            "graph": through_graph,
            "direct": lambda q: direct_turn(agent.context, f"direct-{next(ids)}", q, agent.store),
        },
        questions,
        rounds,
        _progress("turns", rounds * len(questions)),
    )


def _cold(agent: Any, conversation_id: str, question: str) -> float:
    """Milliseconds of a turn in a warm process whose answer cache is as empty as at start."""
    forget = getattr(agent.context.llm, "forget", None)
    if forget is not None:
        forget()
    return timed(lambda: agent.send(conversation_id, question))[0] * 1000


def _retrieval(store: Any, questions: list[str], rounds: int, k: int) -> dict[str, Any]:
    """Our search against Chroma's bare query: given the same vector, and both embedding."""
    vectors = store.embedder.embed(questions)
    by_vector = interleaved(
        {"ours": lambda v: store.search_vector(v, k), "bare": lambda v: store.bare_query(v, k)},
        vectors,
        rounds * 5,
        _progress("retrieval", rounds * 5 * len(vectors)),
    )
    embed = store.embedder.embed
    by_text = interleaved(
        {
            "ours": lambda q: store.search(q, k),
            "bare": lambda q: store.bare_query(embed([q])[0], k),
        },
        questions,
        rounds,
    )
    return {
        "k": k,
        "queries": len(questions),
        "chunks": store.count(),
        **{
            f"{name}_{side}_ms": round(percentile(t[side], 50), 3)
            for name, t in (("vector", by_vector), ("text", by_text))
            for side in ("ours", "bare")
        },  # fmt: skip
    }


def embedding(job: dict[str, Any]) -> dict[str, Any]:
    """Chroma's stock embedder against ours, in a process that has done nothing else."""
    from knowledge.embedder_bench import compare_with_chroma

    return compare_with_chroma(job["texts"], job["repeats"])


MODES = {"embedding": embedding, "libs": libraries_alone, "turns": turns}


def main(argv: list[str]) -> None:
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = MODES[job["mode"]](job)
    Path(job["out"]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
