"""The grounding gate: does the draft answer *this* question from the chunks it cites?

Hard failures (confidence 0, the draft is never sent; ``declined_by`` names why):

- ``no_answer``: the draft says the knowledge base does not answer;
- ``model``: the model's own judgement, given in the same call as the draft
  (``Draft.judgement``), is that the excerpts answer only part of the question or are
  about a neighbouring product, size or region;
- ``claim``: a sentence cites nothing or a chunk that was not retrieved, or is not a
  faithful restatement of the chunks it cites (:func:`agent.claim_check.check_claim`:
  a flipped negation or "only", a link, contact, number or amount they do not give, a
  clause with words they lack);
- the answerability checks, on the units quoted (:mod:`agent.passages`,
  :mod:`agent.answerability`): ``variant`` (a size other than the one asked about),
  ``entity`` (a sibling section, row or product page is the one asked about),
  ``answer_type`` (no price for a price question, no duration for "how long"),
  ``attribute`` (the thing asked about is not mentioned), ``restriction`` (a yes/no
  question answered without the section's "only"/"except"/"not" rule about it).

Otherwise confidence is ONE calibrated score (:class:`Score`): a logistic model over a
few signals of the quote, fitted on the dev eval sets by ``python -m evals.fit_grounding``
(coefficients in ``agent/grounding_score.json``, with the sets and counts they came from),
capped by support (for the weakest sentence, the share of its content words found in the
chunks it cites: 1.0 for a verbatim quote). The signals, each in [0, 1]:

- similarity: the embedder's cosine of the question and the best quoted unit (with its
  headings);
- retrieval: the best cited chunk's similarity to the question;
- coverage: the share of the question's stemmed content words (asking words aside) that
  the quoted units and their headings contain; a word the KB never uses counts in part
  when the quote has a word close to it by the embedder ("kibble" beside "food"), and the
  words of the shopper's story around the question count half
  (:func:`agent.term_weight.story_stems`);
- unknown: 1 - 0.5^n for the n question words the knowledge base never uses (a rare
  product name the KB lacks; not the shopper's name, "wanna" or a typo of a KB word);
- typed: 1 when the question asks for a kind of answer (a price, a duration) and the
  quote gives one.

A draft below the threshold is declined by ``low_score``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict
from rapidfuzz import process
from rapidfuzz.distance import OSA

from agent.answer_type import expected, gives, phrases_in, synonyms_of, unmet_check
from agent.answerability import CHECKS, conflict, everyday, restriction
from agent.claim_check import check_claim, lemmas, stem
from agent.claims import STOPWORDS, content_words, unsupported_quantities
from agent.llm import Draft
from agent.passages import LABEL_JOIN, Unit, units
from agent.term_weight import (
    STORY_WEIGHT,
    covered,
    derived,
    discount,
    inflections,
    story_stems,
    weights,
)
from agent.triggers.sentiment import is_feeling
from knowledge.models import ScoredChunk
from knowledge.vocabulary import words_of

Embed = Callable[[list[str]], list[list[float]]]
SCORE_FILE = Path(__file__).with_name("grounding_score.json")
FEATURES = ("similarity", "retrieval", "coverage", "unknown", "typed")
# Words a shopper uses to ask, not to say what about: never "unknown", never needed in the
# answer. The framing nouns ("what is your return policy?", "the rules for...", "info on...")
# name the kind of answer, and a KB states the rule without them.
_ASKING = frozenset(
    """anyone anything know tell want need like would could wondering question really actually
    also much many long well good sure okay maybe kind sort thing things something else still
    just ever even right send sent looking help able wanna gonna gotta lemme kinda pls plz
    hey hello thanks thank please
    policy policies rule rules info information detail details
""".split()
)
_ASKING_STEMS = frozenset(stem(w) for w in _ASKING)
SYNONYM_CREDIT = 0.8
"""Coverage of a question word the quote says in the KB's word (:mod:`agent.answer_type`)."""
_WORD = re.compile(r"[^\W\d_]{4,}")
_TOKEN = re.compile(r"[^\W\d_]+")


class Verdict(BaseModel):
    """The gate's decision on one draft."""

    model_config = ConfigDict(extra="forbid")
    confidence: float
    passed: bool
    threshold: float
    relevance: float = 0.0
    support: float = 0.0
    coverage: float = 0.0
    unknown_terms: list[str] = []
    """Question words that appear nowhere in the knowledge base."""
    problems: list[str] = []
    """Why confidence is what it is, most serious first."""
    declined_by: str | None = None
    """The named check that declined the draft: no_answer, model, claim, entity, variant,
    attribute, restriction, answer_type or low_score; None when it passed."""
    features: dict[str, float] = {}
    """The calibrated score's inputs (see :func:`score_features`)."""


