"""The explicit trigger: the shopper asks for a person, by button or in words.

Matching runs on the flat form of the message in three ways, cheapest first:

1. a message made only of filler words and a person word ("agent please",
   "Mitarbeiter bitte", "operator?");
2. the pack's request rules (EN, ES, FR, DE, PT, IT, NL) after typo correction:
   a word of 5+ letters within one edit (two for 9+ letters) of a vocabulary
   word, with the same first letter, is read as that word ("opertor",
   "agnet", "humna", "reprisentative"). The first-letter rule and the
   ``not_typos`` list keep real words ("manage", "humane") from being read as
   person words;
3. whole phrases (the pack's and ``settings.explicit_extra_phrases``), matched
   with rapidfuzz on word-aligned windows so "personal" never counts as "person".
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from agent.state import TriggerHit
from agent.triggers.packs import load_pack, word_list
from agent.triggers.rules import first_match, pack_rules
from agent.triggers.text import Text, flat
from agent.triggers.text import words as words_of

_MIN_FUZZY_LEN = 5  # "talk"/"walk", "rep"/"red": shorter words are too close to correct
_PHRASE_CUTOFF = 90.0  # fuzz.ratio; one transposed pair in "talk to a humna" scores 93
_MERGED_CUTOFF = 95.0  # "customerservice representative": one space missing
_MIN_FUZZY_PHRASE = 12  # shorter phrases must match exactly (after typo correction)


@cache
def _vocabulary() -> tuple[str, ...]:
    # A tuple, not a set: ties between candidates resolve in pack order, every run.
    return tuple(load_pack("explicit").lists.get("vocabulary", []))


@cache
def _standalone() -> re.Pattern[str]:
    terms = "|".join(load_pack("explicit").lists.get("standalone", []))
    return re.compile(f"(?:{terms})(?: (?:{terms}))*")


@lru_cache(maxsize=8192)
def correct(word: str) -> tuple[str, float]:
    """The vocabulary word ``word`` is a typo of (or ``word`` itself) and their similarity."""
    vocab = _vocabulary()
    if len(word) < _MIN_FUZZY_LEN or word in vocab or word in word_list("explicit", "not_typos"):
        return word, 1.0
    candidates = [v for v in vocab if v[0] == word[0]]
    found = process.extractOne(
        word, candidates, scorer=OSA.distance, score_cutoff=1 if len(word) < 9 else 2
    )
    if found is None:
        return word, 1.0
    return found[0], OSA.normalized_similarity(word, found[0])


def check(text: Text, action: str, extra_phrases: list[str]) -> TriggerHit | None:
    """A hit when the shopper pressed the button or asked for a person in words."""
    if action == "talk_to_person":
        return TriggerHit(
            kind="explicit", reason="talk-to-a-person button", evidence="button", score=1.0
        )
    if not text.words:
        return None
    fixed = [correct(w) for w in text.words]
    words = [w for w, _ in fixed]
    typos = {old: fix for old, fix in zip(text.words, fixed, strict=True) if old != fix[0]}
    line = " ".join(words)
    if _is_bare_request(words) or any(_is_bare_request(c) for c in _clauses(text, fixed)):
        return _hit("asked for a person", line, typos)
    found = first_match(pack_rules("explicit"), line)
    if found:
        return _hit(f"asked for a person ({found.rule})", found.evidence, typos)
    return _phrase_hit(
        words, line, [*load_pack("explicit").lists.get("phrases", []), *extra_phrases]
    )


def _clauses(text: Text, fixed: list[tuple[str, float]]) -> list[list[str]]:
    """Corrected words per sentence or clause: "return window? pls human" asks twice."""
    pieces = [words_of(p) for p in re.split(r"[.?!;,]+", text.folded)]
    if sum(len(p) for p in pieces) != len(fixed):
        return []  # tokenisation disagrees: stay with the whole message
    out, i = [], 0
    for piece in pieces:
        out.append([w for w, _ in fixed[i : i + len(piece)]])
        i += len(piece)
    return [c for c in out if c]


def _is_bare_request(words: list[str]) -> bool:
    filler = word_list("explicit", "filler")
    rest = " ".join(w for w in words if w not in filler)
    return bool(rest) and len(words) <= 8 and _standalone().fullmatch(rest) is not None


def _phrase_hit(words: list[str], line: str, phrases: list[str]) -> TriggerHit | None:
    for phrase in phrases:
        target = flat(phrase)
        if not target:
            continue
        if len(target) < _MIN_FUZZY_PHRASE:
            if re.search(rf"(?<!\S){re.escape(target)}(?!\S)", line):
                return _hit(f"asked for a person (phrase {phrase!r})", target, {})
            continue
        # partial_ratio (C, whole message) rules out almost every phrase cheaply;
        # only then compare word-aligned windows, so "person" never matches "personal".
        if not fuzz.partial_ratio(target, line, score_cutoff=_PHRASE_CUTOFF):
            continue
        wanted = target.split()
        for size in (len(wanted), len(wanted) - 1, len(wanted) + 1):
            for i in range(len(words) - size + 1):
                window = words[i : i + size]
                score = fuzz.ratio(target, " ".join(window), score_cutoff=_PHRASE_CUTOFF)
                if score and _aligned(wanted, window, score):
                    return _hit(
                        f"asked for a person (phrase {phrase!r})", " ".join(window), {}, score / 100
                    )
    return None


def _aligned(wanted: list[str], window: list[str], score: float) -> bool:
    """Word by word, only typos may differ: "talked to customer service" is not "talk to ...".

    Windows of another length (a word split or glued: "customerservice") need a higher score.
    """
    if len(wanted) != len(window):
        return score >= _MERGED_CUTOFF
    return all(w == v or _is_typo(w, v) for w, v in zip(wanted, window, strict=True))


def _is_typo(word: str, seen: str) -> bool:
    if min(len(word), len(seen)) < _MIN_FUZZY_LEN or word[0] != seen[0]:
        return False
    return OSA.distance(word, seen) <= (1 if len(word) < 9 else 2)


def _hit(
    reason: str, evidence: str, typos: dict[str, tuple[str, float]], score: float = 1.0
) -> TriggerHit:
    """Name the typos the match relied on; the score is the weakest of their similarities."""
    used = {
        old: fix for old, fix in typos.items() if re.search(rf"\b{re.escape(fix[0])}\b", evidence)
    }
    if used:
        evidence += " (typos: " + ", ".join(f"{old}->{new}" for old, (new, _) in used.items()) + ")"
        score = min(score, *(sim for _, sim in used.values()))
    return TriggerHit(
        kind="explicit", reason=reason, evidence=evidence[:200], score=round(score, 3)
    )
