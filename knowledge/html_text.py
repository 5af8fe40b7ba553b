"""HTML to titled sections with the standard library's tolerant parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from knowledge.formats import Parsed, SectionBuilder, clean

__all__ = ["parse_html"]

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Page furniture, not knowledge: a footer's address or a nav menu would
# otherwise be retrieved as if it answered something.
_FURNITURE = {"nav", "footer"}
# Never shown to a reader, so never quoted: counted as hidden text when dropped.
_INVISIBLE = {"script", "style", "noscript", "template"}
_SKIPPED = _FURNITURE | _INVISIBLE
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PARAGRAPHS = {"p", "blockquote", "pre", "table", "ul", "ol", "dl"}
_LINES = {"br", "li", "div", "tr", "dt", "dd", "section", "article", "header", "main", "hr"}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"\s+")


def parse_html(text: str) -> Parsed:
    """h1-h6 open sections; block elements break lines; the title is <title> or the first h1."""
    parser = _SectionParser()
    parser.feed(text)
    parser.close()
    title = clean(parser.title, strip_lines=True).replace("\n", " ") or parser.first_h1
    return Parsed(title or None, parser.builder.sections(), hidden=parser.hidden)


def _hidden(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Hidden by its markup: display:none, visibility:hidden, ``hidden``, aria-hidden="true"."""
    if tag in _INVISIBLE:
        return True
    for name, value in attrs:
        if name == "hidden" or (name == "aria-hidden" and (value or "").strip().lower() == "true"):
            return True
        if name == "style" and _HIDDEN_STYLE.search(value or ""):
            return True
    return False


class _SectionParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = SectionBuilder(strip_lines=True)
        self.title = ""
        self.first_h1 = ""
        self._in_title = False
        self._in_pre = 0
        self._newlines = 0
        self._heading: tuple[int, list[str]] | None = None
        self._skipped_tags: list[str] = []
        self.hidden = 0
        """Hidden elements and comments dropped (furniture such as <nav> is not counted)."""

    def handle_comment(self, data: str) -> None:
        self.hidden += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipped_tags:  # inside a dropped element: follow the nesting only
            if tag not in _VOID:
                self._skipped_tags.append(tag)
            return
        hidden = _hidden(tag, attrs)
        if (hidden or tag in _SKIPPED) and tag not in _VOID:
            self._skipped_tags.append(tag)
            self.hidden += hidden
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADINGS and not self._skipped_tags:
            self._heading = (_HEADINGS[tag], [])
        elif tag == "pre":
            self._in_pre += 1
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipped_tags:
            if tag in self._skipped_tags:  # unclosed children end with their parent
                last = len(self._skipped_tags) - 1 - self._skipped_tags[::-1].index(tag)
                del self._skipped_tags[last:]
            return
        if tag == "title":
            self._in_title = False
        elif tag in _HEADINGS and self._heading is not None:
            level, parts = self._heading
            self._heading = None
            words = _SPACES.sub(" ", "".join(parts)).strip()
            if level == 1 and not self.first_h1:
                self.first_h1 = words
            self.builder.heading(level, words)
            self._newlines = 0
        elif tag == "pre":
            self._in_pre = max(0, self._in_pre - 1)
        self._break(tag)
        if tag in _CELLS:
            self.builder.add(" ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._skipped_tags:
            return
        elif self._heading is not None:
            self._heading[1].append(data)
        elif self._in_pre:
            self._emit(data)
        elif data.strip() or not self._newlines:
            # Outside <pre>, source newlines and indentation mean nothing in HTML.
            self._emit(_SPACES.sub(" ", data))

    def _emit(self, text: str) -> None:
        self.builder.add("\n" * self._newlines + text)
        self._newlines = 0

    def _break(self, tag: str) -> None:
        """Owe a line (or paragraph) break; adjacent block tags owe only one."""
        if self._skipped_tags or self._heading is not None:
            return
        if tag in _PARAGRAPHS:
            self._newlines = 2
        elif tag in _LINES:
            self._newlines = max(self._newlines, 1)