@dataclass(frozen=True)
class Score:
    """P(the quote answers the question): a logistic model over :data:`FEATURES`."""

    weights: dict[str, float]
    bias: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def load(cls, path: Path = SCORE_FILE) -> Score:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {k: float(v) for k, v in data["weights"].items()}
        if set(weights) != set(FEATURES):
            raise ValueError(f"{path}: weights must be given for {', '.join(FEATURES)}")
        return cls(weights, float(data["bias"]))


@cache
def calibrated() -> Score:
    """The fitted score, read once from :data:`SCORE_FILE`."""
    return Score.load()


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _hard_problems(draft: Draft, by_id: dict[str, ScoredChunk], claims: bool = True) -> list[str]:
    if not draft.answerable or not draft.sentences:
        why = f": {draft.note}" if draft.note else ""
        return [f"the draft says the knowledge base does not answer this{why}"]
    if draft.judgement in ("partly", "other_thing"):
        said = "answer part of" if draft.judgement == "partly" else "are about something other than"
        return [f"the model judged that the excerpts it cites {said} the question"]
    problems = []
    for claim in draft.sentences:
        cited = [by_id[c] for c in claim.citations if c in by_id]
        unknown = [c for c in claim.citations if c not in by_id]
        if unknown:
            problems.append(f"cites chunks that were not retrieved: {', '.join(unknown)}")
        if not cited:
            problems.append(f"sentence cites no retrieved chunk: {claim.text[:80]!r}")
            continue
        sources = [c.chunk.embed_text for c in cited]
        if claims:
            text = unlabelled(claim.text, cited)
            problems += [f"{claim.text[:80]!r} {why}" for why in check_claim(text, sources)]
            continue
        for value, unit in unsupported_quantities(claim.text, sources):  # the word gate only
            shown = f"{value:g}{' ' + unit if unit else ''}"
            problems.append(f"states {shown} which no cited chunk contains: {claim.text[:80]!r}")
    return problems


def unlabelled(text: str, cited: list[ScoredChunk]) -> str:
    """A quote without the headings it leads with ("Retinal Night Serum: Once opened, ...",
    :meth:`agent.passages.Unit.quote`) when they are headings of the cited chunks: a heading
    says what the sentence is about, and the claim is the sentence. A heading may hold a
    colon itself ("Bike-Fit Guide: Choosing Your Size: Size: M; ...")."""
    if ": " not in text:
        return text
    heads = {
        " ".join(h.split())
        for sc in cited
        for u in units(sc.chunk)
        for h in (*u.heading, LABEL_JOIN.join(u.heading[-2:]), u.label)
        if h
    }
    for at in (m.start() for m in re.finditer(": ", text)):
        label, rest = text[:at], text[at + 2 :]
        if rest and (" ".join(label.split()) in heads or _path_of(label, heads)):
            return rest
    return text


def _path_of(label: str, heads: set[str]) -> bool:
    return all(" ".join(p.split()) in heads for p in label.split(LABEL_JOIN))


def shopper_words(parts: list[str]) -> set[str]:
    """The words of the shopper's own names, emails and order ids: never KB vocabulary."""
    return {w.lower() for p in parts for w in p.replace("@", " ").replace(".", " ").split()}


def unknown_terms(
    question: str, vocabulary: frozenset[str], ignore: AbstractSet[str] = frozenset()
) -> list[str]:
    """Words of the question the KB never uses (typos and inflections of KB words are
    forgiven, and so is a word the KB writes joined to its neighbour: "trek lite" for
    "TrekLite")."""
    unknown = []
    joined = _joined(question, vocabulary)
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(question)):
        if (
            word in STOPWORDS
            or word in _ASKING
            or word in ignore
            or everyday(word)
            or is_feeling(word)
            or word in joined
        ):
            continue
        folded = "".join(sorted(words_of(word)))  # the vocabulary is accent-folded: "días"
        if _known(word, vocabulary) or (folded and _known(folded, vocabulary)):
            continue
        unknown.append(word)
    return unknown


