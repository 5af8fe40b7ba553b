"""From measurements to rows: each figure a ratio to what the libraries alone do, with its
target, pass or miss, and the absolute numbers behind it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Row", "Target", "at_least", "at_most", "ci_failures", "rows_from"]


class Target(BaseModel):
    """What a figure should reach, and the CI limit: twice as bad as the target."""

    model_config = ConfigDict(extra="forbid")
    op: Literal["<=", ">="]
    value: float
    ci: float
    """CI fails beyond this (a noisy machine never breaks the build)."""

    def met(self, value: float) -> bool:
        return value <= self.value if self.op == "<=" else value >= self.value

    def within_ci(self, value: float) -> bool:
        return value <= self.ci if self.op == "<=" else value >= self.ci

    def __str__(self) -> str:
        return f"{'≤' if self.op == '<=' else '≥'} {self.value:g}"


def at_most(value: float) -> Target:
    return Target(op="<=", value=value, ci=2 * value)


def at_least(value: float) -> Target:
    return Target(op=">=", value=value, ci=value / 2)


def similarity(value: float) -> Target:
    """A cosine target: twice as bad means twice as far from 1."""
    return Target(op=">=", value=value, ci=1 - 2 * (1 - value))


class Row(BaseModel):
    """One line of the report."""

    model_config = ConfigDict(extra="forbid")
    measure: str
    size: str = ""
    """The KB size the figure was measured at ('' when it does not depend on one)."""
    value: float | None
    unit: str = "×"
    target: Target | None = None
    absolute: str = ""

    @property
    def status(self) -> Literal["pass", "miss", "info", "skipped"]:
        if self.value is None:
            return "skipped"
        if self.target is None:
            return "info"
        return "pass" if self.target.met(self.value) else "miss"

    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "×":
            return f"{self.value:.2f}×"
        return f"{self.value:g}{self.unit}"


def ci_failures(rows: list[Row]) -> list[Row]:
    """Rows worse than twice their target."""
    return [r for r in rows if r.target and r.value is not None and not r.target.within_ci(r.value)]


def _ratio(top: float, bottom: float) -> float | None:
    return round(top / bottom, 3) if bottom > 0 else None


def _embedding(e: dict[str, Any]) -> list[Row]:
    return [
        Row(measure="query embedding, one short query: Chroma's stock embedder ÷ ours",
            value=_ratio(e["query_ms_chroma"], e["query_ms_ours"]), target=at_least(10),
            absolute=f"Chroma {e['query_ms_chroma']:g} ms, ours {e['query_ms_ours']:g} ms"),
        Row(measure=f"query embedding, bulk ({e['texts']} chunks): ours ÷ Chroma's, texts/s",
            value=_ratio(e["bulk_texts_per_s_ours"], e["bulk_texts_per_s_chroma"]), target=at_least(3),
            absolute=f"Chroma {e['bulk_texts_per_s_chroma']:g}/s, ours {e['bulk_texts_per_s_ours']:g}/s"),
        Row(measure="same vectors: lowest cosine between the two embedders", unit="",
            value=round(e["min_cosine"], 6), target=similarity(0.999),
            absolute=f"mean {e['mean_cosine']:.6f}"),
    ]  # fmt: skip


def _ingest(i: dict[str, Any]) -> list[Row]:
    return [
        Row(measure=f"ingest from files ÷ embedding the same {i['chunks']} chunks alone",
            value=i.get("ratio", _ratio(i["ingest_s"], i["embed_s"])), target=at_most(1.10),
            absolute=f"ingest {i['ingest_s']:g} s ({i['chunks_per_s']:g} chunks/s), embedding {i['embed_s']:g} s"),
    ]  # fmt: skip


def _size(size: str, m: dict[str, Any]) -> list[Row]:
    t, r, libs = m["turns"], m["turns"]["retrieval"], m.get("libs", {})
    steady = t["first_question_steady_ms"]
    return [
        Row(measure=f"retrieval (KB + learned answers, k={r['k']}) ÷ bare Chroma query, same vector",
            size=size, value=_ratio(r["vector_ours_ms"], r["vector_bare_ms"]), target=at_most(1.3),
            absolute=f"ours {r['vector_ours_ms']:g} ms, Chroma {r['vector_bare_ms']:g} ms"),
        Row(measure="retrieval ÷ bare Chroma query, both embedding the question", size=size,
            value=_ratio(r["text_ours_ms"], r["text_bare_ms"]), target=at_most(1.3),
            absolute=f"ours {r['text_ours_ms']:g} ms, embed + Chroma {r['text_bare_ms']:g} ms"),
        Row(measure="turn p50: runtime (durable SQLite, offline backend) ÷ direct calls", size=size,
            value=_ratio(t["runtime_p50_ms"], t["direct_p50_ms"]), target=at_most(1.8),
            absolute=f"runtime {t['runtime_p50_ms']:g} ms, direct {t['direct_p50_ms']:g} ms" + _written(t)),
        Row(measure="… of which LangGraph itself (in-memory checkpoints, saved on exit) ÷ direct calls, p50",
            size=size, value=_ratio(t.get("graph_p50_ms", 0), t["direct_p50_ms"]) if "graph_p50_ms" in t else None,
            absolute=f"graph {t.get('graph_p50_ms', 0):g} ms; the rest is SQLite and the runtime's own work"),
        Row(measure="turn p95: runtime ÷ direct calls", size=size,
            value=_ratio(t["runtime_p95_ms"], t["direct_p95_ms"]), target=at_most(1.8),
            absolute=f"runtime {t['runtime_p95_ms']:g} ms, direct {t['direct_p95_ms']:g} ms"),
        Row(measure="first turn after start ÷ the same turn later (answer cache as empty)",
            size=size, value=_ratio(t["first_turn_ms"], steady), target=at_most(1.5),
            absolute=f"first {t['first_turn_ms']:g} ms (start {t['start_ms']:g} ms), later {steady:g} ms"
                     + (f" ({t['first_question_warm_ms']:g} ms cached)" if "first_question_warm_ms" in t else "")),
        Row(measure="peak memory (RSS) ÷ the libraries alone (model + Chroma)", size=size,
            value=_ratio(t["peak_rss_mb"], libs["peak_rss_mb"]) if libs else None, target=at_most(1.5),
            absolute=f"peak {t['peak_rss_mb']:g} MB, libraries alone {libs.get('peak_rss_mb', 0):g} MB"),
        *_growth(size, t.get("growth") or {}),
    ]  # fmt: skip


def _growth(size: str, g: dict[str, Any]) -> list[Row]:
    if not g:
        return []
    (a, b), (c, d) = g["early"], g["late"]
    return [
        Row(measure=f"database bytes per turn of one conversation: turns {c}–{d} ÷ turns {a}–{b}",
            size=size, value=g["ratio"], target=at_most(1.5),
            absolute=f"{g['late_bytes_per_turn']:g} B vs {g['early_bytes_per_turn']:g} B a turn; "
                     f"{g['total_kb']:g} KB after {g['turns']} turns, {g['checkpoints_kept']} checkpoint kept"),
    ]  # fmt: skip


def _written(t: dict[str, Any]) -> str:
    c = t.get("checkpoints") or {}
    return f"; a turn writes {c['per_turn']} checkpoints, {c['kb_per_turn']:g} KB" if c else ""


def _model(m: dict[str, Any]) -> list[Row]:
    if "skipped" in m:
        return [Row(measure=f"LLM calls per turn: {m['skipped']}", value=None)]
    rows = []
    for kind, limit in (("answer", 1), ("handoff", 2)):
        k = m.get(kind)
        if not k:
            rows.append(Row(measure=f"LLM calls per {kind}: no {kind} in the sample", value=None))
            continue
        per = lambda field, k=k: round(k[field] / k["turns"])  # noqa: E731
        rows.append(Row(measure=f"LLM calls per {kind} (most in one turn; mocked endpoint)",
                        value=k["max_calls"], unit="", target=at_most(limit),
                        absolute=f"{k['turns']} turns, {k['calls'] / k['turns']:.2f} calls, "
                                 f"{per('prompt_tokens')} + {per('completion_tokens')} tokens each"))  # fmt: skip
    return rows


def _stream(s: dict[str, Any]) -> list[Row]:
    if "skipped" in s:
        return [Row(measure=f"streamed answer: {s['skipped']}", value=None)]
    reader = s.get("reader") or {}
    at = "the widget (HTTP, server-sent events)" if "reader" in s else "the reader"
    rows = [
        Row(measure=f"streamed answer: time to the first verified sentence at {at} ÷ the "
                    "model's time to write it, p50",
            value=s["ratio_p50"], target=at_most(1.1),
            absolute=f"widget {s['reader_ms_p50']:g} ms, model {s['model_ms_p50']:g} ms "
                     f"({s['piece_chars']} characters every {s['interval_ms']:g} ms), "
                     f"{s['lag_ms_p50']:g} ms after the model wrote it; worst of {s['turns']}: "
                     f"{s['ratio_max']:.2f}×" + _load(s)),
    ]  # fmt: skip
    if reader and "skipped" not in reader:
        rows.append(Row(
            measure="… the same turns read through the library (EscalationAgent.stream), p50",
            value=reader["ratio_p50"],
            absolute=f"reader {reader['reader_ms_p50']:g} ms, model {reader['model_ms_p50']:g} ms, "
                     f"{reader['lag_ms_p50']:g} ms after the model wrote it; the sides took turns",
        ))  # fmt: skip
    return rows


def _load(m: dict[str, Any]) -> str:
    """The load average before and after a section (the machine is shared)."""
    load = m.get("load_average")
    if not load or None in load:
        return ""
    return f"; load average {load[0]:g} → {load[1]:g}"


def _eval(e: dict[str, Any]) -> list[Row]:
    return [
        Row(measure=f"eval suite, bundled set ({e['cases']} cases): wall time ÷ time in turns",
            value=_ratio(e["seconds"], e["turn_seconds"]),
            absolute=f"{e['cases_per_s']:g} cases/s, {e['turns']} turns in {e['seconds']:g} s"),
    ]  # fmt: skip


_LOAD_ROWS = (
    ("sqlite", "SQLite, one service process"),
    ("postgres", "PostgreSQL, one service process"),
    ("postgres_two", "PostgreSQL, two service processes"),
)


def _service(s: dict[str, Any]) -> list[Row]:
    one = s["single"]
    rows = [
        Row(measure="a turn over HTTP ÷ the same turn through the library, p50, one client",
            value=one["ratio_p50"], target=at_most(1.2),
            absolute=f"HTTP {one['http_p50_ms']:g} ms, library {one['library_p50_ms']:g} ms "
                     f"({one['turns']} turns a side in A B B A blocks, caches warm, offline "
                     f"backend, SQLite"
                     + (f"; median of the blocks' ratios {one['ratio_block_median']:.2f}×"
                        if "ratio_block_median" in one else "")
                     + (f"; means: request {one['http_mean_ms']:g} ms, the turn inside the "
                        f"server {one['server_turn_mean_ms']:g} ms, library {one['library_mean_ms']:g} ms"
                        if "server_turn_mean_ms" in one else "")
                     + _load(one) + ")"),
    ]  # fmt: skip
    for key, label in _LOAD_ROWS:
        m = s.get(key)
        if m is None:
            rows.append(Row(measure=f"load, {label}: no PostgreSQL server answered", value=None))
            continue
        faults = m["lost"] + m["duplicated"] + m["status_5xx"] + m["transport_errors"]
        rows.append(Row(
            measure=f"load, {label}: {m['clients']} clients, {m['conversations']} conversations "
                    f"× {m['turns_sent'] // max(m['conversations'], 1)} turns: turns lost, "
                    "duplicated, 5xx or failed",
            value=faults + m["unfinished"], unit="", target=Target(op="<=", value=0, ci=0),
            absolute=f"{m['turns_per_s']:g} turns/s ({m.get('vs_one_client', 0):g}× one client), "
                     f"p50 {m['p50_ms']:g} ms, p95 {m['p95_ms']:g} ms; lost {m['lost']}, "
                     f"duplicated {m['duplicated']}, 5xx {m['status_5xx']}",
        ))  # fmt: skip
    return rows


def rows_from(measured: dict[str, Any]) -> list[Row]:
    """Every row the measurements allow, in report order (a missing section is left out)."""
    rows: list[Row] = []
    if "embedding" in measured:
        rows += _embedding(measured["embedding"])
    if "ingest" in measured:
        rows += _ingest(measured["ingest"])
    for size, m in measured.get("sizes", {}).items():
        rows += _size(size, m)
    if "model" in measured:
        rows += _model(measured["model"])
    if "stream" in measured:
        rows += _stream(measured["stream"])
    if "service" in measured:
        rows += _service(measured["service"])
    if "eval" in measured:
        rows += _eval(measured["eval"])
    return rows
