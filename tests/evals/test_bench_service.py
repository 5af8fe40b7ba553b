"""The service's load benchmark on a tiny KB: real `escalate serve` processes on 127.0.0.1,
one client then many, SQLite then PostgreSQL with one and two processes; every turn is
counted back from the transcripts. Nothing here asserts a time."""

from __future__ import annotations

from pathlib import Path

from evals.bench.kb import ensure_kb
from evals.bench.service import LoadOptions, _conversation_turns, measure_service
from evals.bench.synthetic import questions
from knowledge.embeddings import LocalMiniLM


def test_every_turn_is_counted_back_and_none_is_lost(tmp_path: Path) -> None:
    kb = ensure_kb(tmp_path / "data", 120, LocalMiniLM(), 160)
    options = LoadOptions(single_turns=4, clients=4, conversations=6, turns=3, budget_s=600)
    seen: list[tuple[str, int, int]] = []
    out = measure_service(kb.folder / "chroma", questions(count=6), options,
                          lambda label, done, total: seen.append((label, done, total)))  # fmt: skip
    single = out["single"]
    assert single["turns"] == 4 and single["ratio_p50"] > 0
    # the server counted exactly the timed turns' time (warm-up excluded): a positive mean
    assert single["server_turn_mean_ms"] > 0 and len(single["load_average"]) == 2
    rows = [out["sqlite"]] + [out[k] for k in ("postgres", "postgres_two") if out[k] is not None]
    for row in rows:
        assert row["conversations"] == 6 and row["unfinished"] == 0
        assert row["turns_sent"] == 18
        assert row["lost"] == 0 and row["duplicated"] == 0
        assert row["status_5xx"] == 0 and row["transport_errors"] == 0
        assert row["p95_ms"] >= row["p50_ms"] > 0
    if out["postgres_two"] is not None:
        assert out["postgres_two"]["servers"] == 2
    assert ("load", 6, 6) in seen


def test_a_conversations_messages_are_distinct() -> None:
    texts = _conversation_turns("sq-3", 5, questions(count=6))
    assert len(set(texts)) == 5


def _load_row(**changes: int) -> dict:
    row = {"servers": 1, "clients": 16, "conversations": 200, "turns_sent": 1000,
           "turns_per_s": 40.0, "p50_ms": 300.0, "p95_ms": 900.0, "status_5xx": 0,
           "status_other": {}, "transport_errors": 0, "lost": 0, "duplicated": 0,
           "unfinished": 0, "vs_one_client": 2.1}  # fmt: skip
    return {**row, **changes}


def test_service_rows_pass_only_with_no_turn_lost_and_miss_a_slow_http_layer() -> None:
    from evals.bench.report import ci_failures, rows_from

    single = {"turns": 40, "http_p50_ms": 30.0, "library_p50_ms": 20.0, "ratio_p50": 1.5}
    measured = {"service": {"single": single, "sqlite": _load_row(),
                            "postgres": _load_row(duplicated=1), "postgres_two": None}}  # fmt: skip
    rows = {r.measure.split(":")[0]: r for r in rows_from(measured)}
    http = rows["a turn over HTTP ÷ the same turn through the library, p50, one client"]
    assert http.status == "miss" and http.value == 1.5
    assert rows["load, SQLite, one service process"].status == "pass"
    one_dup = rows["load, PostgreSQL, one service process"]
    assert one_dup.status == "miss" and one_dup in ci_failures(list(rows.values()))
    assert rows["load, PostgreSQL, two service processes"].status == "skipped"


def _stream_side(ratio: float, reader_ms: float) -> dict:
    return {"turns": 8, "asked": 9, "ratio_p50": ratio, "ratio_max": ratio + 0.1,
            "reader_ms_p50": reader_ms, "model_ms_p50": 1000.0, "lag_ms_p50": 3.0,
            "interval_ms": 20.0, "piece_chars": 4}  # fmt: skip


def test_the_streamed_answer_is_judged_at_the_widget_with_the_library_alongside() -> None:
    from evals.bench.report import rows_from

    stream = {**_stream_side(1.15, 1150.0), "reader": _stream_side(1.05, 1050.0),
              "load_average": [11.2, 9.8]}  # fmt: skip
    widget, library = rows_from({"stream": stream})
    assert "at the widget" in widget.measure and widget.status == "miss"
    assert "load average 11.2 → 9.8" in widget.absolute
    assert library.value == 1.05 and library.status == "info"


def test_the_one_client_row_states_its_blocks_and_the_load() -> None:
    from evals.bench.report import rows_from

    single = {"turns": 80, "http_p50_ms": 22.0, "library_p50_ms": 20.0, "ratio_p50": 1.1,
              "ratio_block_median": 1.08, "load_average": [3.5, 4.0], "http_mean_ms": 23.0,
              "server_turn_mean_ms": 21.0, "library_mean_ms": 20.5}  # fmt: skip
    row = rows_from({"service": {"single": single, "sqlite": _load_row(), "postgres": None,
                                 "postgres_two": None}})[0]  # fmt: skip
    assert row.status == "pass" and row.value == 1.1
    assert "A B B A" in row.absolute and "load average 3.5 → 4" in row.absolute
    assert "the turn inside the server 21 ms" in row.absolute
