"""Invisible Unicode: characters a reader never sees but a model reads.

Tag characters (U+E0000-E007F) can spell a whole hidden instruction; zero-width
characters split words so that filters miss them; bidi controls make text read
differently than it is stored. None of them carries meaning in a help-centre
page, so ingest drops them all and counts how many it dropped.
"""

from __future__ import annotations

import re

__all__ = ["INVISIBLE", "strip_invisible"]

INVISIBLE = re.compile(
    "[\U000e0000-\U000e007f"  # tag characters
    "\u200b-\u200f\u2060-\u2064\ufeff\u180e\u00ad\u034f"  # zero-width, joiners, marks, soft hyphen
    "\u202a-\u202e\u2066-\u2069\u061c]"  # bidi embeddings, overrides, isolates
)
"""One invisible character; ingest drops them, and learned answers are flagged for them."""


def strip_invisible(text: str) -> tuple[str, int]:
    """``text`` without invisible characters, and how many there were."""
    cleaned, count = INVISIBLE.subn("", text)
    return cleaned, count
