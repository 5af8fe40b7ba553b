"""Turn the decoded text of one file into titled sections, one parser per format.

Parsers never see bytes and never touch the disk: :mod:`knowledge.documents`
decodes files and turns :class:`FormatError` into a load problem.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.errors import KnowledgeError
from knowledge.models import Section

__all__ = [
    "FormatError",
    "Parsed",
    "SectionBuilder",
    "clean",
    "parse_csv",
    "parse_json",
    "parse_markdown",
    "parse_text",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class FormatError(KnowledgeError):
    """The file's content is not valid for its format (the message says where)."""


@dataclass
class Parsed:
    title: str | None
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    hidden: int = 0
    """HTML only: hidden elements and comments whose text was dropped."""


def clean(text: str, strip_lines: bool = False) -> str:
    """NFC, Unix newlines, no control characters but \\n and \\t, no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text.replace("\u2029", "\n\n")))
    lines = (line.strip() if strip_lines else line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


class SectionBuilder:
    """Collects text under a heading stack: a deeper heading nests under the last shallower one."""

    def __init__(self, strip_lines: bool = False) -> None:
        self._strip_lines = strip_lines
        self._stack: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._sections: list[Section] = []

    def heading(self, level: int, text: str) -> None:
        """Close the current section and open one under ``text`` at ``level`` (1-6)."""
        self._flush()
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, clean(text, strip_lines=True).replace("\n", " ")))

    def add(self, text: str) -> None:
        self._parts.append(text)

    def sections(self) -> list[Section]:
        """The sections so far; sections without text are dropped."""
        self._flush()
        return list(self._sections)

    def _flush(self) -> None:
        body = clean("".join(self._parts), self._strip_lines).strip()
        self._parts = []
        if body:
            path = [title for _, title in self._stack if title]
            self._sections.append(Section(heading_path=path, text=body))


def parse_text(text: str) -> Parsed:
    """Plain text is one section; its title comes from the file name."""
    body = clean(text).strip()
    return Parsed(None, [Section(text=body)] if body else [])


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_LIST_MARK = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")


def plain_markdown(line: str) -> str:
    """A Markdown line as a shopper should read it quoted: no **, `, [](), or list marks."""
    line = _LINK.sub(r"\1", line)
    line = _EMPHASIS.sub(r"\2", _EMPHASIS.sub(r"\2", line))
    return _LIST_MARK.sub(r"\1- ", line)


def parse_markdown(text: str) -> Parsed:
    """ATX headings (``#`` to ``######``) outside code fences build the heading path."""
    builder, title, fence = SectionBuilder(), None, ""
    for line in text.split("\n"):
        opener = _FENCE.match(line)
        if opener and not fence:
            fence = opener.group(1)
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = ""
        heading = None if fence or opener else _ATX.match(line)
        if heading is None:
            code = fence or line.lstrip().startswith(("```", "~~~"))
            builder.add((line if code else plain_markdown(line)) + "\n")
            continue
        level, words = len(heading.group(1)), plain_markdown(clean(heading.group(2) or "")).strip()
        if level == 1 and title is None and words:
            title = words
        builder.heading(level, words)
    return Parsed(title, builder.sections())


def parse_json(text: str) -> Parsed:
    """A FAQ: a list of {"question", "answer"} objects, or {"faqs": [...]} / {"questions": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    title, items = None, data
    if isinstance(data, dict):
        keyed = {str(key).strip().lower(): value for key, value in data.items()}
        title = keyed.get("title") if isinstance(keyed.get("title"), str) else None
        items = next((keyed[key] for key in ("faqs", "questions") if key in keyed), None)
    if not isinstance(items, list):
        raise FormatError('expected a list of {"question", "answer"} objects, or {"faqs": [...]}')
    rows = []
    for number, item in enumerate(items, start=1):
        keyed = (
            {str(k).strip().lower(): v for k, v in item.items()} if isinstance(item, dict) else {}
        )
        rows.append((f"item {number}", keyed.get("question"), keyed.get("answer")))
    return _faq(title, rows)


def parse_csv(text: str) -> Parsed:
    """A FAQ: a header row naming question and answer columns (any case), one pair per row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "question" not in header or "answer" not in header:
            raise FormatError(
                f"line 1: the header row needs question and answer columns, got {header}"
            )
        q, a = header.index("question"), header.index("answer")
        rows = [
            (
                f"line {reader.line_num}",
                row[q] if q < len(row) else None,
                row[a] if a < len(row) else None,
            )
            for row in reader
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise FormatError(f"invalid CSV at line {reader.line_num}: {exc}") from exc
    return _faq(None, rows)


def _faq(title: str | None, rows: Iterable[tuple[str, object, object]]) -> Parsed:
    """Each question becomes a heading and its answer the text; bad rows become warnings."""
    sections, warnings = [], []
    for where, question, answer in rows:
        if not (isinstance(question, str) and question.strip()):
            warnings.append(f"{where}: no question, skipped")
        elif not (isinstance(answer, str) and answer.strip()):
            warnings.append(f"{where}: no answer, skipped")
        else:
            heading = clean(question, strip_lines=True).replace("\n", " ")
            sections.append(Section(heading_path=[heading], text=clean(answer).strip()))
    if not sections:
        raise FormatError(
            "no question/answer pairs found" + (f" ({warnings[0]})" if warnings else "")
        )
    return Parsed(title, sections, warnings)
