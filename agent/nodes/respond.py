"""respond: send the verified answer with its citations and confidence."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.handoff import citations_for
from agent.language import speaking
from agent.llm import Draft
from agent.messages import ENGLISH, Messages
from agent.nodes.retrieve import question_of
from agent.reply import TALK_TO_PERSON
from agent.state import Citation, ConversationState, Turn
from knowledge.models import ScoredChunk
from knowledge.sources import doc_path

EXTRACTIVE_NOTE = Messages(ENGLISH).text("answer.quoted")
"""The English intro lines (the shopper reads them in their language, agent/messages/)."""
LEARNED_NOTE = Messages(ENGLISH).text("answer.quoted_learned")
MIXED_NOTE = Messages(ENGLISH).text("answer.quoted_mixed")


def _lead(citations: list[Citation], extractive: bool, say: Messages, kb_language: str) -> str:
    """Where a quote comes from; and, quoting a KB in another language, that it is not
    translated (the extractive backend cannot translate)."""
    if not extractive:
        return ""
    sources_are = {c.source for c in citations}
    key = (
        "answer.quoted_learned"
        if sources_are == {"learned"}
        else "answer.quoted_mixed"
        if "learned" in sources_are
        else "answer.quoted"
    )
    note = say.text(key)
    if say.language != kb_language:
        name = f"language_name.{kb_language}"
        language = say.text(name) if say.has(name) else kb_language
        note = f"{say.text('answer.as_written', language=language)}\n{note}"
    return f"{note}\n"


def render(
    draft: Draft,
    citations: list[Citation],
    extractive: bool,
    msgs: Messages | None = None,
    kb_language: str = ENGLISH,
) -> str:
    """The answer with [n] markers and a numbered source list."""
    say = msgs or Messages(ENGLISH)
    number = {c.chunk_id: n for n, c in enumerate(citations, 1)}
    body = " ".join(
        f"{claim.text} " + "".join(f"[{number[c]}]" for c in claim.citations if c in number)
        for claim in draft.sentences
    )
    sources = "\n".join(
        f"[{n}] {c.title}{' › ' + c.heading if c.heading else ''} ({c.provenance or doc_path(c.doc_id)})"
        for n, c in enumerate(citations, 1)
    )
    lead = _lead(citations, extractive, say, kb_language)
    return f"{lead}{body.strip()}\n\n{say.text('answer.sources')}\n{sources}"


def respond(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Write the answer to the transcript and hand it to the runtime."""
    ctx = runtime.context
    draft = Draft(**state["draft"])
    ids = [c for claim in draft.sentences for c in claim.citations]
    citations = citations_for(ids, [ScoredChunk(**c) for c in state.get("retrieved", [])])
    say = speaking(state, ctx.settings)
    text = render(draft, citations, ctx.llm.extractive, say, ctx.settings.language.kb_language)
    confidence = state.get("verdict", {}).get("confidence")
    return {
        "transcript": [Turn(role="bot", text=text, at=ctx.now()).model_dump()],
        "answered": [
            {
                "question": question_of(state),
                "answer": text,
                "citations": [c.model_dump() for c in citations],
            }
        ],
        "reply": {
            "kind": "answer",
            "messages": [text],
            "citations": [c.model_dump() for c in citations],
            "confidence": confidence,
            "actions": [TALK_TO_PERSON],
        },
    }
