"""The eval suite's throughput on the bundled set: cases per second, and how much of the wall
time is spent outside the turns it plays (the harness's own cost)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.settings import Settings
from evals.runner import run_set
from evals.schema import read_cases

__all__ = ["SAMPLE_SET", "measure_eval"]

SAMPLE_SET = Path(__file__).resolve().parent.parent / "sets" / "sample-store"


def measure_eval(settings: Settings, cases: int | None = None) -> dict[str, Any]:
    """Play the bundled set (its first ``cases`` cases, or all) with the offline backend."""
    offline = settings.model_copy(
        update={"llm": settings.llm.model_copy(update={"base_url": None})}
    )
    only = None
    if cases is not None:
        only = {case.id for case in read_cases(SAMPLE_SET / "cases.jsonl")[0][:cases]}
    run = run_set(SAMPLE_SET, offline, only=only)
    turns = [turn for record in run.records for turn in record.turns]
    return {
        "cases": len(run.records),
        "turns": len(turns),
        "seconds": run.seconds,
        "cases_per_s": round(run.cases_per_second, 2),
        "turn_seconds": round(sum(t.latency_ms for t in turns) / 1000, 3),
    }
