"""triggers: every reason to hand off now, with its evidence."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.questions import split_questions
from agent.state import ConversationState, Customer, Turn
from agent.triggers import TriggerContext, detect
from agent.triggers.banks import ESCALATING, load_banks
from agent.triggers.nearest import Thresholds, Verdict, index_for, thresholds_for

log = logging.getLogger(__name__)


def triggers(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Run the trigger rules on the latest message; count rejected answers."""
    settings = runtime.context.settings
    transcript = [Turn(**t) for t in state.get("transcript", [])]
    result = detect(
        TriggerContext(
            message=state.get("incoming", ""),
            action=state.get("action", "message"),
            history=transcript[:-1],
            customer=Customer(**state.get("customer", {})),
            vertical=state.get("vertical") or settings.vertical,
            failed_answers=state.get("failed_answers", 0),
            language=state.get("language") or settings.language.default,
            # greetings too: "Hi, it's Olivia, order #W123, I'd like the blue one" reads as
            # an introduction to the small-talk test, and as an order change to the vote
            examples=by_example(state.get("incoming", ""), runtime.context),
        ),
        settings.triggers,
    )
    return {
        "triggers": [h.model_dump() for h in result.hits],
        "sentiment": result.sentiment.model_dump(),
        "intent": result.intent,
        "declinable": result.declinable,
        "topics": result.topics,
        "failed_answers": state.get("failed_answers", 0) + 1 if result.answer_rejected else 0,
        # "that's not what I asked" with no new question: ask again rather than guess or hand off
        "small_talk": "rejected"
        if result.answer_rejected and not _asks(state.get("incoming", ""))
        else state.get("small_talk"),
    }


def _asks(text: str) -> bool:
    return any(q in text for q in "?¿؟？") or len(text.split()) > 12


def by_example(message: str, ctx: Context) -> list[Verdict]:
    """Sure verdicts of the nearest bank examples for each question in ``message``, escalating
    ones first. The vectors are the ones retrieval looks up (the store remembers them); no
    calibrated thresholds for this embedder, or no vector store: none."""
    found = votes(message, ctx)
    if found is None:
        return []
    verdicts, limits = found
    sure = [v for v in verdicts if v.fires(limits)]
    rank = {kind: i for i, kind in enumerate(ESCALATING)}
    return sorted(sure, key=lambda v: rank.get(v.bank.trigger, len(rank)))


def votes(message: str, ctx: Context) -> tuple[list[Verdict], Thresholds] | None:
    """Every verdict of the nearest bank examples for ``message`` (one per question, sure or
    not) and the embedder's calibrated thresholds; None: no message, no vector store, no
    calibration for this embedder, or the embeddings endpoint is down."""
    embedder = getattr(ctx.retriever, "embedder", None)
    vectors_of = getattr(ctx.retriever, "query_vectors", None)
    limits = thresholds_for(str(getattr(embedder, "name", "")))
    if not message.strip() or embedder is None or vectors_of is None or limits is None:
        return None
    settings = ctx.settings
    try:
        index = index_for(
            load_banks(settings.triggers.intent_examples), embedder, settings.data_dir / "cache"
        )
        vectors = vectors_of(split_questions(message) or [message])
    except KnowledgeError as exc:  # the embeddings endpoint is down: the rules still run
        log.warning("intent examples skipped this turn: %s", exc)
        return None
    return [index.classify(v, limits.k) for v in vectors], limits
