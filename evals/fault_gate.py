"""Scoring the fault-draft set: which model drafts would the gate send?

Each row of evals/fault_drafts.jsonl is a draft a model might write for a
question of the sample-store set, cited against that set's store. The draft is
judged by the gate as agent/nodes/verify.py calls it, twice: with the claim
checks (the gate today) and with the word gate alone (before them). A faulty
draft that passes is sent; a clean one that fails is a false block.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from agent.claim_check import lemmas
from agent.claims import sentences
from agent.context import Context
from agent.grounding import unknown_terms, verify
from agent.llm import Claim, Draft, make_llm
from agent.nodes.retrieve import search_all
from agent.settings import Settings
from evals.fault_drafts import CLEAN_KINDS, SEEDS, Seed, rewrites
from evals.runner import load_set, set_settings, set_store
from knowledge.models import ScoredChunk

DRAFTS = Path(__file__).parent / "fault_drafts.jsonl"
SET = Path(__file__).parent / "sets" / "sample-store"


class KindScore(BaseModel):
    """One kind of draft: how many were tried, and how many each gate blocked."""

    model_config = ConfigDict(extra="forbid")
    tried: int = 0
    blocked_before: int = 0
    """Blocked by the word gate alone (before the claim checks)."""
    blocked: int = 0
    sent: list[str] = []
    """Up to three drafts the gate let through (for a clean kind: all fine)."""


class DraftGateReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    set: str
    kinds: dict[str, KindScore]


def _context(set_path: Path, settings: Settings) -> tuple[Context, Settings, frozenset[str]]:
    settings = set_settings(settings, load_set(set_path))
    store, _ = set_store(load_set(set_path), settings)
    llm = make_llm(settings.llm, settings.store_name, settings.grounding.min_retrieval_score)
    return Context(settings=settings, llm=llm, retriever=store), settings, store.vocabulary()


def _citations(seed: Seed, found: list[ScoredChunk]) -> tuple[str, str]:
    """The retrieved chunk that states the seed's sentence, and the least related other one."""
    right = next((sc for sc in found if seed.source in sc.chunk.text), None)
    if right is None:
        raise ValueError(f"no retrieved chunk states {seed.source[:60]!r} for {seed.question!r}")
    words = lemmas(seed.source)
    others = [sc for sc in found if sc.chunk.id != right.chunk.id]
    wrong = min(others, key=lambda sc: len(words & lemmas(sc.chunk.text)))
    return right.chunk.id, wrong.chunk.id


def build(set_path: Path = SET, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The rows of the fault-draft set, cited against ``set_path``'s store."""
    ctx, _, _ = _context(set_path, settings or Settings.load(None))
    rows = []
    for n, seed in enumerate(SEEDS):
        right, wrong = _citations(seed, search_all(ctx, seed.question))
        for kind, texts in rewrites(seed).items():
            cite = [wrong if kind == "wrong_citation" else right]
            for text in texts:
                said = [{"text": s, "citations": cite} for s in sentences(text)]
                row = {"id": f"{n:02d}-{kind}", "set": set_path.name, "kind": kind}
                rows.append(row | {"question": seed.question, "sentences": said})
    return rows


def measure_drafts(
    set_path: Path, settings: Settings, path: Path = DRAFTS
) -> DraftGateReport | None:
    """Judge every row of ``path`` made for ``set_path`` (None when there are none)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r["set"] == set_path.name]
    if not rows:
        return None
    ctx, settings, vocabulary = _context(set_path, settings)
    grounding = settings.grounding
    report = DraftGateReport(set=set_path.name, kinds={})
    for row in rows:
        found = search_all(ctx, row["question"])
        draft = Draft(answerable=True, sentences=[Claim(**s) for s in row["sentences"]])
        args = (
            row["question"],
            found,
            grounding.threshold_for(settings.vertical),
            grounding.min_retrieval_score,
            unknown_terms(row["question"], vocabulary),
        )
        score = report.kinds.setdefault(row["kind"], KindScore())
        score.tried += 1
        score.blocked_before += not verify(draft, *args, claims=False).passed
        if verify(draft, *args).passed:
            if len(score.sent) < 3:
                score.sent.append(" ".join(s.text for s in draft.sentences))
        else:
            score.blocked += 1
    return report


def table(report: DraftGateReport) -> str:
    """The Markdown table of the docs: faults first, then clean drafts."""
    lines = [
        "| kind | drafts | sent (word gate) | blocked | sent |",
        "|---|---:|---:|---:|---:|",
    ]
    kinds = sorted(report.kinds.items(), key=lambda kv: (kv[0] in CLEAN_KINDS, kv[0]))
    for name, s in kinds:
        label = f"{name} (clean: every block is wrong)" if name in CLEAN_KINDS else name
        lines.append(
            f"| {label} | {s.tried} | {s.tried - s.blocked_before} | {s.blocked} | {s.tried - s.blocked} |"
        )
    for clean in (False, True):
        chosen = [s for n, s in report.kinds.items() if (n in CLEAN_KINDS) == clean]
        tried, before = sum(s.tried for s in chosen), sum(s.blocked_before for s in chosen)
        blocked = sum(s.blocked for s in chosen)
        label = "all clean drafts" if clean else "all faulty drafts"
        lines.append(
            f"| **{label}** | {tried} | {tried - before} | {blocked} | {tried - blocked} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # python -m evals.fault_gate rebuilds the data file
    built = build()
    DRAFTS.write_text("".join(json.dumps(r) + "\n" for r in built), encoding="utf-8")
    sys.stdout.write(f"wrote {len(built)} drafts to {DRAFTS}\n")
