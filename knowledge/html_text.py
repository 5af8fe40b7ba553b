"""HTML to titled sections with the standard library's tolerant parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from knowledge.formats import Parsed, SectionBuilder, clean

__all__ = ["parse_html"]

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Page furniture, not knowledge: a footer's address or a nav menu would
# otherwise be retrieved as if it answered something.
_SKIPPED = {"script", "style", "nav", "footer", "noscript", "template"}
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
    return Parsed(title or None, parser.builder.sections())


class _SectionParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = SectionBuilder(strip_lines=True)
        self.title = ""
        self.first_h1 = ""
        self._skipping = 0
        self._in_title = False
        self._in_pre = 0
        self._newlines = 0
        self._heading: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADINGS and not self._skipping:
            self._heading = (_HEADINGS[tag], [])
        elif tag == "pre":
            self._in_pre += 1
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "title":
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
        elif self._skipping:
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
        if self._skipping or self._heading is not None:
            return
        if tag in _PARAGRAPHS:
            self._newlines = 2
        elif tag in _LINES:
            self._newlines = max(self._newlines, 1)
