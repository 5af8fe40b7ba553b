"""PNG charts of an eval run: what people would rather look at than read.

matplotlib is imported inside the functions (importing this module costs
nothing) and figures are drawn on an Agg canvas directly, never through
pyplot: no global backend is switched and no window can open.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only annotations: importing the charts must not load the runtime
    from evals.metrics import TriggerScore
    from evals.records import CaseRecord
    from evals.reliability import Reliability
    from evals.sweep import SweepPoint

_BARS = (("precision", "tab:blue"), ("recall", "tab:orange"))
_SWEEP_LINES = (
    ("hallucination_rate", "hallucination rate", "tab:red"),
    ("unsafe_answer_rate", "unsafe-answer rate", "tab:orange"),
    ("deflection_rate", "deflection rate", "tab:green"),
    ("escalation_recall", "escalation recall", "tab:blue"),
)


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=110)
    fig.clear()  # outside pyplot there is nothing to close; this frees the artists at once
    return path


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what}", ha="center", va="center", transform=ax.transAxes, color="grey")


def trigger_pr_png(scores: list[TriggerScore], path: Path) -> Path:
    """Grouped precision and recall bars per trigger; a missing value shows "n/a", no bar."""
    from matplotlib.patches import Patch

    fig, ax = _figure(max(6.0, 0.8 * len(scores) + 2), 4.0)
    width = 0.38
    for side, (field, colour) in zip((-0.5, 0.5), _BARS, strict=True):
        for x, score in enumerate(scores):
            value = getattr(score, field)
            if value is None:
                ax.text(x + side * width, 0.02, "n/a", ha="center", va="bottom", fontsize=7)
            else:
                ax.bar(x + side * width, value, width, color=colour)
    if not scores:
        _empty(ax, "triggers")
    ax.set_xticks(range(len(scores)), [s.trigger for s in scores], rotation=30, ha="right")
    ax.set_ylim(0, 1.15)
    ax.set_title("Escalation precision and recall per trigger")
    # patches, not bar containers: the legend keeps its colours even if every value is n/a
    handles = [Patch(color=colour, label=field) for field, colour in _BARS]
    ax.legend(handles=handles, loc="upper center", ncols=2, fontsize=8)
    return _save(fig, path)


def handoff_confidences(records: list[CaseRecord]) -> tuple[list[float], list[float], int]:
    """(answered confidences, low-confidence handoff scores, handoffs with no confidence)."""
    answered, handed, before = [], [], 0
    for turn in (t for r in records for t in r.turns):
        if turn.kind == "answer" and turn.confidence is not None:
            answered.append(turn.confidence)
        elif turn.kind == "handoff":
            # a handoff reply carries no confidence; the gate's verdict is on its trigger
            gate = [h.score for h in turn.triggers if h.kind == "low_confidence"]
            if gate and gate[0] is not None:
                handed.append(gate[0])
            else:
                before += 1
    return answered, handed, before


def confidence_histogram_png(
    records: list[CaseRecord], path: Path, threshold: float | None
) -> Path:
    """Grounding confidence of answered versus handed-off turns, with the threshold line."""
    answered, handed, before = handoff_confidences(records)
    fig, ax = _figure(7.0, 4.0)
    bins = [i / 20 for i in range(21)]
    ax.hist(answered, bins=bins, alpha=0.6, color="tab:green", label=f"answered ({len(answered)})")
    ax.hist(
        handed,
        bins=bins,
        alpha=0.6,
        color="tab:red",
        label=f"handed off, low confidence ({len(handed)})",
    )
    ax.plot([], [], " ", label=f"{before} handed off before drafting")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
    if not answered and not handed:
        _empty(ax, "scored turns")
    ax.set_xlim(0, 1)
    ax.set_xlabel("grounding confidence")
    ax.set_ylabel("turns")
    ax.set_title("Grounding confidence: answered vs handed off")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def reliability_png(rel: Reliability, path: Path) -> Path:
    """Share of correct drafts per confidence bin against the diagonal a calibrated gate
    follows; an empty bin has no bar and shows "n/a"; each bar is labelled with its count."""
    fig, ax = _figure(6.5, 4.5)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="calibrated")
    for b in rel.bins:
        middle, width = (b.low + b.high) / 2, (b.high - b.low) * 0.9
        if b.accuracy is None:
            ax.text(middle, 0.02, "n/a", ha="center", va="bottom", fontsize=7)
            continue
        ax.bar(middle, b.accuracy, width, color="tab:blue", alpha=0.7)
        ax.text(middle, b.accuracy + 0.01, str(b.drafts), ha="center", va="bottom", fontsize=7)
    if not rel.drafts:
        _empty(ax, "scored drafts")
    error = "missing" if rel.calibration_error is None else f"{rel.calibration_error:.3f}"
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.1)
    ax.set_xlabel("grounding confidence")
    ax.set_ylabel("share of drafts correct")
    ax.set_title(f"Reliability of the grounding gate (calibration error {error})")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def sweep_png(points: list[SweepPoint], path: Path, chosen: float | None) -> Path:
    """Hallucination, unsafe-answer, deflection and recall against the threshold; chosen marked."""
    fig, ax = _figure(8.5, 4.0)
    points = sorted(points, key=lambda p: p.threshold)
    xs = [p.threshold for p in points]
    for field, label, colour in _SWEEP_LINES:
        # a metric with nothing to measure is a gap in the line, not a zero
        ys = [getattr(p.metrics, field) for p in points]
        ax.plot(xs, [float("nan") if y is None else y for y in ys], "o-", color=colour, label=label)
    if chosen is not None:
        ax.axvline(chosen, color="black", linestyle="--", label=f"chosen {chosen:.2f}")
    if not points:
        _empty(ax, "sweep points")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("grounding threshold")
    ax.set_title("What the grounding threshold trades")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return _save(fig, path)
