import pytest

from agent.errors import ConfigError
from evals.metrics import Metrics
from evals.readme import BEGIN, END, HEADLINE_BEGIN, HEADLINE_END, update
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
    # the README carries only the short headline table, written by the same make target
    assert readme.count(HEADLINE_BEGIN) == 1 and readme.count(HEADLINE_END) == 1
    assert "--readme README.md" in makefile


def test_the_reliability_curve_is_in_the_block(tmp_path):
    from evals.reliability import curve

    readme = tmp_path / "evals.md"
    readme.write_text(f"{BEGIN}\n{END}\n")
    update(readme, [_report().model_copy(update={"reliability": curve([])})], "escalate eval x")
    text = readme.read_text()
    assert "Reliability (grounding confidence vs. correct answers)" in text
    assert "| 0.0–0.1 | 0 | 0 | 0 | 0 | missing | missing |" in text


def test_a_page_with_only_the_headline_markers_gets_one_row_per_set(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# Shop bot\n{HEADLINE_BEGIN}\nold\n{HEADLINE_END}\nend\n")
    bundled = _report()
    unseen = _report().model_copy(update={"set": "other-test", "split": "test"})
    update(page, [unseen, bundled], "escalate eval tiny other-test")
    text = page.read_text()
    assert "old" not in text and text.endswith(f"{HEADLINE_END}\nend\n")
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| tiny") or line.startswith("| other")
    ]
    # bundled first; a rate nobody computed is "missing", never 0
    assert rows == [
        "| tiny (bundled) | 3 | missing | missing | 0.0% | missing |",
        "| other-test (unseen, test) | 3 | missing | missing | 0.0% | missing |",
    ]
    assert BEGIN not in text  # the full block is only written where its markers are
