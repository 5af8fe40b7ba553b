"""The complexity trigger: too many questions at once, or a shopper hopping between topics.

Conservative on purpose: one question, even a long one, never fires.

* Questions in one message: sentences that open with a question word ("what",
  "can I", "donde", "wie"...), or end in "?" and hold such a word, counted once
  each (a repeated "???" or the same question twice counts once; one-word
  sentences like "Really?" and fragments like "Size M?" do not count).
* Topic pivots: across the last four shopper messages the intent changed at
  least three times and the bot answered none of them (no bot line since the
  first of the four). Messages without a topic ("hi", "ok") are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from agent.settings import TriggerSettings
from agent.state import TriggerHit, Turn
from agent.triggers.packs import load_pack
from agent.triggers.text import Text, words

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_CLAUSE = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?=\w)|:\s*")
_PIVOT_WINDOW = 4
_PIVOT_CHANGES = 3
_UNTOPICAL = frozenset({"other", "human"})


@cache
def _starters() -> tuple[str, ...]:
    lists = load_pack("complexity").lists
    pairs = [f"{a} {s}" for a in lists.get("aux", []) for s in lists.get("subjects", [])]
    return tuple(f"{w} " for w in [*lists.get("open", []), *pairs])


@cache
def _markers() -> frozenset[str]:
    lists = load_pack("complexity").lists
    return frozenset(w for w in [*lists.get("open", []), *lists.get("aux", [])] if " " not in w)


def _pieces(folded: str) -> list[str]:
    """Sentences, and the clauses of a sentence that asks several things at once
    ("what's the price, is it gluten free, and can you ship it to Canada?")."""
    out = []
    for sentence in _SENTENCE.findall(folded):
        clauses = _CLAUSE.split(sentence)
        asking = [c for c in clauses if f"{' '.join(words(c))} ".startswith(_starters())]
        out += [f"{c}?" for c in asking] if len(asking) > 1 else [sentence]
    return out


def questions(text: Text) -> list[str]:
    """The distinct questions in a message, as flat text, in order."""
    found: list[str] = []
    for piece in _pieces(text.folded):
        said = words(piece)
        line = " ".join(said)
        if len(said) < 2 or line in found:
            continue
        # A "?" alone is not enough: "Size M? Blue?" are fragments, and a pasted
        # wall of text has stray "?"; a question also has a question or helper word.
        if f"{line} ".startswith(_starters()) or ("?" in piece and not _markers().isdisjoint(said)):
            found.append(line)
    return found


def check(
    text: Text,
    history: list[Turn],
    settings: TriggerSettings,
    classify: Callable[[str], str],
) -> TriggerHit | None:
    """A hit for ``complexity_questions`` distinct questions, or for repeated topic pivots."""
    asked = questions(text)
    if len(asked) >= settings.complexity_questions:
        return TriggerHit(
            kind="complexity",
            reason=f"{len(asked)} questions in one message",
            evidence=" | ".join(q[:60] for q in asked)[:200],
            score=float(len(asked)),
        )
    return _pivot_hit(text, history, classify)


def _pivot_hit(
    text: Text, history: list[Turn], classify: Callable[[str], str]
) -> TriggerHit | None:
    shopper = [i for i, t in enumerate(history) if t.role == "shopper" and t.kind == "message"]
    earlier = shopper[-(_PIVOT_WINDOW - 1) :]
    if len(earlier) < _PIVOT_WINDOW - 1 or not text.flat:
        return None
    if any(t.role == "bot" for t in history[earlier[0] :]):
        return None  # the bot answered at least one of them
    intents = [classify(history[i].text) for i in earlier] + [classify(text.raw)]
    topical = [i for i in intents if i not in _UNTOPICAL]
    changes = sum(a != b for a, b in zip(topical, topical[1:], strict=False))
    if changes < _PIVOT_CHANGES:
        return None
    return TriggerHit(
        kind="complexity",
        reason=f"topic changed {changes} times in {_PIVOT_WINDOW} unanswered messages",
        evidence=" -> ".join(topical),
        score=float(changes),
    )
