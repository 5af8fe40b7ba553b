"""The sentiment trigger: an angry, frustrated or distressed shopper goes to a person.

Scores come from VADER (vaderSentiment's ``SentimentIntensityAnalyzer``, built
once, on first use). VADER is English-only, and other languages do not score
near 0: German "die" and Spanish "sin" are English words of grief. So only an
English conversation is scored; others score 0. VADER also misreads complaints
that use no emotional words ("honestly I expected better" scores +0.71), so the
pack (packs/sentiment.toml) adds rules on the folded text, in EN/ES/FR/DE/PT:

- ``complaint``: frustration or a complaint stated outright ("fed up", "this is
  unacceptable", "j'en ai marre"): a hit whatever the score;
- ``distress``: weaker cues ("useless", "nobody answers"): a hit with a negative score;
- ``acute_distress``: "I'm in tears", "estoy desesperada": a hit whatever the score;
- sarcasm: praise (``lists.praise``: "Great.", "brilliant service as always", "cheers
  for that") in a message about a failure that keeps happening (``lists.repeated_failure``:
  "fourth weekend in a row", "late again"): a complaint, though VADER scores it positive.

Slang VADER misreads ("killer deal") is blanked before scoring.
"""

from __future__ import annotations

import re
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from agent.settings import TriggerSettings
from agent.state import Sentiment, TriggerHit
from agent.triggers.packs import load_pack
from agent.triggers.rules import Match, Rule, compile_pattern, first_match, pack_rules
from agent.triggers.text import Text

_NEGATIVE = -0.05  # VADER's own cut-offs for "negative" and "positive"
_POSITIVE = 0.05
_SHOUT_MIN_LETTERS = 12
_SHOUT_SHARE = 0.6
_SPAN = 2500  # VADER is pure Python: score the head and the tail of a huge message
_EXCLAIMS = re.compile(r"!\s*!")


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@cache
def _idioms() -> tuple[re.Pattern[str], ...]:
    return tuple(
        compile_pattern(i, where="packs/sentiment.toml: idioms")
        for i in load_pack("sentiment").lists.get("idioms", [])
    )


def compound(raw: str) -> float:
    """VADER's compound score of ``raw`` (as typed: VADER reads capitals and "!")."""
    for idiom in _idioms():
        raw = idiom.sub(" ", raw)
    parts = [raw] if len(raw) <= 2 * _SPAN else [raw[:_SPAN], raw[-_SPAN:]]
    score = min(_analyzer().polarity_scores(p)["compound"] for p in parts)
    return max(-1.0, min(1.0, round(score, 4)))


def is_shouting(raw: str) -> bool:
    """Mostly capitals: at least 60% of 12 or more cased letters are upper case."""
    upper = sum(ch.isupper() for ch in raw)
    lower = sum(ch.islower() for ch in raw)
    return upper + lower >= _SHOUT_MIN_LETTERS and upper >= _SHOUT_SHARE * (upper + lower)


def is_feeling(word: str) -> bool:
    """Whether VADER's lexicon scores this word: it tells how the shopper feels, not what they ask."""
    return word.lower() in _analyzer().lexicon


def _rule(name: str) -> Rule:
    return next(r for r in pack_rules("sentiment") if r.name == name)


def distress_cue(text: Text) -> Match | None:
    """An explicit sign of an upset shopper ("furious", "nobody helps me", "fed up")."""
    return first_match(pack_rules("sentiment"), text.folded)


def complaint_cue(text: Text) -> Match | None:
    """Frustration or a complaint stated outright, in any supported language ("fed up",
    "worst service ever", "estoy harta"), or said as sarcasm: it needs no score."""
    return _rule("complaint").find(text.folded) or sarcasm(text)


@cache
def _listed(name: str) -> tuple[re.Pattern[str], ...]:
    data = load_pack("sentiment")
    where = f"packs/sentiment.toml: {name}"
    return tuple(compile_pattern(p, data.macros, where) for p in data.lists.get(name, []))


def sarcasm(text: Text) -> Match | None:
    """Praise in a message about a failure that keeps happening: "Great. Third week in a
    row without my order. Cheers for that." Either half alone is no complaint."""
    folded = text.folded
    failure = next((m for p in _listed("repeated_failure") if (m := p.search(folded))), None)
    if failure is None or not any(p.search(folded) for p in _listed("praise")):
        return None
    return Match("sarcasm", failure.group(0), failure.start())


def score(text: Text, settings: TriggerSettings, language: str = "en") -> Sentiment:
    """Compound score and label; "distressed" needs a very low score plus a cue, caps or "!!";
    a stated complaint is "negative" whatever VADER's score.

    ``language``: the conversation's (agent/language.py); VADER scores English only."""
    value = compound(text.raw) if text.raw.strip() and language == "en" else 0.0
    if value <= settings.sentiment_threshold and (
        distress_cue(text) or is_shouting(text.raw) or _EXCLAIMS.search(text.raw)
    ):
        return Sentiment(compound=value, label="distressed")
    if value < _NEGATIVE or complaint_cue(text):
        return Sentiment(compound=value, label="negative")
    return Sentiment(compound=value, label="positive" if value > _POSITIVE else "neutral")


def check(text: Text, sentiment: Sentiment, settings: TriggerSettings) -> TriggerHit | None:
    """A hit for a very negative message, a stated complaint, or a negative message that
    shouts or states distress."""
    value = sentiment.compound
    if value <= settings.sentiment_threshold:
        reason, evidence = f"very negative sentiment (<= {settings.sentiment_threshold})", text.raw
    elif value < _NEGATIVE and is_shouting(text.raw):
        reason, evidence = "shouting with negative sentiment", text.raw
    elif complaint := complaint_cue(text):
        reason = (
            "praise around a failure that keeps happening (sarcasm)"
            if complaint.rule == "sarcasm"
            else "the shopper states a complaint or frustration"
        )
        evidence = complaint.evidence
    elif value < _NEGATIVE and (cue := distress_cue(text)):
        reason, evidence = "distress cue with negative sentiment", cue.evidence
    elif acute := _rule("acute_distress").find(text.folded):
        reason, evidence = "the shopper says they are in distress", acute.evidence
    else:
        return None
    return TriggerHit(kind="sentiment", reason=reason, evidence=evidence.strip()[:200], score=value)
