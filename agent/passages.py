"""The units a quote is made of, split by the document's structure, not at every newline.

A chunk is Markdown (or text from HTML): paragraphs hard-wrapped at any width,
lists, tables, and sometimes a short line that heads the paragraphs below it.
Splitting at every line break turns "from every 2 weeks to" into an answer and
"You can return:" into another. Here:

- a paragraph's lines are joined, then cut at sentence ends;
- each list item is one unit, kept with its intro ("We cannot ship: frozen food
  to Canada");
- each table row is one unit, read with its header row ("Bag: 4 lb; Adult price:
  $18.99");
- a short unpunctuated line standing alone heads what follows it, like a heading.

Every unit knows its heading path (document title, the chunk's headings, headings
inside the chunk), so a quote can say what it is about: "Retinal Night Serum: Once
opened, use within 6 months." (:meth:`Unit.quote`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.claims import content_words
from knowledge.carry import ITEM as _ITEM
from knowledge.carry import ROW as _ROW
from knowledge.carry import RULE as _RULE
from knowledge.models import Chunk

__all__ = ["LABEL_JOIN", "Unit", "continuation", "source_sentences", "units"]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9¿¡$€£])")
_BLANK = re.compile(r"\n[ \t]*\n")
MAX_HEADING_WORDS = 8
LABEL_JOIN = " › "
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_NAME_END = re.compile(r"\s+[—–|]\s+|\s+\(|\s+-\s+")
_GENERIC_HEADINGS = frozenset("overview details general info information notes faq".split())
# A sentence that stops on one of these has not said its piece: "Orders ship to:",
# "You can return unworn items, tags attached, and", "Refunds go back to the".
_OPEN_END = re.compile(
    r"(?:[:,;–—-]|\b(?:and|or|but|to|the|a|an|of|for|with|from|by|in|on|at|as|than|"
    r"including|such as|e\.g\.)\s*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a chunk."""

    text: str
    """As the source says it (lines joined); a row as 'Header: value; ...'."""
    kind: str
    """sentence, item (of a list) or row (of a table)."""
    heading: tuple[str, ...]
    """Title, the chunk's headings and the headings inside the chunk above this unit."""
    intro: str = ""
    """The sentence that introduces a list item ('We cannot ship:'), or ''."""
    position: int = 0
    """Order within the chunk."""

    @property
    def body(self) -> str:
        """The unit as read on its own: an item with its intro."""
        return f"{self.intro} {self.text}" if self.intro else self.text

    @property
    def unfinished(self) -> bool:
        """A sentence that introduces what follows ("We ship to:") or stops mid-way (a wrapped
        paragraph cut at a chunk's edge): on its own it does not say its piece."""
        return self.kind == "sentence" and bool(_OPEN_END.search(self.text.strip()))

    @property
    def label(self) -> str:
        """The headings that say what the unit is about, nearest last ('' if the body names
        them already): 'Trailhead Dog Food › Feeding and storage'."""
        said = content_words(self.body)
        values = content_words(self._values()) if self.kind == "row" else said
        parts = []
        for part in reversed(self.heading):
            part = _NAME_END.split(part, maxsplit=1)[0]  # "Magnesium — 120 capsules", "(as ...)"
            words = content_words(part)
            if not words or part.strip().lower() in _GENERIC_HEADINGS or _not_a_name(part):
                continue
            if set(_DIGITS.findall(part)) - set(_DIGITS.findall(self.body)):
                continue  # a figure the quote would state without the sentence giving it
            # a row's column names ("kit size") do not name its product ("Makeup Kit"): half
            # the heading's words among its values, or all of them anywhere in the row
            if len(words & values) * 2 < len(words) and not words <= said:
                parts.append(part.strip().rstrip(":"))
            if len(parts) == 2:
                break
        return LABEL_JOIN.join(reversed(parts))

    def _values(self) -> str:
        """A row's cells without their column names ('Size: 14 oz; Price: $32' -> '14 oz $32')."""
        return " ".join(part.partition(": ")[2] or part for part in self.text.split("; "))

    def quote(self) -> str:
        """What is shown to the shopper: the body, led by its headings when the body does not
        name them (a sentence lifted out of its section must say what it is about)."""
        label = self.label
        return f"{label}: {self.body}" if label else self.body

    @property
    def embed_text(self) -> str:
        """What is compared with the question: the heading path, then the body."""
        head = " > ".join(p for p in self.heading if p)
        return f"{head}: {self.body}" if head else self.body


def continuation(chunk: Chunk, unit: Unit) -> Unit | None:
    """The unit after an :attr:`~Unit.unfinished` ``unit`` in the same section of ``chunk``
    (what its list intro introduces, or the rest of what it was saying), else None."""
    if not unit.unfinished:
        return None
    return following(chunk, unit)


def following(chunk: Chunk, unit: Unit) -> Unit | None:
    """The unit right after ``unit`` in the same section of ``chunk``, else None."""
    found = units(chunk)
    for n, mine in enumerate(found[:-1]):
        if mine == unit:
            after = found[n + 1]
            return after if after.heading == unit.heading else None
    return None


def _not_a_name(part: str) -> bool:
    """A FAQ's question ("How do I ...?") or a file path heads a section without naming it."""
    s = part.strip()
    return s.endswith("?") or "/" in s or s.endswith((".md", ".txt", ".html", ".csv", ".json"))


