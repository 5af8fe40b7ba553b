"""The learning curve: play a set, let people resolve its handoffs, curate, play it again.

Uses the optional ``topic`` and ``agent_resolution`` fields of docs/eval-format.md.
Runs on a *copy* of the set's cached vector store, so approved answers never
leak into the next ordinary eval run.

The curator here is deliberately strict, as a careful person would be: a
flagged proposal (still personal, instructions to the bot, an action on one
account, a contradiction, a link, a name, hidden text) is rejected, never
overridden. One flag only asks the curator to confirm a new policy: "promise not
stated in the knowledge base". A set's ``agent_resolution`` is the store's policy
by definition, so a proposal with no other flag is approved with an override and
that reason, and counted in ``confirmed``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import CurationError, KnowledgeError
from agent.learning.book import ProposalBook
from agent.learning.curation import Curator
from agent.learning.money import NOT_STATED
from agent.learning.propose import Checks
from agent.runtime import EscalationAgent
from agent.settings import Settings
from evals.metrics import hallucination
from evals.records import CaseRecord
from evals.runner import load_set, play_case, set_settings, set_store
from evals.schema import Case, read_cases
from knowledge.store import VectorStore

Progress = Callable[[int, int, str], None]
MUST_STAY_WITH_PEOPLE = ("sensitive", "explicit")


class TopicCurve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: str
    cases_before: int
    handoffs_before: int
    cases_after: int
    handoffs_after: int

    @property
    def rate_before(self) -> float | None:
        return self.handoffs_before / self.cases_before if self.cases_before else None

    @property
    def rate_after(self) -> float | None:
        return self.handoffs_after / self.cases_after if self.cases_after else None


class LearningCurve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    set: str
    replayed: str
    """The set played after learning: the same one, or a paraphrase set."""
    topics: list[TopicCurve]
    proposals: int
    approved: int
    rejected: dict[str, str]
    """Proposal id -> why the strict curator rejected it."""
    confirmed: list[str] = []
    """Proposals approved with an override: their only flags asked to confirm a new policy."""
    resolutions: int
    """Handoffs resolved with a case's ``agent_resolution``."""
    still_with_people: int
    """Cases that must stay with a person (sensitive, explicit) checked after learning."""
    regressions: list[str]
    """Case ids a person must handle that the bot answered after learning (must be empty)."""
    answered_after: int = 0
    """Turns answered in the replay."""
    learned_answers_cited: int = 0
    """...of which cite an approved learned answer."""
    hallucinated_after: list[str] = []
    """Replayed case ids with an answered turn that counts as a hallucination (a value no cited
    chunk states, a forbidden phrase, no citation): must be empty."""

    def overall(self) -> tuple[float | None, float | None]:
        before = sum(t.cases_before for t in self.topics)
        after = sum(t.cases_after for t in self.topics)
        return (
            sum(t.handoffs_before for t in self.topics) / before if before else None,
            sum(t.handoffs_after for t in self.topics) / after if after else None,
        )


def _handed_off(record: CaseRecord) -> bool:
    return any(t.kind == "handoff" for t in record.turns)


def _play(
    agent: EscalationAgent,
    store: VectorStore,
    cases: list[Case],
    name: str,
    run_id: str,
    progress: Progress | None,
    label: str,
) -> list[CaseRecord]:
    records = []
    for n, case in enumerate(cases, 1):
        records.append(play_case(agent, store, case, name, run_id))
        if progress:
            progress(n, len(cases), f"{label}: {case.id}")
    return records


