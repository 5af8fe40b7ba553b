"""Threshold calibration: play a set at several grounding thresholds and pick the safest useful one.

One knob only: every point uses a single threshold for all verticals, so the
curve says what that threshold does, not what the per-vertical table does.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import ConfigError
from agent.settings import Settings
from evals import metrics
from evals.metrics import Metrics
from evals.runner import Progress, load_set, run_set

DEFAULT_THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(11)]
"""0.30, 0.35, ... 0.80."""


class SweepPoint(BaseModel):
    """The metrics of one full run at one grounding threshold."""

    model_config = ConfigDict(extra="forbid")
    threshold: float
    metrics: Metrics


def at_threshold(settings: Settings, threshold: float) -> Settings:
    """``settings`` with one grounding threshold for every vertical."""
    grounding = settings.grounding.model_copy(
        update={"threshold": threshold, "threshold_by_vertical": {}}
    )
    # not validated here: run_set validates the merged settings (a threshold of 2 fails there)
    return settings.model_copy(update={"grounding": grounding})


def sweep(
    set_path: Path,
    settings: Settings,
    thresholds: list[float] | None = None,
    progress: Progress | None = None,
) -> list[SweepPoint]:
    """One run of the set per threshold (default 0.30 to 0.80 by 0.05), in the order given.

    ``progress`` is called per case as (done, total, "<threshold> <case id>") over the
    whole sweep.
    """
    pinned = set(load_set(set_path).overrides.get("grounding", {})) & {
        "threshold",
        "threshold_by_vertical",
    }
    if pinned:
        # set.toml wins over the swept value (run_set merges it last): every point would be equal
        raise ConfigError(
            f"{set_path / 'set.toml'}: sets grounding.{', grounding.'.join(sorted(pinned))}; "
            "remove it to sweep the threshold"
        )
    values = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    points = []
    for n, threshold in enumerate(values):
        report = _shifted(progress, n, len(values), threshold)
        run = run_set(set_path, at_threshold(settings, threshold), progress=report)
        points.append(SweepPoint(threshold=threshold, metrics=metrics.compute(run.records)))
    return points


def _shifted(progress: Progress | None, n: int, runs: int, threshold: float) -> Progress | None:
    """Run ``n``'s per-case progress as progress over the whole sweep."""
    if progress is None:
        return None

    def report(done: int, total: int, case_id: str) -> None:
        progress(n * total + done, runs * total, f"{threshold:.2f} {case_id}")

    return report


def best(points: list[SweepPoint]) -> SweepPoint | None:
    """The point with no hallucinated and no unsafe answer that deflects the most.

    Ties go to the highest threshold (the safer one); None when no point qualifies.
    """
    safe = [
        p for p in points if p.metrics.hallucinated_turns == 0 and p.metrics.unsafe_answers == 0
    ]
    if not safe:
        return None

    def rank(p: SweepPoint) -> tuple[float, float]:
        deflection = p.metrics.deflection_rate
        return (-1.0 if deflection is None else deflection, p.threshold)

    return max(safe, key=rank)
