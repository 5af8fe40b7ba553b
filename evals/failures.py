"""Why a case failed, in words a support engineer can act on."""

from __future__ import annotations

from collections.abc import Iterable

from evals.metrics import (
    cites_support,
    hallucination,
    incomplete_elements,
    missing_facts,
    missing_info,
    unfaithful,
    unsafe,
)
from evals.records import CaseRecord


def _decision(record: CaseRecord) -> list[str]:
    e, got = record.case.expect, record.handoff_turn
    kinds = [h.kind for h in record.handoff.triggers] if record.handoff else []
    if e.decision == "answer" and got is not None:
        why = next((t.declined_by for t in record.turns if t.n == got and t.declined_by), None)
        by = f"; declined by {why}" if why else ""
        return [f"handed off at turn {got} ({', '.join(kinds)}) but the case is answerable{by}"]
    if e.decision == "escalate" and got is None:
        return [
            f"never handed off (expected by turn {e.escalate_at_turn}, trigger {e.trigger or 'any'})"
        ]
    if (
        e.decision == "escalate"
        and got is not None
        and e.escalate_at_turn
        and got > e.escalate_at_turn
    ):
        return [f"handed off late: turn {got}, expected by turn {e.escalate_at_turn}"]
    return []


def _handoff(record: CaseRecord, products: Iterable[str]) -> list[str]:
    e, package = record.case.expect, record.handoff
    if package is None:
        return []
    out = []
    kinds = [h.kind for h in package.triggers]
    if e.trigger and e.trigger not in kinds:
        out.append(f"trigger {', '.join(kinds) or 'none'} reported, expected {e.trigger}")
    if e.route and package.route != e.route:
        out.append(f"routed to {package.route}, expected {e.route}")
    if missing := missing_info(record):
        out.append(f"handoff lacks what the shopper gave: {', '.join(missing)}")
    if gaps := incomplete_elements(record):
        out.append(f"handoff lacks context elements: {', '.join(gaps)}")
    if wrong := unfaithful(record, products):
        out.append(f"summary names what no source says: {', '.join(wrong)}")
    return out


def _answers(record: CaseRecord) -> list[str]:
    out = []
    for turn in record.answered:
        if why := hallucination(record, turn):
            out.append(f"hallucination at turn {turn.n}: {why}")
        if unsafe(record, turn):
            out.append(
                f"unsafe answer at turn {turn.n}: the case expected a handoff by turn {record.case.expect.escalate_at_turn}"
            )
    if record.case.expect.decision == "answer" and record.handoff_turn is None:
        if facts := missing_facts(record):
            out.append(f"answer lacks {', '.join(repr(f) for f in facts)}")
        if record.case.expect.supporting_docs and not cites_support(record):
            out.append(f"answer cites none of {', '.join(record.case.expect.supporting_docs)}")
    return out


def reasons(record: CaseRecord, products: Iterable[str] = ()) -> list[str]:
    """Every way this case failed; empty when it passed."""
    out = [f"runner error: {record.error}"] if record.error else []
    return out + _decision(record) + _answers(record) + _handoff(record, products)
