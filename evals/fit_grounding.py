"""Fit the grounding gate's calibrated score on the dev eval sets; write agent/grounding_score.json.

    python -m evals.fit_grounding [--dry-run]

Each case's message that asks (not a greeting before it; a follow-up with the message it
follows) is retrieved and drafted by the offline backend, exactly as the bot does. A
draft the named checks already decline (entity, variant, answer type, ...) is left out: the score only weighs what those checks let through. The label is
whether a person was needed for the answer:

- 1: the case expects the bot to answer that message from the knowledge base (it names
  the facts or documents of the answer) and the draft states those facts (or, naming
  none, cites one of those documents);
- 0: the case expects a handoff there because the knowledge base does not answer it
  (trigger ``low_confidence``).

An answerable case whose draft misses its facts is left out (on topic, not the answer:
neither label fits). Cases handed off for another reason (an explicit request, a sensitive topic, an account
action) never reach the gate and are not used. Only sets that say ``split = "dev"`` in
their set.toml, and the bundled sample-store, are read: never a test split.

The model is a logistic regression over :data:`agent.grounding.FEATURES`, L2-regularised,
with a wrong answer weighted ``NEGATIVE_WEIGHT`` times a needless handoff (an answer that
misleads a shopper costs more than a handoff that was not needed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from agent.grounding import FEATURES, SCORE_FILE, unknown_terms, verify
from agent.llm import Draft
from agent.nodes.retrieve import FOLLOW_UP, search_all
from agent.offline import OfflineBackend, SentenceVectors
from agent.settings import Settings
from agent.shorthand import expand
from evals.runner import load_set, set_settings, set_store
from evals.schema import Expect, read_cases
from knowledge.models import ScoredChunk

DEV_SETS = ("sample-store", "tau-retail-dev", "pet-store-dev")
NEGATIVE_WEIGHT = 10.0
L2 = 0.01
SETS_ROOT = Path(__file__).parent / "sets"


def asking_turns(turns: list[str]) -> list[str]:
    """Each message as the bot looks it up: a follow-up ("and for express?") carries the
    message before it (:func:`agent.nodes.retrieve.question_of`), in chat shorthand
    written out (:func:`agent.shorthand.expand`)."""
    out = []
    for n, turn in enumerate(turns):
        text = turn
        if n and FOLLOW_UP.match(turn.strip()):
            text = f"{turns[n - 1]} {turn}"
        out.append(expand(text))
    return out


def rows(set_path: Path) -> list[tuple[list[float], int]]:
    """(features, label) for the message of each usable case that asks: for a handoff, the
    message it is expected at; for an answer, the first message whose draft states the
    case's facts (a greeting or an introduction asks nothing)."""
    eval_set = load_set(set_path)
    if eval_set.name != "sample-store" and eval_set.split != "dev":
        raise SystemExit(f"{set_path}: only dev splits are used for fitting")
    settings = set_settings(Settings(), eval_set)
    store, _ = set_store(eval_set, settings, None)
    vectors = SentenceVectors(store.embedder.embed)
    llm = OfflineBackend(settings.grounding.min_retrieval_score, embed=vectors)
    ctx = SimpleNamespace(retriever=store, settings=settings)
    cases, _ = read_cases(set_path / "cases.jsonl")
    vocabulary = store.vocabulary()
    found: list[tuple[list[float], int]] = []
    for case in cases:
        expect = case.expect
        questions = asking_turns(case.turns)
        if expect.decision == "answer" and (expect.answer_must_contain or expect.supporting_docs):
            label = 1
        elif expect.trigger == "low_confidence" and expect.escalate_at_turn:
            label = 0
            questions = [questions[expect.escalate_at_turn - 1]]
        else:
            continue
        for question in questions:
            # retrieved as the bot does (agent.nodes.retrieve): each sub-question, and each
            # without the product's name
            chunks = search_all(ctx, question)  # type: ignore[arg-type]
            draft = llm.draft_answer(question, chunks, [])
            if not draft.answerable:
                continue
            verdict = verify(
                draft,
                question,
                chunks,
                settings.grounding.threshold_for(case.vertical),
                settings.grounding.min_retrieval_score,
                unknown_terms(question, vocabulary),
                embed=vectors,
            )
            if verdict.declined_by not in (None, "low_score"):
                continue
            said = " ".join(c.text for c in draft.sentences).lower()
            if label and not all(f.lower() in said for f in expect.answer_must_contain):
                continue  # on topic but not the fact asked for: neither label fits
            if label and not expect.answer_must_contain and not _cites(draft, chunks, expect):
                continue
            found.append(([verdict.features[f] for f in FEATURES], label))
            break
    return found


def _cites(draft: Draft, chunks: list[ScoredChunk], expect: Expect) -> bool:
    """Whether the draft cites one of the documents the case names."""
    by_id = {sc.chunk.id: sc.chunk.doc_id for sc in chunks}
    docs = {by_id.get(c, "") for claim in draft.sentences for c in claim.citations}
    return any(d.endswith(doc) for d in docs for doc in expect.supporting_docs)


def fit(x: np.ndarray, y: np.ndarray, steps: int = 20_000, rate: float = 0.5) -> np.ndarray:
    """Weights (last: bias) of a weighted, L2-regularised logistic regression."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    sample = np.where(y == 1, 1.0, NEGATIVE_WEIGHT)
    sample = sample / sample.sum()
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample * (p - y)) + L2 * np.r_[w[:-1], 0.0]
        w -= rate * grad
    return w


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, float]]:
    """Per confidence bin: cases, mean confidence, share that were answerable."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if inside.any():
            out.append(
                {
                    "bin": round(lo, 2),
                    "cases": int(inside.sum()),
                    "confidence": round(float(p[inside].mean()), 3),
                    "answerable": round(float(y[inside].mean()), 3),
                }
            )
    return out


def calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 5) -> float:
    """Expected calibration error over the fitted rows: the case-weighted mean gap between
    a bin's confidence and its share answerable (a wrong answer weighs ``NEGATIVE_WEIGHT``
    in the fit, so the score is meant to sit below the share: it errs toward a handoff)."""
    rows = reliability(p, y, bins)
    total = sum(r["cases"] for r in rows)
    gap = sum(r["cases"] * abs(r["confidence"] - r["answerable"]) for r in rows)
    return round(gap / total, 3) if total else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    data: list[tuple[list[float], int]] = []
    counts = {}
    for name in DEV_SETS:
        found = rows(SETS_ROOT / name)
        counts[name] = {"answerable": sum(y for _, y in found), "not": sum(1 - y for _, y in found)}
        data += found
    x = np.array([f for f, _ in data], dtype=np.float64)
    y = np.array([label for _, label in data], dtype=np.float64)
    w = fit(x, y)
    p = 1.0 / (1.0 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))
    result = {
        "weights": {name: round(float(v), 4) for name, v in zip(FEATURES, w[:-1], strict=True)},
        "bias": round(float(w[-1]), 4),
        "made_by": "python -m evals.fit_grounding",
        "fitted_on": counts,
        "negative_weight": NEGATIVE_WEIGHT,
        "l2": L2,
        "reliability": reliability(p, y),
        "calibration_error": calibration_error(p, y),
    }
    text = json.dumps(result, indent=2) + "\n"
    print(text)
    if not args.dry_run:
        SCORE_FILE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
