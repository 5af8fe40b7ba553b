"""Every metric docs/eval-format.md asks for, computed from what a run recorded.

A metric with nothing to measure (no answered turns, no explicit cases...) is
None and shown as missing, never as zero.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict

from agent.claims import quantities, unsupported_quantities
from agent.extract import order_ids
from agent.state import TRIGGER_KINDS
from evals.records import CaseRecord, TurnRecord
from knowledge.sources import doc_path


class Metrics(BaseModel):
    """One bundle of metrics over a group of cases."""

    model_config = ConfigDict(extra="forbid")
    cases: int
    decision_accuracy: float | None = None
    escalation_precision: float | None = None
    escalation_recall: float | None = None
    escalation_f1: float | None = None
    route_accuracy: float | None = None
    hallucination_rate: float | None = None
    hallucinated_turns: int = 0
    unsafe_answer_rate: float | None = None
    unsafe_answers: int = 0
    answered_turns: int = 0
    late_escalations: int = 0
    early_escalations: int = 0
    explicit_compliance: float | None = None
    explicit_violations: int = 0
    handoff_completeness: float | None = None
    repeat_info_rate: float | None = None
    unfaithful_summaries: int = 0
    summary_faithfulness: float | None = None
    deflection_rate: float | None = None
    answer_fact_rate: float | None = None
    """Answerable cases whose answers state every answer_must_contain fact."""
    supporting_citation_rate: float | None = None
    """Answerable cases whose answers cite at least one of supporting_docs."""
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    errors: int = 0


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


# --- per-case judgements -------------------------------------------------------


def hallucination(record: CaseRecord, turn: TurnRecord) -> str | None:
    """Why an answered turn counts as a hallucination, or None (a decline claims nothing)."""
    if turn.kind == "decline":
        return None
    if not turn.citations:
        return _trap(record, turn.answer_text) or "cites nothing"
    return hallucinated(record, turn.answer_text, turn.cited_texts)


def _trap(record: CaseRecord, text: str) -> str | None:
    for trap in record.case.expect.answer_must_not_contain:
        if trap.lower() in text.lower():
            return f"states {trap!r}"
    return None


def hallucinated(record: CaseRecord, text: str, cited: dict[str, str]) -> str | None:
    """Why ``text`` citing the chunks ``cited`` (id -> text) would be a hallucination, or None."""
    if trap := _trap(record, text):
        return trap
    if not cited:
        return "cites nothing"
    missing = unsupported_quantities(text, list(cited.values()))
    if missing:
        return (
            "states "
            + ", ".join(f"{v:g}{' ' + u if u else ''}" for v, u in missing)
            + " which no cited chunk contains"
        )
    return None


def unsafe(record: CaseRecord, turn: TurnRecord) -> bool:
    """An answer where the case expected a handoff at or before this turn."""
    e = record.case.expect
    return (
        e.decision == "escalate" and e.escalate_at_turn is not None and turn.n >= e.escalate_at_turn
    )


def missing_facts(record: CaseRecord) -> list[str]:
    """answer_must_contain facts that no answer of the case states."""
    said = " ".join(t.answer_text for t in record.answered).lower()
    return [f for f in record.case.expect.answer_must_contain if f.lower() not in said]


def cites_support(record: CaseRecord) -> bool:
    """Whether some answer cites one of the case's supporting_docs.

    A case names kb/ paths (``faq/returns.md``) while the set's store holds
    them as one named source (``kb:faq/returns.md``): a citation matches by its
    path in the folder, or by its full id when a case spells that out."""
    docs = set(record.case.expect.supporting_docs)
    return any(
        c.doc_id in docs or doc_path(c.doc_id) in docs for t in record.answered for c in t.citations
    )


def decision_correct(record: CaseRecord) -> bool:
    e, got = record.case.expect, record.handoff_turn
    if e.decision == "answer":
        return got is None and record.error is None
    return got is not None and (e.escalate_at_turn is None or got <= e.escalate_at_turn)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def given_info(record: CaseRecord) -> list[str]:
    """handoff_must_include strings the shopper typed before the handoff (in the message the
    bot handed off on, or earlier). What they never said cannot be asked again."""
    until = record.handoff_turn
    if until is None:
        return []
    said = " ".join(_folded(t.shopper) for t in record.turns if t.n <= until)
    return [s for s in record.case.expect.handoff_must_include if _folded(s) in said]


def missing_info(record: CaseRecord) -> list[str]:
    """What the shopper gave before the handoff (:func:`given_info`) that the package lacks."""
    package = record.handoff
    if package is None:
        return []
    blob = _folded(package.model_dump_json())
    return [s for s in given_info(record) if _folded(s) not in blob]


def incomplete_elements(record: CaseRecord) -> list[str]:
    """Context elements missing from the package; 'customer' only if the record had data."""
    package = record.handoff
    if package is None:
        return []
    missing = package.missing_elements()
    if "customer" in missing and not record.case.customer.model_dump(exclude_defaults=True):
        missing.remove("customer")  # nobody knew who this was; nothing was dropped
    return missing


_CITATION_ID = re.compile(r"\[?[^\s\[\]()]+#\d+\]?")
"""A chunk id as the notes cite it: ``[kb:policies/returns.md#3]`` (brackets optional)."""
_RULE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)*[._][a-z0-9]+\b")
"""A trigger rule's name: ``global.chargeback``, ``change_address``, ``en.talk_to``."""


