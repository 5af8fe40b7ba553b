"""Building the handoff package from a conversation's state."""

from __future__ import annotations

import hashlib
import logging

from agent.context import Context
from agent.context_block import context_block, opening_line, order_line
from agent.dispatch import Dispatch
from agent.errors import LLMError
from agent.language import speaking
from agent.llm import HandoffFacts, HandoffNotes
from agent.notes_check import vet_notes
from agent.offline import OfflineBackend
from agent.package import AnsweredQuestion, HandoffPackage, ProductContext, SuggestedResolution
from agent.redact import redact_text
from agent.settings import Settings
from agent.shopper_messages import shopper_messages
from agent.state import (
    Citation,
    ConversationState,
    Customer,
    Extracted,
    Order,
    Sentiment,
    TriggerHit,
    Turn,
)
from agent.triggers.sentiment import score as sentiment_score
from agent.triggers.text import Text
from agent.triggers.vip import is_vip
from knowledge.models import ScoredChunk
from knowledge.sources import doc_path

log = logging.getLogger(__name__)

NEXT_STEPS = {
    "explicit": "The shopper asked for a person: greet them by name and pick up from the issue.",
    "sensitive": "Sensitive topic: follow the documented policy and escalate internally if needed; do not improvise medical, legal or safety advice.",
    "low_confidence": "The knowledge base did not answer this: answer it, and consider adding the answer to the KB.",
    "sentiment": "The shopper is upset: acknowledge the frustration before anything else.",
    "loop": "The bot's answers did not help: address the question directly, do not repeat the KB text.",
    "vip": "VIP customer: resolve on first contact where possible.",
    "account_action": "Verify the shopper's identity, then make the requested change in the order system.",
    "purchase_intent": "A large purchase: offer a quote or bulk pricing.",
    "complexity": "Several questions at once: answer each in turn.",
}  # fmt: skip


def package_id(conversation_id: str, turn_count: int) -> str:
    """The same on a retried step (so the outbox never sends one handoff twice), new for
    each later handoff of the conversation (its transcript has grown)."""
    digest = hashlib.sha256(f"{conversation_id}|{turn_count}".encode()).hexdigest()
    return f"HO-{digest[:8].upper()}"


def mood_at_transfer(
    transcript: list[Turn], current: dict | None, settings: Settings, language: str = "en"
) -> Sentiment:
    """The most negative of the last three shopper messages: a button press is not a mood."""
    moods = [Sentiment(**current)] if current else []
    lines = [t.text for t in transcript if t.role == "shopper" and t.kind == "message" and t.text]
    moods += [sentiment_score(Text(line), settings.triggers, language) for line in lines[-3:]]
    return (
        min(moods, key=lambda m: m.compound) if moods else Sentiment(compound=0.0, label="neutral")
    )


def discussed_orders(customer: Customer, extracted: Extracted) -> list[Order]:
    """Record orders the shopper named, and any other ids they typed."""
    by_id = {o.id.upper(): o for o in customer.orders}
    orders = [by_id.get(i.upper(), Order(id=i)) for i in extracted.order_ids]
    if not orders and len(customer.orders) == 1:
        orders = list(customer.orders)  # one order on record: it is what they mean
    return orders


def citations_for(ids: list[str], retrieved: list[ScoredChunk]) -> list[Citation]:
    """Citations for the chunk ids that were retrieved, in the order given, once each."""
    by_id = {sc.chunk.id: sc for sc in retrieved}
    return [
        Citation(
            chunk_id=i,
            doc_id=by_id[i].chunk.doc_id,
            title=by_id[i].chunk.title,
            heading=by_id[i].chunk.heading,
            source=by_id[i].chunk.source,
            score=round(by_id[i].score, 4),
            provenance=by_id[i].chunk.provenance,
        )
        for i in dict.fromkeys(ids)
        if i in by_id
    ]


def _product_context(
    transcript: list[Turn],
    orders: list[Order],
    retrieved: list[ScoredChunk],
    answered: list[dict],
    min_score: float,
) -> ProductContext:
    products = [item.name for o in orders for item in o.items if item.name]
    products += [
        sc.chunk.title
        for sc in retrieved
        if doc_path(sc.chunk.doc_id).startswith("products/") and sc.score >= min_score
    ]
    questions = [
        t.text[:300] for t in transcript if t.role == "shopper" and t.kind == "message" and t.text
    ]
    return ProductContext(
        products=list(dict.fromkeys(products)),
        questions=questions,
        bot_answered=[AnsweredQuestion(**a) for a in answered],
    )