def _joined(question: str, vocabulary: frozenset[str]) -> set[str]:
    """Words the KB writes joined to the next one: "trek lite" is its "treklite"."""
    words = [w.lower() for w in _TOKEN.findall(question)]
    found: set[str] = set()
    for a, b in zip(words, words[1:], strict=False):
        if a + b in vocabulary:
            found |= {a, b}
    return found


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    variants = {
        word,
        word + "s",
        word + "es",
        word.rstrip("s"),
        word.removesuffix("es"),
        word.removesuffix("ing"),
        word.removesuffix("ed"),
    }
    if variants & vocabulary or not inflections(word).isdisjoint(vocabulary):
        return True
    if len(word) < 6:
        return False  # short words sit too close together: "guam" is not "gum"
    # one typing mistake (a swap counts as one), two in a long word
    cutoff = 1 if len(word) < 9 else 2
    return (
        process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=cutoff) is not None
    )


def verify(
    draft: Draft,
    question: str,
    retrieved: list[ScoredChunk],
    threshold: float,
    min_score: float,
    unknown: list[str] | None = None,
    claims: bool = True,
    embed: Embed | None = None,
) -> Verdict:
    """Score ``draft`` against what was retrieved; ``passed`` means it may be sent.

    ``unknown`` lists question words the KB never uses (see :func:`unknown_terms`);
    ``claims=False`` checks only numbers, not claims (the gate before claim checks,
    kept so the adversary report can compare the two); ``embed`` (unit vectors) gives
    the question-to-quote similarity, word overlap stands in without it.
    """
    by_id = {sc.chunk.id: sc for sc in retrieved}
    hard = _hard_problems(draft, by_id, claims)
    if hard:
        return Verdict(
            confidence=0.0,
            passed=False,
            threshold=threshold,
            problems=hard,
            declined_by=_declined_by(draft),
        )
    cited_ids = {c for claim in draft.sentences for c in claim.citations}
    cited = [by_id[c] for c in cited_ids]
    relevance = _clamp((max(sc.score for sc in cited) - min_score) / 0.35)
    support = min(
        _support(claim.text, [by_id[c] for c in claim.citations if c in by_id])
        for claim in draft.sentences
    )
    quoted = [
        _unit_of(claim.text, [by_id[c] for c in claim.citations if c in by_id])
        for claim in draft.sentences
    ]
    texts = [
        unlabelled(claim.text, [by_id[c] for c in claim.citations if c in by_id])
        for claim in draft.sentences
    ]
    named = _named_checks(draft, question, quoted, texts, retrieved, cited)
    shown = [claim.text for claim in draft.sentences]
    counted = weights(question, unknown or [], shown, embed)
    features = score_features(question, quoted, cited, unknown or [], embed, shown, counted)
    coverage = features["coverage"]
    confidence = round(min(support, calibrated().probability(features)), 4)
    problems = [
        f"the question mentions {w!r}, which the knowledge base never mentions"
        + discount(question, w, counted[w])
        for w in unknown or []
    ]
    problems += [
        f"{name} is low ({value:.2f})"
        for name, value in (("relevance", relevance), ("support", support), ("coverage", coverage))
        if value < 0.5
    ]
    declined = None
    if named:
        declined, why = named
        problems.insert(0, f"{declined} check: {why}")
        confidence = 0.0
    elif confidence < threshold:
        declined = "low_score"
    return Verdict(
        confidence=confidence,
        passed=declined is None,
        threshold=threshold,
        relevance=round(relevance, 4),
        support=round(support, 4),
        coverage=round(coverage, 4),
        unknown_terms=unknown or [],
        problems=problems,
        declined_by=declined,
        features={k: round(v, 4) for k, v in features.items()},
    )


def _declined_by(draft: Draft) -> str:
    """The named check behind a draft that says it cannot answer, or a hard problem."""
    if draft.judgement in ("partly", "other_thing"):
        return "model"
    if not draft.answerable or not draft.sentences:
        name = draft.note.split(":", 1)[0].strip()
        return name if name in CHECKS else "no_answer"
    return "claim"


def _unit_of(text: str, cited: list[ScoredChunk]) -> Unit | None:
    """The unit of the cited chunks a claim quotes or restates (most shared words)."""
    body = unlabelled(text, cited)
    words = lemmas(body)
    best: tuple[int, int, Unit] | None = None
    for sc in cited:
        for unit in units(sc.chunk):
            if " ".join(unit.body.split()) == " ".join(body.split()):
                return unit
            shared = len(words & lemmas(unit.body))
            if shared and (best is None or (shared, -len(unit.body)) > best[:2]):
                best = (shared, -len(unit.body), unit)
    return best[2] if best else None


