"""Making a shopper's raw message safe to process: bounded, valid, printable."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict

# C0/C1 controls except tab and newline; zero-width and bidi *controls* are
# removed too (they can hide text), while RTL letters themselves are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_BLANKS = re.compile(r"[ \t]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


class CleanMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    notes: list[str] = []
    """What cleaning changed, for the reply and the transcript."""


def to_text(raw: str | bytes) -> tuple[str, list[str]]:
    """Decode bytes and repair lone surrogates; never raises."""
    notes = []
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
        if "\ufffd" in text:
            notes.append("undecodable bytes were replaced")
    else:
        text = raw
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
        notes.append("invalid characters (lone surrogates) were replaced")
    return text, notes


def clean(raw: str | bytes, max_chars: int) -> CleanMessage:
    """NFC-normalise, strip control characters, collapse blanks, cut to ``max_chars``."""
    text, notes = to_text(raw)
    text = unicodedata.normalize("NFC", text)
    stripped = _CONTROL.sub("", text)
    if stripped != text:
        notes.append("control characters were removed")
    text = _MANY_NEWLINES.sub("\n\n", _BLANKS.sub(" ", stripped.replace("\r\n", "\n"))).strip()
    if len(text) > max_chars:
        notes.append(f"message was cut from {len(text)} to {max_chars} characters")
        text = text[:max_chars]
    return CleanMessage(text=text, notes=notes)