def write_notes(
    ctx: Context,
    transcript: list[Turn],
    facts: HandoffFacts,
    retrieved: list[ScoredChunk],
    customer: Customer | None = None,
) -> HandoffNotes:
    """The model's notes, checked against what the runtime knows (unsupported sentences are
    dropped and marked); the extractive writer if the model fails (a handoff never waits on it)."""
    lines = [f"{t.role}: {t.text}" for t in transcript]
    try:
        notes = ctx.llm.handoff_notes(lines, facts, retrieved)
        if ctx.llm.extractive:
            return notes  # quotes and the runtime's own facts: nothing to check
        record = customer.model_dump_json(exclude_none=True) if customer else ""
        sources = [*lines, facts.render(), record, *(sc.chunk.embed_text for sc in retrieved)]
        return vet_notes(notes, sources)
    except Exception as exc:  # noqa: BLE001 - any model, ours or a caller's: the handoff goes on
        reason = exc if isinstance(exc, LLMError) else f"{type(exc).__name__}: {exc}"
        log.warning(
            "handoff notes fell back to the extractive writer: %s", redact_text(str(reason))
        )
        return OfflineBackend(ctx.settings.grounding.min_retrieval_score).handoff_notes(
            lines, facts, retrieved
        )


def build_package(
    state: ConversationState,
    ctx: Context,
    hits: list[TriggerHit],
    retrieved: list[ScoredChunk],
    conversation_id: str,
    pid: str,
    sent: Dispatch,
) -> HandoffPackage:
    """Assemble the seven context elements, the route and the shopper-facing messages."""
    settings = ctx.settings
    transcript = [Turn(**t) for t in state.get("transcript", [])]
    customer = Customer(**state.get("customer", {}))
    extracted = Extracted(**state.get("extracted", {}))
    language = speaking(state, settings).language
    sentiment = mood_at_transfer(transcript, state.get("sentiment"), settings, language)
    intent = state.get("intent") or "other"
    vip = is_vip(customer, settings.triggers)
    orders = discussed_orders(customer, extracted)
    question = next(
        (
            t.text
            for t in reversed(transcript)
            if t.role == "shopper" and t.kind == "message" and t.text
        ),
        "",
    )
    answered = state.get("answered", [])
    primary = hits[0].kind if hits else "low_confidence"
    facts = HandoffFacts(
        customer_name=customer.name or next(iter(extracted.names), None),
        vip=vip,
        intent=intent,
        question=question,
        order_lines=[order_line(o) for o in orders],
        reasons=[f"{h.kind} ({h.reason})" for h in hits],
        answered=[a["question"] for a in answered],
        next_step=NEXT_STEPS.get(primary, ""),
    )
    notes = write_notes(ctx, transcript, facts, retrieved, customer)
    topics = list(state.get("topics") or [])
    queue = sent.decision.queue
    team = settings.handoff.queues[queue].team
    online = sent.mode == "live"
    citations = citations_for(notes.citations, retrieved)
    suggestion = SuggestedResolution(
        text=notes.suggested_resolution, citations=citations, grounded=bool(citations)
    )
    messages = shopper_messages(
        settings,
        queue,
        online,
        pid,
        facts.customer_name,
        sent.email,
        topics,
        when=sent.wait,
        ask_email=sent.mode == "ask_email",
        msgs=speaking(state, settings),
    )
    package = HandoffPackage(
        id=pid,
        conversation_id=conversation_id,
        created_at=ctx.now(),
        transcript=transcript,
        summary=notes.summary,
        intent=intent,
        sentiment=sentiment,
        customer=customer,
        shared_details=extracted,
        orders=orders,
        product_context=_product_context(
            transcript, orders, retrieved, answered, settings.grounding.min_retrieval_score
        ),
        suggested_resolution=suggestion,
        triggers=hits,
        route=queue,
        route_rule=sent.decision.rule,
        wait_basis=sent.basis,
        team=team,
        agents_online=online,
        context_block="",
        opening_line=opening_line(facts, orders, primary),
        shopper_messages=messages,
        language=speaking(state, settings).language,
        channel=state.get("channel"),
        locale=state.get("locale"),
        timezone=state.get("timezone"),
    )
    return package.model_copy(update={"context_block": context_block(package, vip)})
