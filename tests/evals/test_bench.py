"""The benchmark: a deterministic synthetic KB, ratios and pass/miss computed from measurements,
the report's shapes, and the --check exit code (measurements injected; nothing is timed here)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from agent.errors import ConfigError
from evals.bench import cli as bench_cli
from evals.bench.kb import learned_answers, parse_size
from evals.bench.output import BEGIN, END, markdown, to_json, write
from evals.bench.report import Row, at_least, at_most, ci_failures, rows_from, similarity
from evals.bench.synthetic import document, faq_questions, questions, write_kb


def test_same_seed_same_text_and_another_seed_another_text():
    assert [document(7, i) for i in range(30)] == [document(7, i) for i in range(30)]
    assert document(7, 3) != document(8, 3)
    assert questions(7, 20, 3) == questions(7, 20, 3)


def test_written_kbs_are_byte_identical_and_a_smaller_one_is_a_prefix(tmp_path):
    small, again, large = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    docs, chunks = write_kb(small, 40)
    assert write_kb(again, 40) == (docs, chunks) and chunks >= 40
    write_kb(large, 120)

    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(small) == files(again)
    assert files(small).items() <= files(large).items()


def test_the_kb_has_every_format_and_section_kind_it_claims():
    texts = [document(7, i) for i in range(60)]
    assert {path.rsplit(".", 1)[1] for path, _ in texts} == {"md", "json"}
    assert any("## Spare parts" in text for _, text in texts)
    assert all("{" not in text for path, text in texts if path.endswith(".md"))  # every slot filled


def test_questions_include_the_handoffs_asked_for():
    asked = questions(7, 40, 3)
    assert len(asked) == 40
    assert sum("real person" in q or "NOW" in q or "Sommelier" in q for q in asked) == 3


def test_learned_answers_are_stored_as_learned():
    chunks = learned_answers(3)
    assert [c.source for c in chunks] == ["learned"] * 3
    assert chunks[0].doc_id == "learned/00000" and chunks[0].id == "learned/00000#0"


@pytest.mark.parametrize(
    ("text", "size"), [("1k", 1000), ("10K", 10_000), ("100k", 100_000), ("200", 200)]
)
def test_sizes_read_as_chunk_counts(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "k", "-5", "1m", "0"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ValueError, match="positive number"):
        parse_size(text)


def measurements(turn_p50=(20.0, 10.0), retrieval=(1.2, 1.0), first=(30.0, 20.0)):
    """A whole run's measurements, as run_bench returns them."""
    return {
        "kbs": {"1k": {"size": 1000, "folder": "x", "chunks": 1010, "docs": 155, "learned": 10,
                       "build_seconds": 12.0, "truncated_chunks": [], "cached": True}},
        "embedding": {"texts": 48, "repeats": 30, "query_ms_chroma": 48.0, "query_ms_ours": 3.0,
                      "bulk_texts_per_s_chroma": 12.0, "bulk_texts_per_s_ours": 60.0,
                      "mean_cosine": 1.0, "min_cosine": 0.99999},
        "ingest": {"docs": 60, "chunks": 400, "chunks_written": 400, "embed_s": 4.0,
                   "ingest_s": 4.2, "chunks_per_s": 95.2},
        "sizes": {"1k": {
            "libs": {"rss_mb": 300.0, "peak_rss_mb": 320.0},
            "turns": {"start_ms": 300.0, "first_turn_ms": first[0], "first_question_steady_ms": first[1],
                      "turns": 80, "kinds": {"answer": 30, "handoff": 10},
                      "runtime_p50_ms": turn_p50[0], "runtime_p95_ms": 30.0, "graph_p50_ms": 15.0,
                      "direct_p50_ms": turn_p50[1], "direct_p95_ms": 20.0, "peak_rss_mb": 400.0,
                      "retrieval": {"k": 4, "queries": 40, "chunks": 1010,
                                    "vector_ours_ms": retrieval[0], "vector_bare_ms": retrieval[1],
                                    "text_ours_ms": 5.0, "text_bare_ms": 5.0}},
        }},
        "model": {"answer": {"turns": 8, "calls": 8, "max_calls": 1, "prompt_tokens": 3200, "completion_tokens": 400},
                  "handoff": {"turns": 4, "calls": 6, "max_calls": 2, "prompt_tokens": 2400, "completion_tokens": 240}},
        "eval": {"cases": 221, "turns": 260, "seconds": 30.0, "cases_per_s": 7.37, "turn_seconds": 28.0},
    }  # fmt: skip


def _row(rows, start, size=""):
    return next(r for r in rows if r.measure.startswith(start) and r.size == size)


def test_ratios_and_results_come_from_the_measurements():
    rows = rows_from(measurements())
    assert _row(rows, "query embedding, one short").value == 16.0
    assert _row(rows, "query embedding, bulk").value == 5.0
    assert _row(rows, "ingest").value == 1.05 and _row(rows, "ingest").status == "pass"
    turn = _row(rows, "turn p50", "1k")
    assert (turn.value, turn.status, str(turn.target)) == (2.0, "miss", "≤ 1.8")
    assert "runtime 20 ms, direct 10 ms" in turn.absolute
    first, graph = _row(rows, "first turn", "1k"), _row(rows, "… of which LangGraph", "1k")
    assert (first.value, first.status) == (1.5, "pass")
    assert (graph.value, graph.status) == (1.5, "info")
    memory = _row(rows, "peak memory", "1k")
    assert (memory.value, memory.status, str(memory.target)) == (1.25, "pass", "≤ 1.5")
    calls = _row(rows, "LLM calls per answer")
    assert (calls.value, calls.status) == (1, "pass") and "400 + 50 tokens each" in calls.absolute
    assert _row(rows, "LLM calls per handoff").value == 2


