"""The loop trigger: the same question for the third time, or answers that keep failing.

Repeats are judged on content words (the pack's stopwords removed) with
rapidfuzz: ``token_set_ratio`` when one message contains the other or they
differ only by typos ("where is my order" / "where is my order 1234??"), and
the overlap coefficient of the word sets when each says something the other
does not: "which size would fit me in the merino crew" repeats "what size
should I get in the merino crew sweater", while "sizes of the blue dress"
does not repeat "sizes of the red dress" (2 of 3 words shared, under 0.72).
"""

from __future__ import annotations

from functools import cache

from rapidfuzz import fuzz

from agent.settings import TriggerSettings
from agent.state import TriggerHit, Turn
from agent.triggers.packs import word_list
from agent.triggers.rules import Match, Rule, first_match, pack_rules
from agent.triggers.text import Text, flat

_TYPO_DIFF = 75  # the words only one side has are typos of each other at or above this ratio


def rejection(text: Text, history: list[Turn]) -> Match | None:
    """Where this message says the previous bot answer did not help (only right after a bot line)."""
    if not text.flat or not _last_line_is_bot(history):
        return None
    return first_match(_rules("rejection"), text.flat)


def _pushback(text: Text, history: list[Turn]) -> Match | None:
    """ "ok but ...", "but ...": a rejection only when the question is asked again."""
    if not text.flat or not _last_line_is_bot(history):
        return None
    return first_match(_rules("pushback"), text.flat)


@cache
def _rules(name: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in pack_rules("loop") if rule.name == name)


def check(
    text: Text, history: list[Turn], failed_answers: int, settings: TriggerSettings
) -> list[TriggerHit]:
    """Hits for a question asked again ``loop_repeats`` times and for too many rejected answers."""
    hits = []
    repeated = _repeat_hit(text, history, settings)
    if repeated:
        hits.append(repeated)
    rejected = rejection(text, history)
    # rejecting the answer and asking the same again ("no, that's parcels. how long for a
    # BIKE?") is the answer failing twice: the shopper asked, and asks again; "ok but ..."
    # rejects it only together with the question asked again
    pushed = None if rejected else _pushback(text, history)
    asked_again = bool(rejected or pushed) and _repeats(text, history, settings) >= 1
    rejected = rejected or (pushed if asked_again else None)
    count = failed_answers + 1 + int(asked_again)
    if rejected and count >= settings.failed_answers:
        again = " (the question asked again)" if asked_again else ""
        hits.append(
            TriggerHit(
                kind="loop",
                reason=f"{count} bot answers rejected in a row{again}",
                evidence=rejected.evidence,
                score=float(count),
            )
        )
    return hits


@cache
def _pairs(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(item.split("=", 1)) for item in word_list("loop", name))  # type: ignore[misc]


def canonical(words: list[str]) -> list[str]:
    """Words with phrases and synonyms folded to one form ("get here" -> "arrive")."""
    line = f" {' '.join(words)} "
    for phrase, same in _pairs("phrases"):
        line = line.replace(f" {phrase} ", f" {same} ")
    return [_synonym(w) for w in line.split()]


@cache
def _synonym(word: str) -> str:
    synonyms = dict(_pairs("synonyms"))
    if word in synonyms or len(word) < 5:
        return synonyms.get(word, word)
    # a typo of a synonym ("pakage") is that synonym too
    close = [k for k in synonyms if len(k) >= 5 and fuzz.ratio(word, k) >= 85]
    return synonyms[close[0]] if close else word


def content(words: list[str]) -> list[str]:
    """The words that carry the question; [] for greetings and acknowledgements."""
    kept = [w for w in canonical(words) if w not in word_list("loop", "stopwords")]
    if all(w in word_list("loop", "acknowledgements") for w in kept):
        return []
    return kept


def similarity(a: list[str], b: list[str]) -> float:
    """How alike two content-word lists are, 0..1 (0 when either has fewer than two words)."""
    set_a, set_b = set(a), set(b)
    if len(set_a) < 2 or len(set_b) < 2:
        return 0.0
    only_a, only_b = sorted(set_a - set_b), sorted(set_b - set_a)
    if only_a and only_b and fuzz.ratio(" ".join(only_a), " ".join(only_b)) < _TYPO_DIFF:
        # overlap coefficient: a rephrasing adds a word or two around the same core
        return len(set_a & set_b) / min(len(set_a), len(set_b))
    return fuzz.token_set_ratio(" ".join(a), " ".join(b)) / 100


def _same_as_before(
    text: Text, history: list[Turn], settings: TriggerSettings
) -> list[tuple[float, str]]:
    """(similarity, text) of the earlier shopper messages this one repeats."""
    now = content(text.words)
    if len(set(now)) < 2:
        return []
    same = []
    for turn in _shopper_messages_since_agent(history):
        score = similarity(now, content(flat(turn.text).split()))
        if score >= settings.loop_similarity:
            same.append((score, turn.text))
    return same


def _repeats(text: Text, history: list[Turn], settings: TriggerSettings) -> int:
    return len(_same_as_before(text, history, settings))


def _repeat_hit(text: Text, history: list[Turn], settings: TriggerSettings) -> TriggerHit | None:
    same = _same_as_before(text, history, settings)
    if len(same) < settings.loop_repeats:
        return None
    quoted = " | ".join(t.strip()[:80] for _, t in same[-settings.loop_repeats :])
    return TriggerHit(
        kind="loop",
        reason=f"same question asked {len(same) + 1} times",
        evidence=quoted,
        score=round(max(s for s, _ in same), 3),
    )


def _shopper_messages_since_agent(history: list[Turn]) -> list[Turn]:
    # Once a human agent has spoken, earlier repeats were already dealt with by a person.
    start = max((i + 1 for i, t in enumerate(history) if t.role == "agent"), default=0)
    return [t for t in history[start:] if t.role == "shopper" and t.kind == "message"]


def _last_line_is_bot(history: list[Turn]) -> bool:
    for turn in reversed(history):
        if turn.role != "shopper":
            return turn.role == "bot"
    return False
