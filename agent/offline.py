"""The offline backend: no model, so it quotes the knowledge base.

Answers are the KB sentences that best match the question, verbatim, each
citing its chunk; the shopper is told the answer is quoted from the help
centre. Handoff summaries are written from the facts the runtime extracted.
Nothing here is generated, so nothing here can be invented.
"""

from __future__ import annotations

from agent.claims import content_words, sentences
from agent.llm import Claim, Draft, HandoffFacts, HandoffNotes, Usage
from knowledge.models import ScoredChunk

MAX_SENTENCES = 3
_INTENT_PHRASES = {
    "shipping": "shipping", "returns": "a return", "refund": "a refund",
    "order_status": "the status of an order", "order_problem": "a problem with an order",
    "sizing": "sizing", "product": "a product question", "warranty": "a warranty claim",
    "billing": "billing", "account": "their account", "technical": "a technical problem",
    "purchase": "a purchase", "complaint": "a complaint", "human": "talking to a person",
}  # fmt: skip


class OfflineBackend:
    """Extractive answers and template summaries; honest about both."""

    name = "offline-extractive"
    extractive = True

    def __init__(self, min_score: float = 0.3) -> None:
        self.min_score = min_score
        self.usage = Usage()

    def draft_answer(self, question: str, chunks: list[ScoredChunk], history: list[str]) -> Draft:
        picked = best_sentences(question, chunks, self.min_score)
        return Draft(
            answerable=bool(picked),
            sentences=[Claim(text=text, citations=[chunk_id]) for text, chunk_id in picked],
        )

    def handoff_notes(
        self, transcript: list[str], facts: HandoffFacts, chunks: list[ScoredChunk]
    ) -> HandoffNotes:
        picked = best_sentences(facts.question, chunks, self.min_score)
        if picked:
            quoted = " ".join(f"{text} [{cid}]" for text, cid in picked)
            suggestion = f"{facts.next_step} From the knowledge base: {quoted}".strip()
        else:
            suggestion = f"{facts.next_step} No knowledge-base article covers this question.".strip()
        return HandoffNotes(
            summary=summarise(facts),
            suggested_resolution=suggestion,
            citations=list(dict.fromkeys(cid for _, cid in picked)),
        )


def best_sentences(question: str, chunks: list[ScoredChunk], min_score: float) -> list[tuple[str, str]]:
    """Up to three (sentence, chunk id) pairs that answer ``question``, in reading order."""
    asked = content_words(question)
    usable = [sc for sc in chunks if sc.score >= min_score]
    if not usable or not asked:
        return []
    top = usable[0].score
    candidates = []
    for rank, sc in enumerate(usable[:3]):
        if sc.score < top - 0.15:
            continue
        heading_words = content_words(f"{sc.chunk.title} {sc.chunk.heading}")
        for i, text in enumerate(sentences(sc.chunk.text)):
            overlap = len(asked & (content_words(text) | heading_words)) / len(asked)
            score = 0.6 * overlap + 0.4 * sc.score - 0.02 * i
            candidates.append((score, overlap, rank, i, text, sc.chunk.id))
    if not candidates:
        return []
    candidates.sort(reverse=True)
    best_score, best_overlap = candidates[0][0], candidates[0][1]
    if best_overlap == 0 and top < 0.6:
        return []  # nothing in the excerpts shares a word with the question
    chosen = [c for c in candidates if c[0] >= 0.75 * best_score and c[1] > 0][:MAX_SENTENCES]
    chosen = chosen or candidates[:1]
    chosen.sort(key=lambda c: (c[2], c[3]))
    return [(c[4], c[5]) for c in chosen]


def summarise(facts: HandoffFacts) -> str:
    """Two or three sentences built only from the extracted facts."""
    who = facts.customer_name or "The shopper"
    vip = ", a VIP customer," if facts.vip else ""
    topic = _INTENT_PHRASES.get(facts.intent, "a question")
    question = facts.question.strip().replace("\n", " ")
    if len(question) > 160:
        question = question[:157].rstrip() + "..."
    first = f"{who}{vip} contacted us about {topic}"
    parts = [f"{first}: “{question}”." if question else f"{first}."]
    if facts.order_lines:
        parts.append(f"They referred to order {', '.join(facts.order_lines)}.")
    elif facts.answered:
        parts.append(f"The bot had already answered {len(facts.answered)} question(s) from the knowledge base.")
    if facts.reasons:
        parts.append(f"Handed to a person because: {'; '.join(facts.reasons)}.")
    return " ".join(parts)
