"""Calibrate when a nearest-example vote may *label* a handoff that happens anyway.

Called by ``python -m evals.calibrate_intents`` after the strict limits are chosen;
the result is the ``label`` table of ``agent/triggers/packs/intent_thresholds.toml``
(see agent/triggers/leaning.py for what a label does).

Rows, dev data only: the message at ``escalate_at_turn`` of every escalating case of
``sample-store`` and the ``split = "dev"`` sets (its expected trigger and queue), every
message of their answerable cases (a reason added there is wrong), and the "tune" half
of ``tests/triggers/data/probe_phrasings.toml`` (the "held" half and the test sets are
never read). Each row is handed off as the rules leave it, with a ``low_confidence``
reason when no rule fires (the gate refused an answer): that is the handoff a label
relabels.

Per trigger, in ``LABELLING`` order (earlier choices kept), the limits maximise, over
the rows the strict vote leaves unlabelled:

    right reasons added + queues put right
    - LABEL_COST * (wrong reasons added + queues put wrong)

ties going to the stricter limits; a trigger whose best value is not positive gets no
label limits (its vote never labels).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from agent.questions import split_questions
from agent.routing import route
from agent.settings import TriggerSettings
from agent.state import Customer, TriggerHit
from agent.triggers import TriggerContext, detect
from agent.triggers.leaning import LABELLING, label, leaning
from agent.triggers.nearest import IntentIndex, Limits, Thresholds, Verdict
from agent.triggers.vip import is_vip
from evals.schema import Case

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "tests" / "triggers" / "data" / "probe_phrasings.toml"
LABEL_COST = 2
"""A wrong label costs a transfer between queues (no needless handoff): it must be right
at least twice as often as it is wrong to be worth having."""
LABEL_FLOORS = [round(0.20 + 0.02 * i, 2) for i in range(26)]
LABEL_VOTES = [2, 3, 4, 5, 6, 7]
LABEL_MARGINS = [-0.05, 0.0, 0.03, 0.06, 0.1]
TUNE = "probe phrasings (tune half)"


@dataclass
class LabelRow:
    source: str
    text: str
    expected: str | None
    """The trigger the case expects (low_confidence too); None: answerable."""
    queue: str | None
    """The queue the case expects; None: not scored."""
    hits: list[TriggerHit]
    intent: str
    topics: list[str]
    vip: bool
    verdicts: list[Verdict]
    before: str
    """The queue of the handoff as the rules leave it."""


def probe_half(text: str) -> str:
    """``tune`` or ``held``: the split of tests/triggers/test_probe_phrasings.py."""
    return "held" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 else "tune"


Message = tuple[str, str, str | None, str | None, Customer]
"""(source, text, expected trigger, expected queue, customer)."""


def _messages(sets: list[Path]) -> list[Message]:
    rows: list[Message] = []
    for folder in sets:
        for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = Case.model_validate(json.loads(line))
            e = case.expect
            if e.decision == "answer":
                rows += [(folder.name, t, None, None, case.customer) for t in case.turns]
            elif e.escalate_at_turn:
                text = case.turns[e.escalate_at_turn - 1]
                rows.append((folder.name, text, e.trigger, e.route, case.customer))
    probes = tomllib.loads(PROBES.read_text(encoding="utf-8"))
    for kind, texts in probes.items():
        expected = None if kind == "answerable" else kind
        rows += [(TUNE, t, expected, None, Customer()) for t in texts if probe_half(t) == "tune"]
    return rows


def label_rows(
    sets: list[Path], index: IntentIndex, embedder: object, limits: Thresholds
) -> list[LabelRow]:
    """The rows, each handed off as the trigger step leaves it (rules and strict vote)."""
    found = _messages(sets)
    questions = sorted({q for _, t, *_ in found for q in split_questions(t) or [t]})
    vectors = dict(zip(questions, embedder.embed(questions), strict=True))  # type: ignore[attr-defined]
    settings = TriggerSettings()
    rows = []
    for source, text, expected, queue, customer in found:
        verdicts = [index.classify(vectors[q], limits.k) for q in split_questions(text) or [text]]
        sure = [v for v in verdicts if v.fires(limits)]
        rank = {kind: i for i, kind in enumerate(LABELLING)}
        sure.sort(key=lambda v: rank.get(v.bank.trigger, len(rank)))
        result = detect(TriggerContext(message=text, customer=customer, examples=sure), settings)
        hits = result.hits or [TriggerHit(kind="low_confidence", reason="the gate refused")]
        vip = is_vip(customer, settings)
        intent = result.intent
        rows.append(
            LabelRow(
                source,
                text,
                expected,
                queue,
                hits,
                intent,
                result.topics,
                vip,
                verdicts,
                route(hits, intent, result.topics, vip),
            )
        )
    return rows


def value(rows: list[LabelRow], limits: Thresholds) -> tuple[int, int, int, int, int]:
    """(value, right reasons, wrong reasons, queues put right, queues put wrong)."""
    right = wrong = fixed = broken = 0
    for r in rows:
        out = label(r.hits, r.intent, r.topics, leaning(r.verdicts, limits), r.text)
        added = {h.kind for h in out.hits} - {h.kind for h in r.hits}
        right += sum(kind == r.expected for kind in added)
        wrong += sum(kind != r.expected for kind in added)
        if r.queue:
            after = route(out.hits, out.intent, out.topics, r.vip)
            fixed += after == r.queue and r.before != r.queue
            broken += after != r.queue and r.before == r.queue
    return right + fixed - LABEL_COST * (wrong + broken), right, wrong, fixed, broken


def calibrate_labels(rows: list[LabelRow], limits: Thresholds) -> dict[str, Limits]:
    chosen: dict[str, Limits] = {}
    for trigger in LABELLING:
        mine_rows = [r for r in rows if any(v.bank.trigger == trigger for v in r.verdicts)]
        base = value(mine_rows, limits.model_copy(update={"label": chosen}))[0]
        options = []
        for votes, margin, floor in itertools.product(LABEL_VOTES, LABEL_MARGINS, LABEL_FLOORS):
            if votes > limits.k:
                continue
            mine = Limits(min_votes=votes, margin=margin, floor=floor)
            trial = limits.model_copy(update={"label": {**chosen, trigger: mine}})
            gain = value(mine_rows, trial)[0] - base
            options.append((gain, votes, margin, floor, mine))
        gain, *_, mine = max(options, key=lambda o: o[:4])
        if gain > 0:
            chosen[trigger] = mine
    return chosen


def label_table(rows: list[LabelRow], limits: Thresholds) -> list[str]:
    """What the label limits do per source: reasons added right and wrong, queues put right
    and wrong, and the route accuracy of the scored rows before and after."""
    lines = [
        "| source | reasons added (right / wrong) | queues put right / wrong "
        "| route accuracy before | after |",
        "|---|---|---|---|---|",
    ]
    for source in sorted({r.source for r in rows}):
        mine = [r for r in rows if r.source == source]
        _, right, wrong, fixed, broken = value(mine, limits)
        scored = [r for r in mine if r.queue]
        before = sum(r.before == r.queue for r in scored)
        after = before + fixed - broken
        lines.append(
            f"| {source} | {right} / {wrong} | {fixed} / {broken} "
            f"| {_share(before, len(scored))} | {_share(after, len(scored))} |"
        )
    return lines


def _share(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"