def _named_checks(
    draft: Draft,
    question: str,
    quoted: list[Unit | None],
    texts: list[str],
    retrieved: list[ScoredChunk],
    cited: list[ScoredChunk],
) -> tuple[str, str] | None:
    """The first answerability check the quote fails: (name, why)."""
    every = [u for sc in retrieved for u in units(sc.chunk)]
    for unit in quoted:
        if unit is not None:
            found = conflict(question, unit, every)
            if found:
                return found
    found = unmet_check(question, texts)
    if found:
        return found
    section = [u for sc in cited for u in units(sc.chunk)]
    shown = [u for u in quoted if u is not None]
    limit = restriction(question, shown, section)
    if limit:
        return "restriction", limit
    return None


def score_features(
    question: str,
    quoted: list[Unit | None],
    cited: list[ScoredChunk],
    unknown: list[str],
    embed: Embed | None = None,
    shown: Sequence[str] = (),
    counted: dict[str, float] | None = None,
) -> dict[str, float]:
    """The signals the calibrated score weighs, each in [0, 1] (see :class:`Score`).
    ``shown``: the sentences as the shopper reads them (a model may answer in the
    shopper's language from excerpts in another), counted for coverage with the units.
    ``counted``: each unknown word's weight (:func:`agent.term_weight.weights`; 1 each
    when not given)."""
    bodies = [u.embed_text for u in quoted if u is not None] or [
        sc.chunk.embed_text for sc in cited
    ]
    asked = lemmas(question) - _ASKING_STEMS
    # a learned answer's heading is the question a person answered with it: what it covers
    learned = [
        f"{sc.chunk.title} {sc.chunk.heading}" for sc in cited if sc.chunk.source == "learned"
    ]
    said = set().union(*(lemmas(b) for b in [*bodies, *shown, *learned]))
    # a word the KB never uses is the shopper's own word: its nearest quoted word may say it
    own = {stem(w): w for w in unknown}
    missing = [own[s] for s in sorted(asked - said) if s in own]
    got = {s: 1.0 for s in asked & said}
    # a word of the same family the stemmer keeps apart ("delivered", "delivery")
    family = {w for b in [*bodies, *shown, *learned] for w in _TOKEN.findall(b.lower())}
    for word in _TOKEN.findall(question.lower()):
        s = stem(word)
        if s in asked and s not in got and len(word) > 3 and derived(word, family):
            got[s] = 1.0
    got |= {stem(w): c for w, c in covered(missing, [*bodies, *shown], embed).items()}
    # the shopper's word for what the quote names in the KB's word ("discount", "saves 5%");
    # not when the question also names what the KB never does ("delivered to Mexico City"):
    # then the quote's word for the rest does not make it an answer
    for word in _TOKEN.findall(question.lower()) if not unknown else ():
        s = stem(word)
        if (
            s in asked
            and s not in got
            and any(lemmas(alt) and lemmas(alt) <= said for alt in synonyms_of(word))
        ):
            got[s] = SYNONYM_CREDIT
    for phrase, word in phrases_in(question) if not unknown else ():  # "money back", "refund"
        if lemmas(word) <= said:
            for s in lemmas(phrase) & asked:
                got.setdefault(s, SYNONYM_CREDIT)
    # the story around the question ("I bought it 3 weeks ago, ...") counts less than the
    # clause that asks
    story = story_stems(question)
    weight = {s: STORY_WEIGHT if s in story else 1.0 for s in asked}
    total = sum(weight.values())
    coverage = sum(weight[s] * got.get(s, 0.0) for s in asked) / total if asked else 1.0
    if embed is not None:
        vectors = np.asarray(embed([question, *bodies]), dtype=np.float64)
        similarity = float(max(0.0, (vectors[1:] @ vectors[0]).max()))
    else:
        similarity = coverage
    expects = expected(question)
    return {
        "similarity": similarity,
        "retrieval": _clamp(max(sc.score for sc in cited)),
        "coverage": coverage,
        "unknown": 1.0 - 0.5 ** sum((counted or {}).get(w, 1.0) for w in unknown),
        "typed": 1.0 if expects and gives(" ".join(bodies), expects) else 0.0,
    }


def hopeless(verdict: Verdict) -> bool:
    """A failed verdict on the first sentences of a draft that no further sentence can turn:
    a hard problem or a named check stays, and support only falls as sentences are added
    (it is the weakest sentence's)."""
    if verdict.passed:
        return False
    if verdict.declined_by not in (None, "low_score"):
        return True
    return verdict.support < verdict.threshold


def _support(sentence: str, cited: list[ScoredChunk]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    available = set().union(*(content_words(sc.chunk.embed_text) for sc in cited))
    return len(words & available) / len(words)
