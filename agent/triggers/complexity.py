"""The complexity trigger: too many questions at once, or a shopper hopping between topics.

Conservative on purpose: one question, even a long one, never fires.

* Questions in one message: sentences that open with a question word ("what",
  "can I", "donde", "wie"...), or end in "?" and hold such a word, counted once
  each (a repeated "???" or the same question twice counts once; one-word
  sentences like "Really?" and fragments like "Size M?" do not count).
* Listed questions: a numbered or bulleted list ("Questions: 1) ... 2) ... 3) ...")
  splits into its items; an item counts when it asks ("pedals included?", "if I collect
  can the workshop fit them") -- a "?" or a question word anywhere in it.
* Indirect questions count too: "I also want to know if ...".
* An announced list: after "I have a few things" / "a couple of questions", two
  questions in one of the next messages are enough.
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
from agent.triggers.text import Text, fold, words

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_CLAUSE = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?=\w)|:\s*")
# list item markers: "1)", "2.", "(3)", "a)" after a space or line start (numbered in order),
# and "-", "*", "•" bullets at the start of a line
_NUMBERED = re.compile(r"(?:^|(?<=[\s:]))\(?(\d{1,2}|[a-e])[).:](?=\s)")
_BULLET = re.compile(r"^\s*[-*\u2022]\s+")
_LIST_MIN = 3  # items that make a list
_ANNOUNCED_WINDOW = 3  # shopper messages an announcement ("a few things") holds for
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


@cache
def _indirect() -> re.Pattern[str]:
    """Lead-ins of a question asked indirectly: "i also want to know if", "whether"."""
    terms = "|".join(load_pack("complexity").lists.get("indirect", []))
    return re.compile(rf"(?:^|\s)(?:{terms})(?:\s|$)")


@cache
def _announce() -> re.Pattern[str]:
    terms = "|".join(load_pack("complexity").lists.get("announce", []))
    return re.compile(rf"(?:^|\s)(?:{terms})(?:\s|$)")


def _items(text: Text) -> list[str] | None:
    """The items of a numbered (1, 2, 3... or a, b, c...) or bulleted list of at least
    three, or None: "size 10. Is it..." or a dash in a sentence is no list."""
    folded = text.folded
    marks = list(_NUMBERED.finditer(folded))
    labels = [m.group(1) for m in marks]
    first = labels[0] if labels else ""
    expected = (
        (
            [str(int(first) + i) for i in range(len(labels))]
            if first.isdigit()
            else [chr(ord(first) + i) for i in range(len(labels))]
        )
        if first in ("1", "a")
        else []
    )
    if len(marks) >= _LIST_MIN and labels == expected:
        ends = [m.start() for m in marks[1:]] + [len(folded)]
        return [folded[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)]
    lines = text.raw.splitlines()
    bullets = [fold(_BULLET.sub("", line)) for line in lines if _BULLET.match(line)]
    return bullets if len(bullets) >= _LIST_MIN else None


def _asks(item: str) -> bool:
    """A list item that asks something: a "?", a question opening, or a question word or
    helper-and-subject inside it ("if i collect can the workshop fit them")."""
    line = f" {' '.join(words(item))} "
    return (
        "?" in item
        or line[1:].startswith(_starters())
        or any(f" {s}" in line for s in _starters())
        or _indirect().search(line.strip()) is not None
    )


def _pieces(folded: str) -> list[str]:
    """Sentences, and the clauses of a sentence that asks several things at once
    ("what's the price, is it gluten free, and can you ship it to Canada?")."""
    out = []
    for sentence in _SENTENCE.findall(folded):
        clauses = _CLAUSE.split(sentence)
        asking = [c for c in clauses if _opens(c)]
        out += [f"{c}?" for c in asking] if len(asking) > 1 else [sentence]
    return out


def _opens(clause: str) -> bool:
    line = " ".join(words(clause))
    return f"{line} ".startswith(_starters()) or _indirect().match(line) is not None


def questions(text: Text) -> list[str]:
    """The distinct questions in a message, as flat text, in order."""
    found: list[str] = []
    listed = _items(text)
    if listed:  # each item that asks is a question, "?" or not
        for item in listed:
            line = " ".join(words(item))
            # "2) mudguards?": in a list, a one-word item with "?" asks too
            enough = len(line.split()) >= 2 or "?" in item
            if line and enough and line not in found and _asks(item):
                found.append(line)
        return found
    for piece in _pieces(text.folded):
        said = words(piece)
        line = " ".join(said)
        if len(said) < 2 or line in found:
            continue
        # A "?" alone is not enough: "Size M? Blue?" are fragments, and a pasted
        # wall of text has stray "?"; a question also has a question or helper word.
        if _opens(piece) or ("?" in piece and not _markers().isdisjoint(said)):
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
    announced = _announced(history)
    wanted = min(settings.complexity_questions, 2) if announced else settings.complexity_questions
    if len(asked) >= wanted:
        said = (
            f" after {announced!r}"
            if announced and len(asked) < settings.complexity_questions
            else ""
        )
        return TriggerHit(
            kind="complexity",
            reason=f"{len(asked)} questions in one message{said}",
            evidence=" | ".join(q[:60] for q in asked)[:200],
            score=float(len(asked)),
        )
    return _pivot_hit(text, history, classify)


def _announced(history: list[Turn]) -> str | None:
    """The shopper's recent "I have a few things" / "a couple of questions", if any."""
    shopper = [t for t in history if t.role == "shopper" and t.kind == "message"]
    for turn in shopper[-_ANNOUNCED_WINDOW:]:
        found = _announce().search(" ".join(words(Text(turn.text).folded)))
        if found:
            return found.group(0).strip()
    return None


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
