"""A whole `escalate bench` run on a tiny KB: every section measured, every shape written.

Nothing here asserts a time: the run must work, report every row, and cache its KB.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from agent.cli import app
from evals.bench.kb import ensure_kb
from knowledge.embeddings import LocalMiniLM

SECTIONS = [
    "query embedding, one short query",
    "query embedding, bulk",
    "same vectors",
    "ingest from files",
    "retrieval (KB + learned answers",
    "retrieval ÷ bare Chroma query, both embedding",
    "turn p50",
    "turn p95",
    "first turn after start",
    "peak memory",
    "database bytes per turn",
    "LLM calls per answer",
    "streamed answer: time to the first verified sentence",
    "eval suite, bundled set (2 cases)",
]


def test_a_tiny_bench_runs_end_to_end_and_caches_its_kb(tmp_path):
    config = tmp_path / "store.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    readme = tmp_path / "benchmarks.md"
    readme.write_text(
        "## Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n", encoding="utf-8"
    )
    args = ["bench", "--size", "120", "--questions", "6", "--rounds", "1", "--repeats", "3",
            "--eval-cases", "2", "--stream-turns", "3", "--config", str(config), "--out", str(tmp_path / "out"),
            "--readme", str(readme)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))
    kb = report["kbs"]["120"]
    assert kb["chunks"] >= 120 and kb["truncated_chunks"] == [] and not kb["cached"]
    for section in SECTIONS:
        assert any(row["measure"].startswith(section) for row in report["rows"]), section
    assert all(row["value"] is not None for row in report["rows"])
    assert report["measurements"]["sizes"]["120"]["turns"]["learned_approved"] == kb["learned"]
    assert "| turn p50: runtime" in readme.read_text(encoding="utf-8")
    cached = ensure_kb(tmp_path / "data", 120, LocalMiniLM(), 160)
    assert cached.cached and cached.chunks == kb["chunks"]
    (cached.folder / "build.json").unlink()  # as if the build had been interrupted
    resumed = ensure_kb(tmp_path / "data", 120, LocalMiniLM(), 160)
    assert resumed.resumed and not resumed.cached and resumed.chunks == kb["chunks"]
