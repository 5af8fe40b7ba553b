"""Realistic hallucinations injected into clean drafts: what the grounding gate must catch.

Each fault mimics a way models go wrong: a number nudged ("30 days" -> "45 days"),
a plausible claim from outside the KB, a dropped or wrong citation, and a
confident answer to a question the KB cannot answer.
"""

from __future__ import annotations

import random
import re

from agent.claims import content_words, quantities, sentences
from agent.llm import LLM, Claim, Draft, HandoffFacts, HandoffNotes
from knowledge.models import ScoredChunk

FAULTS = ("changed_number", "outside_claim", "missing_citation", "wrong_citation", "unanswerable")
OUTSIDE_CLAIMS = (
    "We also price-match any major retailer.",
    "Sale items can be returned for store credit within 60 days.",
    "Returns are always free, and we email you a prepaid return label.",
    "Exchanges ship free of charge.",
    "VIP members get an extra 10% off every order.",
    "Orders placed before 2 pm ship the same day.",
    "Express delivery arrives the next business day.",
    "International orders are delivered within 10 business days.",
    "You can cancel your order at any time before it ships.",
    "Every product is covered by a 2-year warranty.",
    "Gift cards never expire and can be used on any order.",
    "We can hold an item for you for 48 hours.",
    "Refunds for damaged items are issued the same day.",
    "Students get 15% off with a valid student ID.",
    "All of our products are made from recycled materials.",
)
# The values a model tends to slip to instead of the one in the source.
_NEAR = {1: 2, 2: 3, 3: 5, 5: 7, 7: 10, 8: 10, 10: 15, 12: 24, 14: 30, 15: 20, 18: 24}
_NEAR |= {20: 25, 24: 12, 25: 30, 30: 45, 45: 30, 50: 75, 60: 90, 75: 50, 90: 60, 100: 150}
_UNIT = r"%|[\s-](?:business days?|days?|weeks?|months?|years?|hours?|minutes?|percent)"
_AMOUNT = re.compile(
    r"(?<![\w.,/-])(?P<cur>[$€£])?(?P<a>\d+(?:\.\d+)?)"
    r"(?:(?P<dash>\s?(?:–|-|to)\s?)(?P<b>\d+(?:\.\d+)?))?(?P<unit>" + _UNIT + r")?(?![\w-])"
)


def inject(
    fault: str, draft: Draft, retrieved: list[ScoredChunk], rng: random.Random
) -> Draft | None:
    """``draft`` with one realistic hallucination, or None when ``fault`` cannot apply to it."""
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
    if fault == "unanswerable":
        return confident_answer(retrieved)
    if not draft.answerable or not draft.sentences:
        return None
    texts = {sc.chunk.id: sc.chunk.text for sc in retrieved}
    return {
        "changed_number": _changed_number,
        "outside_claim": _outside_claim,
        "missing_citation": _missing_citation,
        "wrong_citation": _wrong_citation,
    }[fault](draft.sentences, texts, rng)


def _with(claims: list[Claim], i: int, new: list[Claim]) -> Draft:
    return Draft(answerable=True, sentences=[*claims[:i], *new, *claims[i + 1 :]])


def _changed_number(claims: list[Claim], texts: dict, rng: random.Random) -> Draft | None:
    spots = [(i, m) for i, c in enumerate(claims) for m in _AMOUNT.finditer(c.text)]
    # a unit or a currency makes it a claim; bare numbers only when nothing else is there
    spots = [s for s in spots if s[1]["cur"] or s[1]["unit"]] or spots
    if not spots:
        return None
    i, m = rng.choice(spots)
    cited = " ".join(texts.get(cid, "") for cid in claims[i].citations)
    avoid = {v for v, _ in quantities(cited)}
    if m["b"]:  # "5–7 business days" -> "3–5 business days": the whole range slides
        a, b = float(m["a"]), float(m["b"])
        step = next((s for s in (-2, 2, 3, 5) if a + s > 0 and not {a + s, b + s} <= avoid), 0)
        new = f"{_fmt(a + step, m['a'])}{m['dash']}{_fmt(b + step, m['b'])}"
    else:
        slipped = _slip(float(m["a"]), bool(m["cur"]), avoid)
        new = _fmt(slipped, m["a"]) if slipped is not None else m["a"]
    text = claims[i].text
    start, end = m.start("a"), m.end("b") if m["b"] else m.end("a")
    if new == text[start:end]:
        return None
    changed = Claim(text=text[:start] + new + text[end:], citations=claims[i].citations)
    return _with(claims, i, [changed])


