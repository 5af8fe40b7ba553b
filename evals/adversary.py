"""Red-teaming the grounding gate: how many realistic hallucinations does it stop?

A clean extractive draft is taken for each answerable question, one fault is
injected into it the way a model would get it wrong, and the gate of
agent/nodes/verify.py judges the result. This measures the gate itself, not
any model's honesty. Faults are only injected into clean drafts the gate
passes: a draft it already blocks would make every fault look caught.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, computed_field

from agent.context import Context
from agent.extract import extract
from agent.grounding import Verdict, shopper_words, unknown_terms, verify
from agent.llm import Draft, make_llm
from agent.message import clean
from agent.nodes.retrieve import search_all
from agent.settings import Settings
from evals.fault_gate import DraftGateReport, measure_drafts
from evals.faults import FAULTS, FaultInjector, inject
from evals.runner import Progress, load_set, set_settings, set_store
from evals.schema import Case, read_cases
from knowledge.models import ScoredChunk


class Miss(BaseModel):
    """An injected hallucination the gate let through."""

    model_config = ConfigDict(extra="forbid")
    question: str
    sentence: str
    """The injected (or, for unanswerable, the whole confident) text."""
    confidence: float


class FaultScore(BaseModel):
    """How often the gate stopped one kind of fault."""

    model_config = ConfigDict(extra="forbid")
    injected: int = 0
    caught: int = 0
    missed: list[Miss] = []
    """Up to five examples."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def catch_rate(self) -> float | None:
        return round(self.caught / self.injected, 4) if self.injected else None


class CleanScore(BaseModel):
    """The gate on untouched extractive drafts: every block here is a false block."""

    model_config = ConfigDict(extra="forbid")
    drafts: int = 0
    blocked: int = 0
    not_drafted: int = 0
    """Questions the extractive drafter found nothing to quote for (no draft to judge)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def false_block_rate(self) -> float | None:
        return round(self.blocked / self.drafts, 4) if self.drafts else None


class AdversaryReport(BaseModel):
    """Catch rate per fault and false blocks on clean drafts."""

    model_config = ConfigDict(extra="forbid")
    faults: dict[str, FaultScore]
    clean: CleanScore
    seed: int
    drafts: DraftGateReport | None = None
    """The fault-draft set (evals/fault_drafts.jsonl) when it has drafts for this set."""
    seconds: float = 0.0


@dataclass
class _Gate:
    """Retrieval, drafting and the gate, called as agent/nodes/{retrieve,answer,verify}.py do."""

    ctx: Context
    vocabulary: frozenset[str]

    def retrieve(self, question: str) -> list[ScoredChunk]:
        return search_all(self.ctx, question)

    def judge(self, draft: Draft, question: str, found: list[ScoredChunk], case: Case) -> Verdict:
        grounding = self.ctx.settings.grounding
        unknown = unknown_terms(question, self.vocabulary, _shopper_words(case))
        return verify(
            draft,
            question,
            found,
            grounding.threshold_for(case.vertical),
            grounding.min_retrieval_score,
            unknown,
        )


def _shopper_words(case: Case) -> set[str]:
    """agent/nodes/verify.py's _shopper_words, from the case instead of the graph state."""
    found = [extract(t, case.customer) for t in case.turns]
    parts = [p for f in found for p in (*f.names, *f.emails, *f.order_ids)]
    parts.append(case.customer.name or "")
    return shopper_words(parts)


def measure(
    set_path: Path,
    settings: Settings,
    seed: int = 7,
    limit: int | None = None,
    progress: Progress | None = None,
) -> AdversaryReport:
    """Inject every fault into the clean draft of each answerable case's last turn, and
    confident answers into each low_confidence case's; ``limit`` caps the cases of each kind.
    The fault-draft set is judged too when it has drafts for this set."""
    started = time.perf_counter()
    eval_set = load_set(set_path)
    settings = set_settings(settings, eval_set)
    store, _ = set_store(eval_set, settings)
    cases, _ = read_cases(set_path / "cases.jsonl")
    # the configured answer model (the offline backend unless one is set), made faulty on demand
    model = make_llm(
        settings.llm,
        settings.store_name,
        settings.grounding.min_retrieval_score,
        embed=store.embedder.embed,
    )
    llm = FaultInjector(model, seed=seed)
    gate = _Gate(Context(settings=settings, llm=llm, retriever=store), store.vocabulary())
    todo = [(c, False) for c in cases if c.expect.decision == "answer"][:limit]
    todo += [(c, True) for c in cases if c.expect.trigger == "low_confidence"][:limit]
    report = AdversaryReport(
        faults={f: FaultScore() for f in FAULTS}, clean=CleanScore(), seed=seed
    )
    rng = random.Random(seed)
    for done, (case, unanswerable) in enumerate(todo, 1):
        # asked in isolation, cleaned and cut as the runtime does; it ignores empty messages
        question = clean(case.turns[-1], settings.max_message_chars).text
        if question:
            attack = _attack_unanswerable if unanswerable else _attack
            attack(gate, case, question, report, rng)
        if progress:
            progress(done, len(todo), case.id)
    report.drafts = measure_drafts(set_path, settings)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _attack(
    gate: _Gate, case: Case, question: str, report: AdversaryReport, rng: random.Random
) -> None:
    found = gate.retrieve(question)
    llm: FaultInjector = gate.ctx.llm  # type: ignore[assignment]
    llm.fault = None
    draft = llm.draft_answer(question, found, [])
    if not draft.answerable:
        report.clean.not_drafted += 1
        return
    report.clean.drafts += 1
    if not gate.judge(draft, question, found, case).passed:
        report.clean.blocked += 1
        return
    for fault in FAULTS[:-1]:
        llm.fault = fault
        faulty = llm.draft_answer(question, found, [])
        if llm.injected:
            injected = next(c.text for c in faulty.sentences if c not in draft.sentences)
            verdict = gate.judge(faulty, question, found, case)
            _score(report.faults[fault], verdict, question, injected)


def _attack_unanswerable(
    gate: _Gate, case: Case, question: str, report: AdversaryReport, rng: random.Random
) -> None:
    found = gate.retrieve(question)
    faulty = inject("unanswerable", Draft(answerable=False, sentences=[]), found, rng)
    if faulty is not None:
        verdict = gate.judge(faulty, question, found, case)
        text = " ".join(c.text for c in faulty.sentences)
        _score(report.faults["unanswerable"], verdict, question, text)


def _score(score: FaultScore, verdict: Verdict, question: str, sentence: str) -> None:
    score.injected += 1
    if not verdict.passed:
        score.caught += 1
    elif len(score.missed) < 5:
        score.missed.append(
            Miss(question=question, sentence=sentence, confidence=verdict.confidence)
        )
