"""The offline backend: no model, so it quotes the knowledge base.

Answers are the KB sentences that best match the question, verbatim, each
citing its chunk; the shopper is told the answer is quoted from the help
centre. Handoff summaries are written from the facts the runtime extracted.
Nothing here is generated, so nothing here can be invented.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import numpy as np

from agent.answer_type import expected, gives, names_asked, synonyms_of, unmet_check
from agent.answerability import conflict
from agent.claim_check import lemmas
from agent.claims import content_words
from agent.llm import Claim, Draft, HandoffFacts, HandoffNotes, Usage
from agent.passages import Unit, continuation, following, units
from agent.questions import asked_part, split_questions
from knowledge.models import ScoredChunk

MAX_SENTENCES = 3
TYPE_BONUS = 0.05
"""Added to a unit that can be the kind of answer asked for, taken from one that cannot."""
Candidate = tuple[float, float, int, int, str, str]
"""(fit, word overlap, chunk rank, position, quote, chunk id)."""
_NUMBER = re.compile(r"(?<![\d.,$£€])\d+(?:[.,]\d+)?(?![\d%])")
"""A number the question states (not an amount of money or a share)."""
FLOOR_SLACK = 0.03
"""How far under ``min_score`` a chunk that gives the asked-for kind of answer is still read."""
MARGIN = 0.06
"""Units this close to the best one are quoted with it (up to the limit)."""
_ANAPHOR = re.compile(r"(?:it|this|that|they|these|those)\s+(?!\w+\s+(?:is|are)\b)", re.I)
"""A sentence whose subject is a pronoun: on its own it does not say what it is about."""
Embed = Callable[[list[str]], list[list[float]]]
"""Unit vectors for texts: the knowledge base's own embedder."""
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

    def __init__(self, min_score: float = 0.3, embed: Embed | None = None) -> None:
        self.min_score = min_score
        self.embed = SentenceVectors(embed) if embed is not None else None
        self.usage = Usage()

    def forget(self) -> None:
        """Drop the remembered sentence vectors (a benchmark compares a cold first turn with
        the same turn later, in the same cache state)."""
        if self.embed is not None:
            self.embed.clear()

    def draft_answer(
        self,
        question: str,
        chunks: list[ScoredChunk],
        history: list[str],
        language: str = "en",
    ) -> Draft:
        """Quote the best sentences for each question the message asks."""
        asked = split_questions(question) or [question]
        per_question = MAX_SENTENCES if len(asked) == 1 else 2
        picked: list[tuple[str, str]] = []
        for sub in asked:
            # quote for what is asked; the statements before it only steered retrieval
            part = asked_part(sub)
            found = best_sentences(part, chunks, self.min_score, per_question, self.embed)
            check = (
                unmet_check(part, [t for t, _ in found]) if found else ("", "no excerpt matches")
            )
            if check:  # a part we cannot answer: the whole message goes to a person
                name, why = check
                return Draft(answerable=False, sentences=[], note=f"{name}: {why}" if name else why)
            picked += [pair for pair in found if pair not in picked]
        return Draft(
            answerable=bool(picked),
            sentences=[Claim(text=text, citations=[chunk_id]) for text, chunk_id in picked],
        )

    def handoff_notes(
        self, transcript: list[str], facts: HandoffFacts, chunks: list[ScoredChunk]
    ) -> HandoffNotes:
        picked = best_sentences(
            facts.question, chunks, self.min_score, embed=self.embed, labelled=False
        )
        if picked:
            quoted = " ".join(f"{text} [{cid}]" for text, cid in picked)
            suggestion = f"{facts.next_step} From the knowledge base: {quoted}".strip()
        else:
            suggestion = (
                f"{facts.next_step} No knowledge-base article covers this question.".strip()
            )
        return HandoffNotes(
            summary=summarise(facts),
            suggested_resolution=suggestion,
            citations=list(dict.fromkeys(cid for _, cid in picked)),
        )


