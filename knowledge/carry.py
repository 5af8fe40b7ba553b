"""What a chunk that continues a table or a list repeats from the chunk before it.

A long table cut into chunks leaves its rows without their header in every chunk but
the first: "| 14 oz | 60 hours |" then says neither what 14 oz nor what 60 hours is,
and a reader (or the answerability check) cannot tell one variant's row from another's.
A long list cut the same way leaves its items without their intro ("Burn times by
size:"). So a chunk that starts inside a table repeats the table's header row (and its
rule line), and one that starts inside a list repeats the list's intro sentence, as
:mod:`agent.passages` reads them: a row with its header, an item with its intro.

The row, rule and item patterns are defined here and shared with :mod:`agent.passages`,
so what the chunker carries is what the quoting code reads.
"""

from __future__ import annotations

import re

__all__ = ["ITEM", "ROW", "RULE", "carried", "may_carry"]

ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?P<text>.+)$")
ROW = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9¿¡$€£])")
_BLANK = re.compile(r"\n[ \t]*\n")
_RULE_LINE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*\|", re.MULTILINE)
_INTRO_THEN_ITEM = re.compile(r":[ \t]*\n(?:[ \t]*\n)?\s*(?:[-*+•]|\d{1,2}[.)])\s", re.MULTILINE)


def may_carry(text: str) -> bool:
    """Whether ``text`` has a table with a header or a list with an intro (a cheap test
    before chunking: only such a text can have anything carried)."""
    return bool(_RULE_LINE.search(text) or _INTRO_THEN_ITEM.search(text))


def carried(before: str, separator: str, piece: str) -> str:
    """The lines a chunk starting with ``piece`` repeats from ``before`` (the chunk just
    closed; ``separator`` stood between them in the section), or ''."""
    first = piece.lstrip().split("\n", 1)[0]
    if not first:
        return ""
    joined = not _BLANK.search(separator)  # a blank line ends a table (and a tight list)
    if ROW.match(first) and not RULE.match(first):
        return _header(before) if joined else ""
    if ITEM.match(first):
        return _intro(before, joined)
    return ""


def _header(before: str) -> str:
    """The header row and rule line of the table ``before`` ends with, or ''."""
    run: list[str] = []
    for line in reversed(before.rstrip().split("\n")):
        if not ROW.match(line) and not RULE.match(line):
            break
        run.append(line.strip())
    run.reverse()
    if len(run) >= 2 and RULE.match(run[1]) and not RULE.match(run[0]) and ROW.match(run[0]):
        return f"{run[0]}\n{run[1]}"
    return ""


def _intro(before: str, joined: bool) -> str:
    """The sentence ending in ':' that introduces the list ``before`` ends with, or ''.

    As :mod:`agent.passages` reads a list: the intro is the last sentence of the prose
    just above the items (wrapped lines joined), or a paragraph of its own ending in ':'
    right before them. Items after a blank line only continue a list that the intro
    itself ends the chunk before."""
    lines = before.rstrip().split("\n")
    i = len(lines) - 1
    if joined:
        while i >= 0 and (ITEM.match(lines[i]) or _wrapped_item(lines, i)):
            i -= 1
        while i >= 0 and not lines[i].strip():  # "Not covered:", a blank line, the items
            i -= 1
    elif i >= 0 and not lines[i].rstrip().endswith(":"):
        return ""
    prose: list[str] = []
    while i >= 0 and lines[i].strip() and not ITEM.match(lines[i]) and not ROW.match(lines[i]):
        prose.append(lines[i].strip())
        i -= 1
    if not prose or not prose[0].endswith(":"):
        return ""
    text = " ".join(reversed(prose))
    return _SENTENCE_END.split(text)[-1].strip()


def _wrapped_item(lines: list[str], i: int) -> bool:
    """An indented line that goes on with the list item above it."""
    line = lines[i]
    if not line.startswith((" ", "\t")) or not line.strip() or ROW.match(line):
        return False
    j = i - 1
    while j >= 0 and lines[j].startswith((" ", "\t")) and lines[j].strip():
        j -= 1
    return j >= 0 and bool(ITEM.match(lines[j]))