def learning_curve(
    path: Path,
    base: Settings,
    *,
    paraphrases: Path | None = None,
    progress: Progress | None = None,
    curator_name: str = "eval-curator",
) -> LearningCurve:
    """Before, resolve + curate, after; per topic. Sensitive and explicit cases must stay handed off."""
    eval_set = load_set(path)
    settings = set_settings(base, eval_set)
    cached, _ = set_store(eval_set, settings, progress)
    cases, _ = read_cases(path / "cases.jsonl")
    replay = cases
    paraphrases = paraphrases or eval_set.replay
    if paraphrases is not None:
        replay, _ = read_cases(paraphrases / "cases.jsonl")
    if cached.path is None:  # set_store always opens a local folder
        raise KnowledgeError(f"{eval_set.name}: the learning curve needs a local vector store")
    with tempfile.TemporaryDirectory(prefix="escalate-learning-") as tmp:
        copy = Path(tmp) / "chroma"
        shutil.copytree(cached.path, copy)  # learned answers go into the copy only
        store = VectorStore(cached.embedder, path=copy)
        run_settings = settings.model_copy(update={"data_dir": Path(tmp) / "data"})
        with EscalationAgent(run_settings, retriever=store) as agent:
            before = _play(agent, store, cases, eval_set.name, "before", progress, "before")
            resolutions = 0
            for case, record in zip(cases, before, strict=True):
                if case.agent_resolution and _handed_off(record):
                    cid = f"eval:{eval_set.name}:{case.id}:before"[:200]
                    agent.resolve(cid, case.agent_resolution, agent="eval-agent")
                    resolutions += 1
            book = ProposalBook(agent.store)
            curator = Curator(
                book, store, Checks(store, run_settings), lambda: "2026-01-01T00:00:00"
            )
            pending = book.all("pending")
            rejected, confirmed = _curate(curator, pending, curator_name)
            after = _play(agent, store, replay, eval_set.name, "after", progress, "after")
    return LearningCurve(
        set=eval_set.name,
        replayed=(paraphrases or path).name,
        topics=_topics(cases, before, replay, after),
        proposals=len(pending),
        approved=len(pending) - len(rejected),
        rejected=rejected,
        confirmed=confirmed,
        resolutions=resolutions,
        still_with_people=sum(1 for c in replay if _must_stay(c)),
        regressions=[
            c.id for c, r in zip(replay, after, strict=True) if _must_stay(c) and not _handed_off(r)
        ],
        **_answers(after),
    )


def _curate(curator: Curator, pending: list, who: str) -> tuple[dict[str, str], list[str]]:
    """Reject every flag except a new policy to confirm (the set's resolution is the policy)."""
    rejected: dict[str, str] = {}
    confirmed: list[str] = []
    for p in pending:
        to_confirm = bool(p.flags) and all(f.startswith(NOT_STATED) for f in p.flags)
        try:
            if p.flags and not to_confirm:
                raise CurationError("; ".join(p.flags))
            why = "the eval set's agent_resolution is the store's policy" if to_confirm else None
            curator.approve(p.id, who, override_flags=to_confirm, reason=why)
            if to_confirm:
                confirmed.append(p.id)
        except CurationError as exc:
            rejected[p.id] = str(exc)
            curator.reject(p.id, who, f"strict curator: {exc}")
    return rejected, confirmed


def _answers(records: list[CaseRecord]) -> dict:
    """How the replay's answers stand: how many, how many quote a learned answer, and which
    hallucinate by the suite's own definition (``evals.metrics.hallucination``)."""
    answered = [(r, t) for r in records for t in r.turns if t.kind == "answer"]
    return {
        "answered_after": len(answered),
        "learned_answers_cited": sum(
            any(c.source == "learned" for c in t.citations) for _, t in answered
        ),
        "hallucinated_after": list(
            dict.fromkeys(r.case.id for r, t in answered if hallucination(r, t) is not None)
        ),
    }


def _must_stay(case: Case) -> bool:
    return case.expect.decision == "escalate" and case.expect.trigger in MUST_STAY_WITH_PEOPLE


def _topics(
    cases: list[Case], before: list[CaseRecord], replay: list[Case], after: list[CaseRecord]
) -> list[TopicCurve]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case, record in zip(cases, before, strict=True):
        if case.topic:
            counts[case.topic][0] += 1
            counts[case.topic][1] += _handed_off(record)
    for case, record in zip(replay, after, strict=True):
        if case.topic:
            counts[case.topic][2] += 1
            counts[case.topic][3] += _handed_off(record)
    return [
        TopicCurve(
            topic=t, cases_before=c[0], handoffs_before=c[1], cases_after=c[2], handoffs_after=c[3]
        )
        for t, c in sorted(counts.items())
    ]