def best_sentences(
    question: str,
    chunks: list[ScoredChunk],
    min_score: float,
    limit: int = MAX_SENTENCES,
    embed: Embed | None = None,
    labelled: bool = True,
) -> list[tuple[str, str]]:
    """Up to ``limit`` (quote, chunk id) pairs that answer ``question``, in reading order.

    The candidates are the chunks' structural units (:mod:`agent.passages`: sentences, list
    items with their intro, table rows with their header), each read with its headings. They
    are ranked by meaning (the embedder's cosine of question and unit) plus whether the unit
    can be the kind of answer asked for (a price, a duration); word overlap ranks them only
    when no embedder is given. A unit about another product, size or region than the one
    asked about (:func:`agent.answerability.conflict`) is never picked.
    """
    asked = content_words(question)
    want = expected(question)
    usable = _on_topic([sc for sc in chunks if _usable(sc, min_score, want)], asked)
    rows = [(rank, unit, sc) for rank, sc in enumerate(usable) for unit in units(sc.chunk)]
    if not rows or not asked:
        return []
    every = [unit for _, unit, _ in rows]
    lexical = [_overlap(asked, unit) for _, unit, _ in rows]
    # a learned answer's heading is the question a person answered: it shares the words
    learned = [
        asked & content_words(sc.chunk.heading) for sc in usable if sc.chunk.source == "learned"
    ]
    if max(lexical) == 0 and not any(learned) and usable[0].score < 0.6:
        # nothing in the excerpts shares a word with the question, nor says one the way a
        # help centre does ("what time does support close" and "customer care ... 8 pm")
        kb_words = {w for word in asked for alt in synonyms_of(word) for w in content_words(alt)}
        if not any(kb_words & content_words(unit.embed_text) for unit in every):
            return []
    if embed:  # what the unit says, and what it says under its headings, weigh the same
        said = _similarities(question, [u.body for u in every], embed)
        headed = _similarities(question, [u.embed_text for u in every], embed)
        semantic = [(a + b) / 2 for a, b in zip(said, headed, strict=True)]
    else:
        semantic = lexical
    numbers = _NUMBER.findall(question)
    candidates = []
    for n, (rank, unit, sc) in enumerate(rows):
        if conflict(question, unit, every) is not None or _asks(unit):
            continue
        fit = semantic[n] + 0.15 * sc.score - 0.005 * unit.position
        if want is not None:
            fit += TYPE_BONUS if gives(unit.body, want) else -TYPE_BONUS
        names = names_asked(question, unit.quote())
        if names is not None:  # "the autoship discount": the unit that names it
            fit += TYPE_BONUS if names else -TYPE_BONUS
        if unit.kind == "sentence" and unit.position > 0 and _ANAPHOR.match(unit.text):
            # "It does not apply to e-bikes": what "it" is, the sentence before says
            fit -= TYPE_BONUS
        if any(re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d]|[.,]\d)", unit.body) for n in numbers):
            fit += TYPE_BONUS  # "how much are 500 points worth": the unit about 500 points
        candidates.append(
            (
                fit,
                lexical[n],
                rank,
                unit.position,
                unit.quote() if labelled else unit.body,
                sc.chunk.id,
            )
        )
    if not candidates:
        return []
    candidates.sort(key=lambda c: c[:4], reverse=True)
    best = candidates[0][0]
    unique = list({" ".join(c[4].split()).lower(): c for c in reversed(candidates)}.values())
    unique.sort(key=lambda c: c[:4], reverse=True)
    chosen = [c for c in unique if c[0] >= best - MARGIN and c[1] > 0][:limit] or unique[:1]
    chosen = _about_it(question, chosen)
    chosen.sort(key=lambda c: (c[2], c[3]))
    picked = [(c[4], c[5]) for c in chosen]
    return _completed(picked, rows, every, question, labelled)


def _asks(unit: Unit) -> bool:
    """A unit that is itself a question ("Seen it cheaper?", "Not sure of your size?"): a
    page's lead-in, which states nothing, so it is never quoted as an answer."""
    return unit.body.rstrip().rstrip("\"'”’)").endswith("?")


def _usable(sc: ScoredChunk, min_score: float, want: str | None) -> bool:
    """A chunk scored at the floor, or a little under it when it states the kind of answer
    asked for ("are you open on saturdays?" and the hours: short questions score low)."""
    if sc.score >= min_score:
        return True
    return want is not None and sc.score >= min_score - FLOOR_SLACK and gives(sc.chunk.text, want)