def _slip(value: float, money: bool, avoid: set[float]) -> float | None:
    """A nearby wrong value: "$5.95" -> "$4.95", "30" -> "45", never one the source states."""
    near = value - 1 if money and value >= 2 and value != int(value) else _NEAR.get(int(value))
    tries = [near, round(value * 1.5), value + 1, value + 2, value + 3, value + 10]
    return next((v for v in tries if v is not None and v != value and v not in avoid), None)


def _fmt(value: float, like: str) -> str:
    """``value`` written like the number it replaces ("5.95" keeps two decimals)."""
    return f"{value:.{len(like.split('.')[1])}f}" if "." in like else f"{value:g}"


def _outside_claim(claims: list[Claim], texts: dict, rng: random.Random) -> Draft | None:
    cited = sorted({c for claim in claims for c in claim.citations})
    if not cited:
        return None
    claim = Claim(text=rng.choice(OUTSIDE_CLAIMS), citations=[rng.choice(cited)])
    i = rng.randrange(len(claims))
    return _with(claims, i, [claims[i], claim])


def _missing_citation(claims: list[Claim], texts: dict, rng: random.Random) -> Draft | None:
    cited = [i for i, c in enumerate(claims) if c.citations]
    if not cited:
        return None
    i = rng.choice(cited)
    return _with(claims, i, [Claim(text=claims[i].text, citations=[])])


def _wrong_citation(claims: list[Claim], texts: dict, rng: random.Random) -> Draft | None:
    i = rng.randrange(len(claims))
    words = content_words(claims[i].text)
    others = [
        cid
        for cid, text in texts.items()
        if cid not in claims[i].citations and claims[i].text not in text
    ]
    if not others:
        return None
    # the least related chunk: a mis-pointed citation that still looks like a citation
    # (ties: the lowest-ranked chunk)
    wrong = min(reversed(others), key=lambda cid: len(words & content_words(texts[cid])))
    return _with(claims, i, [Claim(text=claims[i].text, citations=[wrong])])


def confident_answer(retrieved: list[ScoredChunk]) -> Draft | None:
    """The top chunk's opening quoted as if it answered, correctly cited: only topicality can catch it."""
    if not retrieved:
        return None
    top = retrieved[0].chunk
    said = sentences(top.text)[:2]
    if not said:
        return None
    return Draft(answerable=True, sentences=[Claim(text=s, citations=[top.id]) for s in said])


# --- measuring the gate ------------------------------------------------------------


class FaultInjector:
    """An answer model that hallucinates on purpose: it drafts with ``inner``, then
    injects ``fault`` (None: the clean draft). Behind the same interface as any model,
    so it can stand in for one in the runtime or in :func:`evals.adversary.measure`."""

    extractive = False

    def __init__(self, inner: LLM, fault: str | None = None, seed: int = 7) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {', '.join(FAULTS)}")
        self.inner, self.fault, self.rng = inner, fault, random.Random(seed)
        self.name = f"faulty:{inner.name}"
        self.usage = inner.usage
        self.injected = False
        """Whether the last draft carries an injected fault (some faults cannot apply)."""
        self._clean: dict[str, Draft] = {}

    def draft_answer(
        self,
        question: str,
        chunks: list[ScoredChunk],
        history: list[str],
        language: str = "en",
    ) -> Draft:
        if question not in self._clean:  # the model is asked once per question, not per fault
            if len(self._clean) > 1000:
                self._clean.clear()
            self._clean[question] = self.inner.draft_answer(question, chunks, history, language)
        clean = self._clean[question]
        faulty = inject(self.fault, clean, chunks, self.rng) if self.fault else None
        self.injected = faulty is not None
        return faulty or clean

    def handoff_notes(
        self, transcript: list[str], facts: HandoffFacts, chunks: list[ScoredChunk]
    ) -> HandoffNotes:
        return self.inner.handoff_notes(transcript, facts, chunks)