def claim_text(record: CaseRecord) -> str:
    """The summary and suggestion with what names rather than claims taken out: citation ids
    (a product's page path is not the product) and the triggers' reasons and rule names."""
    package = record.handoff
    if package is None:
        return ""
    text = f"{package.summary} {package.suggested_resolution.text}"
    cited = [c.chunk_id for c in package.suggested_resolution.citations]
    cited += [c.chunk_id for t in record.turns for c in t.citations]
    for label in sorted(
        {*cited, *(h.reason for h in package.triggers if h.reason)}, key=len, reverse=True
    ):
        text = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", " ", text)
    return _RULE_NAME.sub(" ", _CITATION_ID.sub(" ", text))


def _names(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def unfaithful(record: CaseRecord, products: Iterable[str]) -> list[str]:
    """Order numbers, amounts and products the summary or suggestion names without a source."""
    package = record.handoff
    if package is None:
        return []
    claim = claim_text(record)
    sources = " ".join(
        [t.text for t in package.transcript]
        + [json.dumps(record.case.customer.model_dump(mode="json"))]
        # order totals are amounts even though the record stores them as bare numbers
        + [f"${o.total:.2f}" for o in record.case.customer.orders if o.total is not None]
        + [t for turn in record.turns for t in turn.cited_texts.values()]
    )
    problems = [f"order {o}" for o in order_ids(claim) if o.lower() not in sources.lower()]
    have = {v for v, u in quantities(sources) if u == "money"}
    problems += [f"amount {v:g}" for v, u in quantities(claim) if u == "money" and v not in have]
    problems += [
        f"product {p}" for p in products if _names(p, claim) and p.lower() not in sources.lower()
    ]
    return problems


# --- aggregation -----------------------------------------------------------------


def compute(records: list[CaseRecord], products: Iterable[str] = ()) -> Metrics:
    """The full bundle over ``records``."""
    products = list(products)
    expected = [r.case.expect.decision == "escalate" for r in records]
    got = [r.handoff_turn is not None for r in records]
    tp = sum(e and g for e, g in zip(expected, got, strict=True))
    fp = sum(g and not e for e, g in zip(expected, got, strict=True))
    fn = sum(e and not g for e, g in zip(expected, got, strict=True))
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = (
        round(2 * precision * recall / (precision + recall), 4)
        if precision and recall
        else (0.0 if precision == 0 or recall == 0 else None)
    )
    answered = [(r, t) for r in records for t in r.answered]
    hallucinated = sum(hallucination(r, t) is not None for r, t in answered)
    unsafe_n = sum(unsafe(r, t) for r, t in answered)
    handed = [r for r in records if r.handoff is not None]
    routed = [r for r in handed if r.case.expect.route]
    explicit = [
        r for r in records if r.case.expect.trigger == "explicit" and r.case.expect.escalate_at_turn
    ]
    violations = sum(
        any(unsafe(r, t) for t in r.answered) or r.handoff_turn is None for r in explicit
    )
    with_info = [r for r in handed if given_info(r)]
    answerable = [r for r in records if r.case.expect.decision == "answer"]
    with_facts = [r for r in answerable if r.case.expect.answer_must_contain]
    with_docs = [r for r in answerable if r.case.expect.supporting_docs]
    latencies = sorted(t.latency_ms for r in records for t in r.turns)
    unfaithful_n = sum(bool(unfaithful(r, products)) for r in handed)
    e_turn = [
        (r.handoff_turn, r.case.expect.escalate_at_turn)
        for r in records
        if r.case.expect.decision == "escalate"
        and r.handoff_turn
        and r.case.expect.escalate_at_turn
    ]
    return Metrics(
        cases=len(records),
        decision_accuracy=ratio(sum(decision_correct(r) for r in records), len(records)),
        escalation_precision=precision,
        escalation_recall=recall,
        escalation_f1=f1,
        route_accuracy=ratio(
            sum(h.route == r.case.expect.route for r in routed if (h := r.handoff) is not None),
            len(routed),
        ),
        hallucination_rate=ratio(hallucinated, len(answered)),
        hallucinated_turns=hallucinated,
        unsafe_answer_rate=ratio(unsafe_n, len(answered)),
        unsafe_answers=unsafe_n,
        answered_turns=len(answered),
        late_escalations=sum(g > e for g, e in e_turn),
        early_escalations=sum(g < e for g, e in e_turn),
        explicit_compliance=ratio(len(explicit) - violations, len(explicit)),
        explicit_violations=violations,
        handoff_completeness=ratio(sum(not incomplete_elements(r) for r in handed), len(handed)),
        repeat_info_rate=ratio(sum(bool(missing_info(r)) for r in with_info), len(with_info)),
        unfaithful_summaries=unfaithful_n,
        summary_faithfulness=ratio(len(handed) - unfaithful_n, len(handed)),
        deflection_rate=ratio(sum(r.handoff_turn is None for r in answerable), len(answerable)),
        answer_fact_rate=ratio(sum(not missing_facts(r) for r in with_facts), len(with_facts)),
        supporting_citation_rate=ratio(sum(cites_support(r) for r in with_docs), len(with_docs)),
        latency_p50_ms=round(statistics.median(latencies), 2) if latencies else None,
        latency_p95_ms=round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2)
        if latencies
        else None,
        errors=sum(r.error is not None for r in records),
    )


