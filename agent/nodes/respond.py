"""respond: send the verified answer with its citations and confidence."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import Context
from agent.handoff import citations_for
from agent.llm import Draft
from agent.nodes.retrieve import question_of
from agent.reply import TALK_TO_PERSON
from agent.state import Citation, ConversationState, Turn
from knowledge.models import ScoredChunk
from knowledge.sources import doc_path

EXTRACTIVE_NOTE = "Quoted from our help centre:"
LEARNED_NOTE = "Quoted from an answer our team gave before:"
MIXED_NOTE = "Quoted from our help centre and our team's earlier answers:"


def render(draft: Draft, citations: list[Citation], extractive: bool) -> str:
    """The answer with [n] markers and a numbered source list."""
    number = {c.chunk_id: n for n, c in enumerate(citations, 1)}
    body = " ".join(
        f"{claim.text} " + "".join(f"[{number[c]}]" for c in claim.citations if c in number)
        for claim in draft.sentences
    )
    sources = "\n".join(
        f"[{n}] {c.title}{' › ' + c.heading if c.heading else ''} ({c.provenance or doc_path(c.doc_id)})"
        for n, c in enumerate(citations, 1)
    )
    sources_are = {c.source for c in citations}
    note = (
        LEARNED_NOTE
        if sources_are == {"learned"}
        else MIXED_NOTE
        if "learned" in sources_are
        else EXTRACTIVE_NOTE
    )
    lead = f"{note}\n" if extractive else ""
    return f"{lead}{body.strip()}\n\nSources:\n{sources}"


def respond(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Write the answer to the transcript and hand it to the runtime."""
    ctx = runtime.context
    draft = Draft(**state["draft"])
    ids = [c for claim in draft.sentences for c in claim.citations]
    citations = citations_for(ids, [ScoredChunk(**c) for c in state.get("retrieved", [])])
    text = render(draft, citations, ctx.llm.extractive)
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
