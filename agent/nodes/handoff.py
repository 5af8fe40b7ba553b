"""handoff: route it, build the package for the human, tell the shopper what happens next."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore

from agent.context import Context
from agent.crash import crash_point
from agent.dispatch import dispatch
from agent.errors import KnowledgeError
from agent.handoff import build_package, package_id
from agent.language import speaking
from agent.nodes.retrieve import approved_only, question_of, search_all
from agent.nodes.triggers import votes
from agent.state import ConversationState, Customer, TriggerHit, Turn
from agent.triggers import vip
from agent.triggers.leaning import Labelled, label, leaning
from knowledge.models import ScoredChunk

log = logging.getLogger(__name__)


def _knowledge(
    state: ConversationState, ctx: Context, store: BaseStore | None
) -> list[ScoredChunk]:
    """What the KB says on the question, for the suggested resolution (even on an immediate
    trigger): approved learned answers only, as in retrieval; nothing for a question-less button.
    Internal text (agent-facing policy) is included: the package is read by a person."""
    if state.get("retrieved") or state.get("retrieved_internal"):
        found = [ScoredChunk(**c) for c in state.get("retrieved", [])]
        found += [ScoredChunk(**c) for c in state.get("retrieved_internal", [])]
        return sorted(found, key=lambda sc: -sc.score)
    question = question_of(state)
    if not question.strip():
        return []
    try:
        return approved_only(search_all(ctx, question), store)
    except KnowledgeError as exc:
        log.error("no KB context for the handoff: %s", exc)
        return []


def _labelled(state: ConversationState, ctx: Context, hits: list[TriggerHit]) -> Labelled:
    """The handoff's reasons, intent and topics, labelled by the nearest examples of the
    current message when the strict vote named nothing (see agent/triggers/leaning.py)."""
    intent, topics = state.get("intent") or "other", list(state.get("topics") or [])
    message = state.get("incoming", "")
    found = votes(message, ctx) if hits else None
    verdict = leaning(*found) if found else None
    return label(hits, intent, topics, verdict, message)


def handoff(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Assemble the package; the conversation now belongs to a person.

    Off shift with no email on record, the package says so and the shopper is asked
    once for an email; the ticket goes to the helpdesk when they answer (or do not).
    """
    ctx = runtime.context
    cid = state.get("conversation_id", "")
    hits = [TriggerHit(**h) for h in state.get("triggers", [])]
    labelled = _labelled(state, ctx, hits)
    customer = Customer(**state.get("customer", {}))
    hits = vip.on_handoff(labelled.hits, customer, ctx.settings.triggers)
    state = {**state, "intent": labelled.intent, "topics": labelled.topics}
    pid = package_id(cid, len(state.get("transcript", [])))
    sent = dispatch(dict(state), ctx, hits, pid, runtime.store)
    knowledge = _knowledge(state, ctx, runtime.store)
    package = build_package(state, ctx, hits, knowledge, cid, pid, sent)
    # the runtime queues the package for the helpdesk from the saved checkpoint, never
    # from here: a crash before the checkpoint leaves no ticket for a turn that never was
    crash_point("in_handoff")
    messages = package.shopper_messages.as_list()
    shown = state.get("streamed") or []  # part of an answer went out before the gate refused
    if shown:
        messages = [speaking(state, ctx.settings).text("handoff.unconfirmed_rest"), *messages]
    now = ctx.now()
    return {
        # the handoff's labels (agent/triggers/leaning.py): what the package and the events say
        "triggers": [h.model_dump() for h in hits],
        "intent": labelled.intent,
        "topics": labelled.topics,
        "transcript": [Turn(role="bot", text=m, at=now).model_dump() for m in messages],
        "mode": "human",
        "handoff": package.model_dump(mode="json"),
        "awaiting_email": sent.mode == "ask_email",
        # what the bot had on the question: the topic of the handoff's metrics, and the
        # "KB chunks the bot had" of a learned answer's provenance, even on an immediate trigger
        "retrieved": [sc.model_dump() for sc in knowledge],
        # what was streamed leads the reply, so a retry of the message replays all of it
        "reply": {
            "kind": "handoff",
            "messages": [" ".join(shown)] * bool(shown) + messages,
            "actions": [],
        },  # fmt: skip
    }