def test_database_growth_is_a_row_when_measured():
    measured = measurements()
    assert not [r for r in rows_from(measured) if r.measure.startswith("database bytes")]
    measured["sizes"]["1k"]["turns"]["growth"] = {
        "turns": 200, "early": [10, 100], "late": [110, 200], "early_bytes_per_turn": 1000, "late_bytes_per_turn": 1500,
        "ratio": 1.6, "total_kb": 300.0, "checkpoints_kept": 1,
    }  # fmt: skip
    row = _row(rows_from(measured), "database bytes per turn", "1k")
    assert (row.value, row.status, str(row.target)) == (1.6, "miss", "≤ 1.5")
    assert "turns 110–200 ÷ turns 10–100" in row.measure and "1 checkpoint kept" in row.absolute


def test_a_missing_section_is_left_out_and_a_skipped_model_is_shown():
    measured = measurements()
    del measured["eval"], measured["ingest"]
    measured["model"] = {"skipped": "respx is not installed"}
    rows = rows_from(measured)
    assert not any(r.measure.startswith(("eval", "ingest")) for r in rows)
    assert _row(rows, "LLM calls per turn").status == "skipped"


def test_ci_fails_only_beyond_twice_the_target():
    assert at_most(1.8).within_ci(3.6) and not at_most(1.8).within_ci(3.61)
    assert at_least(10).within_ci(5.0) and not at_least(10).within_ci(4.99)
    assert similarity(0.999).within_ci(0.9985) and not similarity(0.999).within_ci(0.9979)
    assert not ci_failures(rows_from(measurements(turn_p50=(36.0, 10.0))))
    failed = ci_failures(rows_from(measurements(turn_p50=(37.0, 10.0), retrieval=(2.7, 1.0))))
    assert [(r.measure[:8], r.size) for r in failed] == [("retrieva", "1k"), ("turn p50", "1k")]


def test_json_and_markdown_shapes(tmp_path):
    rows = rows_from(measurements())
    report = to_json(rows, measurements(), "escalate bench --size 1k")
    assert set(report) == {
        "command",
        "date",
        "machine",
        "kbs",
        "rows",
        "ci_failures",
        "measurements",
    }
    assert report["machine"]["cores"] and "chromadb" in report["machine"]["libraries"]
    assert {r["status"] for r in report["rows"]} == {"pass", "miss", "info"}
    json.dumps(report)  # JSON-able as it is
    text = markdown(report)
    assert text.startswith("Produced by `escalate bench --size 1k` on ")
    assert "**1k** = 1,010 chunks (155 documents, 10 learned answers" in text
    assert "no chunk exceeds the embedder's window" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| measure | KB | ratio | target | result | absolute |"
    assert len(table) == 1 + len(rows)
    assert (
        "| turn p50: runtime (durable SQLite, offline backend) ÷ direct calls | 1k | 2.00× | ≤ 1.8 | miss |"
        in text
    )


def test_the_docs_block_is_replaced_between_its_markers(tmp_path):
    readme = tmp_path / "benchmarks.md"
    readme.write_text(f"# x\n\n## Benchmarks\n\n{BEGIN}\nold\n{END}\n\n## Next\n", encoding="utf-8")
    report = to_json(rows_from(measurements()), measurements(), "escalate bench")
    write(report, tmp_path / "out", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("# x\n") and text.endswith(f"{END}\n\n## Next\n")
    assert markdown(report) in text
    assert json.loads((tmp_path / "out" / "bench.json").read_text())["rows"]
    assert (tmp_path / "out" / "bench.md").read_text(encoding="utf-8") == markdown(report)
    (tmp_path / "plain.md").write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="markers"):
        write(report, None, tmp_path / "plain.md")


def _cli(monkeypatch, measured, tmp_path, *args):
    monkeypatch.setattr(
        "evals.bench.run.run_bench", lambda settings, options, tick, config: measured
    )
    app = typer.Typer()
    app.command()(bench_cli.bench_command)
    return CliRunner().invoke(app, ["--size", "1k", "--out", str(tmp_path / "out"), *args])


def test_check_exits_nonzero_only_when_a_ratio_is_worse_than_twice_its_target(
    monkeypatch, tmp_path
):
    missed = _cli(monkeypatch, measurements(turn_p50=(30.0, 10.0)), tmp_path, "--check")
    assert missed.exit_code == 0, missed.output  # a miss (3.0 > 1.8), but within twice the target
    broken = _cli(monkeypatch, measurements(turn_p50=(40.0, 10.0)), tmp_path, "--check")
    assert broken.exit_code == 1 and "worse than twice the target ≤ 1.8" in broken.output
    unchecked = _cli(monkeypatch, measurements(turn_p50=(40.0, 10.0)), tmp_path)
    assert unchecked.exit_code == 0


def test_a_bad_size_is_a_usage_error(monkeypatch, tmp_path):
    result = _cli(monkeypatch, measurements(), tmp_path, "--size", "lots")
    assert result.exit_code == 2 and "positive number" in result.output


def test_rows_report_their_status():
    assert Row(measure="x", value=None).status == "skipped"
    assert Row(measure="x", value=1.0).status == "info"
    assert Row(measure="x", value=1.0, target=at_most(1.1)).status == "pass"
    assert Row(measure="x", value=1.2, target=at_most(1.1)).status == "miss"


def test_faq_questions_are_asked_verbatim_in_the_first_faq_file():
    path, text = document(7, 9)
    assert path.endswith(".json")
    assert all(f'"question": "{q}"' in text for q in faq_questions(7, 3))
