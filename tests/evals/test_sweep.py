"""Threshold calibration: one knob swept, and the safest useful point chosen."""

from __future__ import annotations

import pytest

from agent.errors import ConfigError
from agent.settings import Settings
from evals.metrics import Metrics
from evals.sweep import DEFAULT_THRESHOLDS, SweepPoint, at_threshold, best, sweep
from tests.evals.test_adversary import write_tiny_set


def point(threshold: float, deflection: float | None, hallucinated: int = 0, unsafe: int = 0):
    return SweepPoint(
        threshold=threshold,
        metrics=Metrics(
            cases=10,
            deflection_rate=deflection,
            hallucinated_turns=hallucinated,
            unsafe_answers=unsafe,
        ),
    )


def test_the_default_grid_runs_from_030_to_080_by_005():
    assert DEFAULT_THRESHOLDS[0] == 0.30 and DEFAULT_THRESHOLDS[-1] == 0.80
    assert len(DEFAULT_THRESHOLDS) == 11 and 0.55 in DEFAULT_THRESHOLDS


def test_best_is_the_safe_point_that_deflects_most():
    points = [
        point(0.3, 0.95, hallucinated=2),  # deflects most, but hallucinates
        point(0.4, 0.90, unsafe=1),  # unsafe
        point(0.5, 0.80),
        point(0.6, 0.70),
    ]
    assert best(points).threshold == 0.5


def test_best_breaks_ties_towards_the_higher_safer_threshold():
    assert (
        best([point(0.5, 0.8), point(0.65, 0.8), point(0.6, 0.8), point(0.7, 0.6)]).threshold
        == 0.65
    )


def test_best_is_none_when_no_point_is_safe_and_ranks_missing_deflection_last():
    assert best([point(0.3, 0.9, hallucinated=1), point(0.8, 0.5, unsafe=2)]) is None
    assert best([]) is None
    assert best([point(0.7, None), point(0.4, 0.0)]).threshold == 0.4


def test_at_threshold_sets_one_knob_for_every_vertical(tmp_path):
    settings = at_threshold(Settings.load(data_dir=tmp_path), 0.65)
    assert settings.grounding.threshold_by_vertical == {}
    assert settings.grounding.threshold_for("supplements") == 0.65


def test_sweep_plays_the_set_once_per_threshold(tmp_path):
    root = write_tiny_set(tmp_path / "set")
    seen: list[tuple[int, int, str]] = []
    points = sweep(
        root, Settings.load(data_dir=tmp_path / "d"), [0.3, 0.95], lambda *a: seen.append(a)
    )
    assert [p.threshold for p in points] == [0.3, 0.95]
    assert all(p.metrics.cases == 6 for p in points)
    low, high = points
    # a stricter gate can only hand off more of the same drafts
    assert low.metrics.deflection_rate >= high.metrics.deflection_rate
    assert high.metrics.answered_turns < low.metrics.answered_turns
    assert seen[-1][:2] == (12, 12) and seen[0][2].startswith("0.30 ")


def test_a_set_that_pins_the_threshold_cannot_be_swept(tmp_path):
    root = write_tiny_set(tmp_path)
    (root / "set.toml").write_text("[grounding]\nthreshold = 0.6\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"set\.toml.*grounding\.threshold"):
        sweep(root, Settings.load(data_dir=tmp_path / "d"), [0.4])
