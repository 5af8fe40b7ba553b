"""Split documents into chunks that fit the embedder's window and never span two sections.

A section's text is cut at paragraph breaks; a paragraph that does not fit is
cut at sentence ends (or line breaks), a sentence that does not fit at spaces,
and a single word that does not fit at characters. The pieces are then packed
greedily. Short sections are not merged: a citation then points at one heading.

A chunk that starts inside a table repeats the table's header row, and one that starts
inside a list repeats the list's intro sentence (:mod:`knowledge.carry`), within the
same budget: a row or an item quoted from it still says what it is about. Every chunk
carries its section's heading (``Chunk.heading``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from agent.errors import KnowledgeError
from knowledge.carry import carried, may_carry
from knowledge.models import Chunk, Document, Section
from knowledge.tokens import count_tokens

__all__ = ["MIN_MAX_TOKENS", "carries", "chunk_document", "chunk_parts"]

Counter = Callable[[str], int]
Piece = tuple[str, str]
"""(separator before it, text): joining pieces with their separators restores the text."""

MIN_MAX_TOKENS = 16
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n\s*)")
_SENTENCE_END = re.compile(r"((?<=[.!?])[\"')\]]*[ \t]+|[ \t]*\n\s*)")
_SPACE = re.compile(r"(\s+)")
_LEVELS = (_PARAGRAPH_BREAK, _SENTENCE_END, _SPACE)


def chunk_document(
    doc: Document, max_tokens: int = 160, count: Counter = count_tokens
) -> list[Chunk]:
    """The document's chunks in order, ids ``<doc_id>#<n>``; ``count(embed_text) <= max_tokens``."""
    return [chunk for chunk, _ in chunk_parts(doc, max_tokens, count)]


def chunk_parts(
    doc: Document, max_tokens: int = 160, count: Counter = count_tokens
) -> list[tuple[Chunk, str]]:
    """Each chunk with the lines it repeats from the chunk before it ('' for none): its
    text is those lines, a newline, then its own part of the section."""
    if max_tokens < MIN_MAX_TOKENS:
        raise KnowledgeError(f"max_tokens must be at least {MIN_MAX_TOKENS}, got {max_tokens}")
    found: list[tuple[Chunk, str]] = []
    for section in doc.sections:
        for chunk, repeated in _section_chunks(doc, section, max_tokens, count):
            found.append((chunk.model_copy(update={"id": f"{doc.id}#{len(found)}"}), repeated))
    return found


def carries(doc: Document, max_tokens: int = 160, count: Counter = count_tokens) -> bool:
    """Whether any chunk of ``doc`` repeats a table header or a list intro (only sections
    with a table or an introduced list are chunked to tell; one that fits is measured once)."""
    if max_tokens < MIN_MAX_TOKENS:
        return False
    return any(
        repeated
        for section in doc.sections
        if may_carry(section.text)
        for _, repeated in _section_chunks(doc, section, max_tokens, count)
    )


def _section_chunks(
    doc: Document, section: Section, max_tokens: int, count: Counter
) -> list[tuple[Chunk, str]]:
    path = list(section.heading_path)
    if path and path[0] == doc.title:  # the title is already on the embedded line
        path = path[1:]
    title, heading = _fit_head(doc.title, " > ".join(path), max_tokens // 2, count)
    template = Chunk(
        id="",
        doc_id=doc.id,
        title=title,
        heading=heading,
        text="",
        n_tokens=0,
        doc_sha256=doc.sha256,
        audience=section.audience,
    )

    head = template.embed_text  # the head line alone (its text is ''): built once, not per measure

    def measure(text: str) -> int:
        return count(f"{head}{text}" if head else text)

    return [
        (template.model_copy(update={"text": text, "n_tokens": measure(text)}), repeated)
        for repeated, text in _pack(section.text, max_tokens, measure)
    ]


def _pack(text: str, limit: int, measure: Counter) -> Iterator[tuple[str, str]]:
    """Greedily join consecutive pieces while the measured chunk stays within ``limit``;
    yields (the lines repeated from the chunk before, the chunk's text)."""
    current, repeated = "", ""
    for separator, piece in _split(text.strip(), "", _LEVELS, limit, measure):
        candidate = f"{current}{separator}{piece}" if current else piece
        if current and measure(candidate) > limit:
            yield repeated, current.strip()
            repeated = carried(current, separator, piece)
            current = f"{repeated}\n{piece}" if repeated else piece
            if repeated and measure(current) > limit:  # no room for the header: go without
                current, repeated = piece, ""
        else:
            current = candidate
    if current.strip():
        yield repeated, current.strip()


def _split(
    text: str, separator: str, levels: tuple[re.Pattern[str], ...], limit: int, measure: Counter
) -> Iterator[Piece]:
    """Paragraphs, or sentences / words / characters of the ones that do not fit alone."""
    if not text or measure(text) <= limit:
        if text:
            yield separator, text
        return
    if not levels:
        yield from _characters(text, separator, limit, measure)
        return
    parts = levels[0].split(text)  # [text, sep, text, sep, ...] thanks to the capture group
    for index in range(0, len(parts), 2):
        before = separator if index == 0 else parts[index - 1]
        yield from _split(parts[index], before, levels[1:], limit, measure)


def _characters(word: str, separator: str, limit: int, measure: Counter) -> Iterator[Piece]:
    """A word longer than a whole chunk (a URL, a hash) is cut at the longest prefix that fits."""
    while word:
        low, high = 1, len(word)
        while low < high:  # the longest prefix that fits; at least one character
            middle = (low + high + 1) // 2
            low, high = (middle, high) if measure(word[:middle]) <= limit else (low, middle - 1)
        yield separator, word[:low]
        word, separator = word[low:], ""


def _fit_head(title: str, heading: str, budget: int, count: Counter) -> tuple[str, str]:
    """Shorten an overlong title/heading so the embedded head line leaves room for text."""

    def line(t: str, h: str) -> str:
        return " > ".join(p for p in (t, h) if p)

    while heading and count(line(title, heading)) > budget:
        heading = heading.rsplit(None, 1)[0] if " " in heading.strip() else ""
    while title and count(line(title, heading)) > budget:
        title = title.rsplit(None, 1)[0] if " " in title.strip() else title[: len(title) // 2]
    return title, heading
