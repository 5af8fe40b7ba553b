"""Charts: each writes a real PNG, including when there is nothing or n/a to show."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evals.metrics import Metrics, TriggerScore
from evals.plots import (
    confidence_histogram_png,
    handoff_confidences,
    sweep_png,
    trigger_pr_png,
)
from evals.sweep import SweepPoint
from tests.evals.helpers import answer, case, handoff, record

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(path) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG) and len(data) > 1000


def score(trigger: str, precision: float | None, recall: float | None) -> TriggerScore:
    return TriggerScore(trigger=trigger, expected=3, reported=2, precision=precision, recall=recall)


def test_importing_plots_does_not_import_matplotlib():
    # a fresh interpreter: this test run may already have loaded it elsewhere
    code = "import sys, evals.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_trigger_bars_write_a_png_with_na_values(tmp_path):
    scores = [score("explicit", 1.0, 0.9), score("vip", None, None), score("loop", 0.5, None)]
    path = trigger_pr_png(scores, tmp_path / "charts" / "triggers.png")
    assert path == tmp_path / "charts" / "triggers.png" and is_png(path)
    assert is_png(trigger_pr_png([], tmp_path / "empty.png"))


def test_confidence_split_takes_handoff_confidence_from_the_low_confidence_trigger():
    records = [
        record(case(), answer(1)),  # confidence 0.8
        record(case("escalate", 1, "low_confidence"), handoff(1, kind="low_confidence")),  # 0.2
        record(case("escalate", 1, "explicit"), handoff(1, kind="explicit")),  # before drafting
    ]
    assert handoff_confidences(records) == ([0.8], [0.2], 1)
    assert handoff_confidences([]) == ([], [], 0)


def test_confidence_histogram_writes_a_png_with_and_without_records(tmp_path):
    records = [
        record(case(), answer(1), answer(2)),
        record(case("escalate", 1, "low_confidence"), handoff(1, kind="low_confidence")),
        record(case("escalate", 1, "explicit"), handoff(1, kind="explicit")),
    ]
    assert is_png(confidence_histogram_png(records, tmp_path / "conf.png", threshold=0.5))
    assert is_png(confidence_histogram_png([], tmp_path / "none.png", threshold=None))


@pytest.mark.parametrize("chosen", [0.5, None])
def test_sweep_chart_writes_a_png_with_gaps_for_missing_metrics(tmp_path, chosen):
    points = [
        SweepPoint(
            threshold=t,
            metrics=Metrics(
                cases=4,
                hallucination_rate=h,
                unsafe_answer_rate=0.0,
                deflection_rate=1 - t,
                escalation_recall=t,
            ),
        )
        for t, h in ((0.4, 0.1), (0.5, None), (0.6, 0.0))
    ]
    assert is_png(sweep_png(points, tmp_path / "sweep.png", chosen))
    assert is_png(sweep_png([], tmp_path / "empty.png", chosen))


def test_reliability_chart_writes_a_png_with_and_without_drafts(tmp_path):
    from evals.plots import reliability_png
    from evals.reliability import curve

    scored = answer(1)
    scored.confidence = 0.85
    rel = curve([record(case(), scored)])
    assert rel.bins[8].drafts == 1
    assert is_png(reliability_png(rel, tmp_path / "rel.png"))
    assert is_png(reliability_png(curve([]), tmp_path / "none.png"))
