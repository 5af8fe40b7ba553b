"""The calibrated gate score's fitting script: dev splits only, and a fit that learns."""

import numpy as np
import pytest

from evals.fit_grounding import SETS_ROOT, fit, reliability, rows


def test_a_test_split_is_never_read_for_fitting():
    with pytest.raises(SystemExit, match="only dev splits"):
        rows(SETS_ROOT / "pet-store-test")


def test_the_fit_weighs_a_signal_that_separates_the_labels():
    rng = np.random.default_rng(7)
    signal = rng.random(200)
    noise = rng.random(200)
    y = (signal > 0.5).astype(np.float64)
    w = fit(np.column_stack([signal, noise]), y, steps=3000)
    assert w[0] > 1.0 and abs(w[1]) < w[0] / 3


def test_the_reliability_table_counts_every_case_once():
    p = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
    y = np.array([0, 0, 1, 1, 1, 1], dtype=np.float64)
    table = reliability(p, y)
    assert sum(row["cases"] for row in table) == len(p)
    assert table[-1]["answerable"] == 1.0


def test_calibration_error_is_the_case_weighted_gap():
    from evals.fit_grounding import calibration_error

    y = np.array([1, 1, 0, 0], dtype=np.float64)
    assert calibration_error(np.array([1.0, 1.0, 0.0, 0.0]), y) == 0.0
    # every case at 0.5: half answerable, so no gap; all answerable at 0.5: a gap of 0.5
    assert calibration_error(np.full(4, 0.5), y) == 0.0
    assert calibration_error(np.full(4, 0.5), np.ones(4)) == 0.5


def test_a_follow_up_is_read_with_the_message_it_follows():
    from evals.fit_grounding import asking_turns

    turns = ["How much is express shipping?", "And can it go to a PO box?"]
    assert asking_turns(turns) == [
        "How much is express shipping?",
        "How much is express shipping? And can it go to a PO box?",
    ]
    assert asking_turns(["Hi, I'm Sam.", "do u ship to canada"])[0] == "Hi, I'm Sam."
