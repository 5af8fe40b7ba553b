"""Hand-built eval records: metrics are tested on exact, known situations."""

from __future__ import annotations

from typing import Any

from agent.package import HandoffPackage, ProductContext, ShopperMessages, SuggestedResolution
from agent.state import Citation, Customer, Extracted, Sentiment, TriggerHit, Turn
from evals.records import CaseRecord, TurnRecord
from evals.schema import Case

RETURNS = "You can return unworn items within 30 days of delivery."


def case(
    decision: str = "answer",
    at: int | None = None,
    trigger: str | None = None,
    route: str | None = None,
    turns: int = 1,
    **expect: Any,
) -> Case:
    return Case.model_validate(
        {
            "id": expect.pop("id", f"{decision}-{trigger}-{at}"),
            "vertical": expect.pop("vertical", "apparel"),
            "customer": expect.pop("customer", {}),
            "turns": [f"message {n}" for n in range(1, turns + 1)],
            "expect": {
                "decision": decision,
                "escalate_at_turn": at,
                "trigger": trigger,
                "route": route,
                **expect,
            },
        }
    )


def answer(
    n: int, text: str = RETURNS, cited: str = RETURNS, doc: str = "policies/returns.md"
) -> TurnRecord:
    cid = f"{doc}#0"
    return TurnRecord(
        n=n,
        shopper=f"message {n}",
        kind="answer",
        messages=[f"Quoted from our help centre:\n{text} [1]\n\nSources:\n[1] Returns ({doc})"],
        citations=[Citation(chunk_id=cid, doc_id=doc)],
        cited_texts={cid: cited},
        confidence=0.8,
        latency_ms=10.0 * n,
    )


def package(
    kind: str = "explicit",
    route: str = "general",
    summary: str = "The shopper asked about a return.",
    customer: dict | None = None,
    shared: str = "",
) -> HandoffPackage:
    return HandoffPackage(
        id="HO-1",
        conversation_id="c",
        created_at="2026-11-21T10:00:00+00:00",
        transcript=[Turn(role="shopper", text=f"message 1 {shared}", at="t")],
        summary=summary,
        intent="returns",
        sentiment=Sentiment(compound=0.0, label="neutral"),
        customer=Customer(**(customer or {})),
        shared_details=Extracted(),
        orders=[],
        product_context=ProductContext(questions=["message 1"]),
        suggested_resolution=SuggestedResolution(text="Offer a return.", grounded=False),
        triggers=[
            TriggerHit(kind=kind, reason="r", score=0.2 if kind == "low_confidence" else None)
        ],
        route=route,
        team="t",
        agents_online=True,
        context_block="CUSTOMER: x",
        opening_line="Hi",
        shopper_messages=ShopperMessages(mode="live", confirmation="ok"),
    )


def handoff(n: int, said: str | None = None, **kw: Any) -> TurnRecord:
    """A handoff at turn ``n``; ``said`` is the shopper's message (default "message n")."""
    return TurnRecord(
        n=n,
        shopper=said or f"message {n}",
        kind="handoff",
        messages=["ok"],
        latency_ms=20.0,
        handoff=package(**kw),
    )


def record(c: Case, *turns: TurnRecord) -> CaseRecord:
    return CaseRecord(case=c, set_name="t", turns=list(turns))
