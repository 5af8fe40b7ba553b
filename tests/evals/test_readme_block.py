import pytest

from agent.errors import ConfigError
from evals.metrics import Metrics
from evals.readme import BEGIN, END, update
from evals.report import SetReport


def _report():
    m = Metrics(cases=3, hallucination_rate=0.0, deflection_rate=None)
    return SetReport(
        set="tiny",
        path="x",
        backend="offline",
        cases=3,
        malformed=[],
        seconds=1,
        ingest_seconds=0,
        cases_per_second=3.0,
        metrics=m,
        by_vertical={},
        by_trigger={},
        trigger_scores=[],
        failed=[],
    )


def test_figures_are_written_between_the_markers_and_nowhere_else(tmp_path):
    readme = tmp_path / "evals.md"
    readme.write_text(f"intro\n{BEGIN}\nold figures\n{END}\noutro\n")
    update(readme, [_report()], "escalate eval tiny")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{END}\noutro\n")
    assert "old figures" not in text and "`escalate eval tiny`" in text
    assert "| hallucination rate | 0.0% |" in text and "| deflection rate | missing |" in text


def test_missing_markers_are_a_clear_error(tmp_path):
    readme = tmp_path / "evals.md"
    readme.write_text("no markers\n")
    with pytest.raises(ConfigError, match="markers"):
        update(readme, [_report()], "escalate eval tiny")


def test_the_generated_blocks_live_in_the_docs_pages_the_makefile_writes():
    from pathlib import Path

    from evals.bench.output import BEGIN as BENCH_BEGIN
    from evals.bench.output import END as BENCH_END

    root = Path(__file__).parent.parent.parent
    pages = {"docs/evals.md": (BEGIN, END), "docs/benchmarks.md": (BENCH_BEGIN, BENCH_END)}
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for page, (begin, end) in pages.items():
        text = (root / page).read_text(encoding="utf-8")
        assert text.count(begin) == 1 and text.count(end) == 1, page
        assert text.index(begin) < text.index(end)
        assert f"--readme {page}" in makefile, f"no make target writes {page}"
        assert begin not in readme and end not in readme, "generated tables belong in docs/"