def units(chunk: Chunk) -> list[Unit]:
    """The chunk's units in reading order."""
    if chunk.source == "learned":  # its heading is a shopper's question, not a section
        return list(_units(chunk.text, ()))
    path = tuple(p for p in (chunk.title, *chunk.heading.split(" > ")) if p)
    return list(_units(chunk.text, path))


@lru_cache(maxsize=4096)
def _units(text: str, path: tuple[str, ...]) -> tuple[Unit, ...]:
    found: list[Unit] = []
    sub: tuple[str, ...] = ()
    blocks = [b for b in _BLANK.split(text.strip()) if b.strip()]
    for n, block in enumerate(blocks):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1 and n + 1 < len(blocks) and _is_heading(lines[0]):
            sub = (lines[0].strip().strip("#").strip(),)
            continue
        block = _block(lines, (*path, *sub), len(found))
        if _opens_list(found, block):
            intro = found.pop().text  # "We cannot ship:" then a blank line, then the list
            lead = _leading_items(block)
            block = [
                Unit(u.text, u.kind, u.heading, intro if n < lead else u.intro, u.position - 1)
                for n, u in enumerate(block)
            ]
        found += block
    return tuple(found)


def _opens_list(found: list[Unit], block: list[Unit]) -> bool:
    """The last unit so far ends with ':' and the block starts with list items."""
    if not (found and block) or block[0].kind != "item" or block[0].intro:
        return False
    return found[-1].kind == "sentence" and found[-1].text.endswith(":")


def _leading_items(block: list[Unit]) -> int:
    n = 0
    while n < len(block) and block[n].kind == "item" and not block[n].intro:
        n += 1
    return n


def _is_heading(line: str) -> bool:
    s = line.strip()
    if s.startswith("#"):
        return True
    if _ITEM.match(s) or _ROW.match(s) or s[-1] in ".!?:;,)" or any(c in s for c in "|:$€£"):
        return False
    return len(s.split()) <= MAX_HEADING_WORDS and s[0].isupper()


def _block(lines: list[str], heading: tuple[str, ...], start: int) -> list[Unit]:
    """A block's units: runs of list items, of table rows and of paragraph lines."""
    out: list[Unit] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _ROW.match(line):
            j = i
            while j < len(lines) and _ROW.match(lines[j]):
                j += 1
            out += _prose(prose, heading, start + len(out))
            prose = []
            out += _table(lines[i:j], heading, start + len(out))
            i = j
        elif _ITEM.match(line):
            intro = ""
            if prose:
                before = _prose(prose, heading, start + len(out))
                if before and before[-1].text.endswith(":"):
                    intro = before.pop().text
                out += before
                prose = []
            j = i
            items: list[str] = []
            while j < len(lines) and (_ITEM.match(lines[j]) or (items and _continues(lines[j]))):
                m = _ITEM.match(lines[j])
                if m:
                    items.append(m.group("text").strip())
                else:
                    items[-1] = f"{items[-1]} {lines[j].strip()}"
                j += 1
            for item in items:
                out.append(Unit(item, "item", heading, intro, start + len(out)))
            i = j
        else:
            prose.append(line)
            i += 1
    out += _prose(prose, heading, start + len(out))
    return out


def _continues(line: str) -> bool:
    """An indented line under a list item goes on with that item."""
    return line.startswith((" ", "\t")) and not _ROW.match(line)


def _prose(lines: list[str], heading: tuple[str, ...], start: int) -> list[Unit]:
    if not lines:
        return []
    if len(lines) >= 3 and all(_bare_row(line) for line in lines):
        return _plain_table(lines, heading, start)
    joined = " ".join(line.strip() for line in lines)
    parts = [p.strip() for p in _SENTENCE_END.split(joined) if len(p.strip()) > 1]
    return [Unit(p, "sentence", heading, "", start + n) for n, p in enumerate(parts)]


def _bare_row(line: str) -> bool:
    """A line of a table flattened to text (from HTML): short, unpunctuated."""
    s = line.strip()
    return len(s.split()) <= 12 and s[-1] not in ".!?:;," and not _ITEM.match(s)


def _cells(line: str) -> list[str]:
    m = _ROW.match(line)
    return [c.strip() for c in (m.group("cells") if m else line).split("|")]


def _table(lines: list[str], heading: tuple[str, ...], start: int) -> list[Unit]:
    rows = [line for line in lines if not _RULE.match(line)]
    has_header = len(lines) > 1 and bool(_RULE.match(lines[1]))
    header = _cells(rows[0]) if has_header else []
    body = rows[1:] if has_header else rows
    out: list[Unit] = []
    for row in body:
        cells = _cells(row)
        if header and len(header) == len(cells):
            pairs = [f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=True) if c]
            text = "; ".join(pairs)
        else:
            text = "; ".join(c for c in cells if c)
        if text:
            out.append(Unit(text, "row", heading, "", start + len(out)))
    return out


def _plain_table(lines: list[str], heading: tuple[str, ...], start: int) -> list[Unit]:
    header = lines[0].strip()
    return [
        Unit(f"{header}: {line.strip()}", "row", heading, "", start + n)
        for n, line in enumerate(lines[1:])
    ]


def source_sentences(text: str) -> list[str]:
    """The sentences a source states, for checking a claim against it: each unit as read on
    its own (wrapped lines joined, an item with its intro, a row with its header) and each
    table row as written (a claim may restate a bare row)."""
    found = [u.body for u in _units(text, ())]
    rows = [line.strip() for line in text.split("\n") if _ROW.match(line)]
    return list(dict.fromkeys([*found, *(r for r in rows if not _RULE.match(r))]))
