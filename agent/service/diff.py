"""A word-level, side-by-side diff for the curator's page: both texts whole, changes marked.

Each side is a list of segments ``(text, kind)``; joined, they are exactly the text on that
side (whitespace and punctuation kept), so nothing is ever cut. ``kind`` is ``same``,
``removed`` (left only) or ``added`` (right only).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)

Segment = tuple[str, str]


@dataclass(frozen=True)
class SideBySide:
    before: list[Segment]
    after: list[Segment]

    @property
    def changed(self) -> bool:
        return any(kind != "same" for _, kind in (*self.before, *self.after))


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for text, kind in segments:
        if merged and merged[-1][1] == kind:
            merged[-1] = (merged[-1][0] + text, kind)
        elif text:
            merged.append((text, kind))
    return merged


def side_by_side(before: str, after: str) -> SideBySide:
    """Word-level differences between two texts, each side complete."""
    a, b = tokens(before), tokens(after)
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(("".join(a[i1:i2]), "same"))
            right.append(("".join(b[j1:j2]), "same"))
            continue
        left.append(("".join(a[i1:i2]), "removed"))
        right.append(("".join(b[j1:j2]), "added"))
    return SideBySide(_merge(left), _merge(right))
