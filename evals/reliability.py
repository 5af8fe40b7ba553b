"""The grounding gate's reliability curve: does a confidence of 0.8 mean right 80% of the time?

Points are the drafts the gate scored: every answered turn, and every declined draft
of an answerable case (a declined draft on a case that needed a person was right to
decline whatever it said, so it says nothing about over-escalation). Each point is
binned by its confidence (ten bins of 0.1) and counts as *correct* when sending it
was right and it says what was asked:

- answering at that turn was the expected decision (the case is answerable, or
  expects its handoff only at a later turn: not an unsafe answer);
- the text is not empty and is not a hallucination (a trap string, no citation,
  or a number no cited chunk gives; :func:`evals.metrics.hallucinated`);
- it states the case's ``answer_must_contain`` facts: every one in a one-turn case,
  at least one in a longer case (its facts belong to different turns and the
  format does not say which).

A declined draft is judged on its own text as if it had been sent. A bin, or the
whole curve, with no points is missing (None), never 0.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from evals.metrics import hallucinated, unsafe
from evals.records import CaseRecord, TurnRecord

BINS = 10


class Bin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: float
    high: float
    drafts: int = 0
    answered: int = 0
    declined: int = 0
    correct: int = 0
    accuracy: float | None = None
    """Correct drafts / drafts in the bin; None when the bin is empty."""
    mean_confidence: float | None = None


class Reliability(BaseModel):
    """Confidence bins against the share of correct drafts."""

    model_config = ConfigDict(extra="forbid")
    bins: list[Bin]
    drafts: int = 0
    answered: int = 0
    declined: int = 0
    accuracy: float | None = None
    calibration_error: float | None = None
    """Expected calibration error: the drafts-weighted mean of |accuracy - mean confidence|
    over the bins (0 is perfectly calibrated); None without drafts."""


def _facts_stated(record: CaseRecord, text: str) -> bool:
    facts = record.case.expect.answer_must_contain
    if not facts:
        return True
    said = text.lower()
    found = [f.lower() in said for f in facts]
    return all(found) if len(record.case.turns) == 1 else any(found)


def correct(record: CaseRecord, turn: TurnRecord) -> bool:
    """Whether this turn's answer (or declined draft) would be a right answer to send."""
    if turn.kind == "answer":
        text, cited = turn.answer_text, turn.cited_texts
    elif turn.gate is not None:
        text, cited = turn.gate.draft, turn.gate.draft_cited
    else:
        return False
    return (
        not unsafe(record, turn)
        and bool(text.strip())
        and hallucinated(record, text, cited) is None
        and _facts_stated(record, text)
    )


def points(records: list[CaseRecord]) -> list[tuple[float, bool, bool]]:
    """(confidence, answered, correct) for every draft the curve counts."""
    out = []
    for record in records:
        for turn in record.turns:
            answered = turn.kind == "answer"
            declined = turn.gate is not None and not turn.gate.passed
            if not answered and not (declined and record.case.expect.decision == "answer"):
                continue
            confidence = turn.gate.confidence if turn.gate is not None else turn.confidence
            if confidence is None:
                continue  # an answer no gate scored (none today): nothing to place
            out.append((confidence, answered, correct(record, turn)))
    return out


def _ratio(num: float, den: int) -> float | None:
    return round(num / den, 4) if den else None


def curve(records: list[CaseRecord], bins: int = BINS) -> Reliability:
    """The reliability curve over ``records``."""
    scored = points(records)
    out = [Bin(low=round(i / bins, 4), high=round((i + 1) / bins, 4)) for i in range(bins)]
    sums = [0.0] * bins
    for confidence, answered, right in scored:
        i = min(max(int(confidence * bins), 0), bins - 1)
        b = out[i]
        b.drafts += 1
        b.answered += answered
        b.declined += not answered
        b.correct += right
        sums[i] += confidence
    gap = 0.0
    for b, total in zip(out, sums, strict=True):
        b.accuracy = _ratio(b.correct, b.drafts)
        b.mean_confidence = _ratio(total, b.drafts)
        if b.accuracy is not None and b.mean_confidence is not None:
            gap += b.drafts * abs(b.accuracy - b.mean_confidence)
    return Reliability(
        bins=out,
        drafts=len(scored),
        answered=sum(a for _, a, _ in scored),
        declined=sum(not a for _, a, _ in scored),
        accuracy=_ratio(sum(r for _, _, r in scored), len(scored)),
        calibration_error=_ratio(gap, len(scored)),
    )


def table(rel: Reliability) -> list[str]:
    """The curve as Markdown table lines (empty bins included, shown as missing)."""

    def pct(v: float | None) -> str:
        return "missing" if v is None else f"{v:.1%}"

    lines = [
        "| confidence | drafts | answered | declined | correct | share correct | mean confidence |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for b in rel.bins:
        mean = "missing" if b.mean_confidence is None else f"{b.mean_confidence:.2f}"
        lines.append(
            f"| {b.low:.1f}–{b.high:.1f} | {b.drafts} | {b.answered} | {b.declined} "
            f"| {b.correct} | {pct(b.accuracy)} | {mean} |"
        )
    error = "missing" if rel.calibration_error is None else f"{rel.calibration_error:.3f}"
    lines += [
        f"| **all** | {rel.drafts} | {rel.answered} | {rel.declined} | "
        f"{sum(b.correct for b in rel.bins)} | {pct(rel.accuracy)} | calibration error {error} |"
    ]
    return lines