def _completed(
    picked: list[tuple[str, str]],
    rows: list[tuple[int, Unit, ScoredChunk]],
    every: list[Unit],
    question: str,
    labelled: bool,
) -> list[tuple[str, str]]:
    """Each picked unit that is a list intro or stops mid-way ("We cannot ship:", "...
    tags attached, and") is quoted with the next unit of its section, which says the rest;
    so is a unit followed by the kind of answer asked for (a price, a duration) when the
    picked units state none."""
    want = expected(question)
    said = " ".join(text for text, _ in picked)
    out: list[tuple[str, str]] = []
    for text, chunk_id in picked:
        out.append((text, chunk_id))
        for _, unit, sc in rows:
            if sc.chunk.id != chunk_id or (unit.quote() if labelled else unit.body) != text:
                continue
            after = continuation(sc.chunk, unit)
            if after is None and want is not None and not gives(said, want):
                # a lead-in ("Bark Points: you earn 1 point per $1 spent.") whose next
                # sentence states the kind of answer asked for: quote that too
                after = following(sc.chunk, unit)
                if after is not None and not gives(after.body, want):
                    after = None
            if after is not None and conflict(question, after, every) is None:
                pair = (after.quote() if labelled else after.body, chunk_id)
                if pair not in out and pair not in picked:
                    out.append(pair)
            break
    return out


def _about_it(question: str, chosen: list[Candidate]) -> list[Candidate]:
    """Without the units that say less of what was asked than another chosen unit: quoted
    with "Pillowcases are sold separately", the duvet cover's prices do not answer "how much
    are the pillowcases?"."""
    asked = lemmas(question)
    named = [asked & lemmas(c[4]) for c in chosen]
    return [c for c, mine in zip(chosen, named, strict=True) if not any(mine < o for o in named)]


def _overlap(asked: set[str], unit: Unit) -> float:
    """Share of the question's words the unit (or, at half weight, its headings) uses."""
    words = content_words(unit.body)
    heading = content_words(" ".join(unit.heading)) - words
    return (len(asked & words) + 0.5 * len(asked & heading)) / len(asked)


def _on_topic(chunks: list[ScoredChunk], asked: set[str], keep: int = 4) -> list[ScoredChunk]:
    """The chunks that speak to this (sub-)question: retrieval ran for every part of the message."""

    def fit(sc: ScoredChunk) -> float:
        return len(asked & content_words(sc.chunk.embed_text)) / max(1, len(asked)) + sc.score

    ranked = sorted(chunks, key=fit, reverse=True)[:keep]
    return sorted(ranked, key=lambda sc: -sc.score)


class SentenceVectors:
    """Embeds through ``embed`` and remembers KB sentences: they recur from turn to turn.

    Vectors are kept as float32 rows (1.5 KB each; a list of Python floats takes 12 KB),
    so a full cache of 20,000 sentences is 30 MB, not 250.
    """

    def __init__(self, embed: Embed, size: int = 20_000) -> None:
        self.embed = embed
        self.size = size
        self.cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.cache.clear()

    def __call__(self, texts: list[str]) -> list[list[float]]:
        return self.matrix(texts).tolist()

    def matrix(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order."""
        with self._lock:  # conversations run in threads; one reads while another clears
            known = {t: self.cache[t] for t in texts if t in self.cache}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        vectors = np.asarray(self.embed(todo) if todo else np.zeros((0, 0)), dtype=np.float32)
        fresh = dict(zip(todo, vectors, strict=True))
        with self._lock:
            if len(self.cache) + len(fresh) > self.size:
                self.cache.clear()  # simple and bounded; refills from the next turns
            self.cache.update(fresh)
        rows = [known[t] if t in known else fresh[t] for t in texts]
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def _similarities(question: str, texts: list[str], embed: Embed) -> list[float]:
    """Cosine of each text with the question (the vectors are unit length), floored at 0."""
    if isinstance(embed, SentenceVectors):
        q, rows = embed.matrix([question])[0], embed.matrix(texts)
    else:
        q, rows = np.asarray(embed([question])[0]), np.asarray(embed(texts))
    return np.maximum(rows.astype(np.float64) @ q.astype(np.float64), 0.0).tolist()


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
        parts.append(
            f"The bot had already answered {len(facts.answered)} question(s) from the knowledge base."
        )
    if facts.reasons:
        parts.append(f"Handed to a person because: {'; '.join(facts.reasons)}.")
    return " ".join(parts)