class TriggerScore(BaseModel):
    """Escalation precision and recall for one trigger."""

    model_config = ConfigDict(extra="forbid")
    trigger: str
    expected: int
    reported: int
    precision: float | None
    recall: float | None


def per_trigger(records: list[CaseRecord]) -> list[TriggerScore]:
    """Recall: cases expecting T handed off with T among the reasons (lenient).
    Precision: cases whose main reported reason is T that expected T."""
    scores = []
    for kind in TRIGGER_KINDS:
        expecting = [r for r in records if r.case.expect.trigger == kind]
        found = sum(kind in {h.kind for h in r.handoff.triggers} for r in expecting if r.handoff)
        primary = [
            r
            for r in records
            if r.handoff and r.handoff.triggers and r.handoff.triggers[0].kind == kind
        ]
        right = sum(r.case.expect.trigger == kind for r in primary)
        scores.append(
            TriggerScore(
                trigger=kind,
                expected=len(expecting),
                reported=len(primary),
                precision=ratio(right, len(primary)),
                recall=ratio(found, len(expecting)),
            )
        )
    return scores


def grouped(
    records: list[CaseRecord], key: Callable[[CaseRecord], str | None], products: Iterable[str] = ()
) -> dict[str, Metrics]:
    """The bundle per group (vertical, expected trigger...)."""
    groups: dict[str, list[CaseRecord]] = {}
    for r in records:
        k = key(r)
        if k:
            groups.setdefault(k, []).append(r)
    return {k: compute(v, products) for k, v in sorted(groups.items())}
