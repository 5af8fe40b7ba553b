"""A draft read as the model writes it: each claim the moment its JSON object closes.

A streamed structured answer arrives as JSON text in pieces
(``{"answerable": true, "sentences": [{"text": ..., "citations": [...]}, ...``).
:class:`ClaimScanner` follows the text character by character (strings, escapes,
nesting) and hands out a :class:`~agent.llm.Claim` as soon as its closing ``}`` has
arrived, with its citations; the whole text is parsed once more at the end, so what the
gate finally judges is exactly the model's draft.
"""

from __future__ import annotations

import json
from collections.abc import Generator

from pydantic import ValidationError

from agent.errors import LLMOutputError
from agent.llm import Claim, Draft

__all__ = ["ClaimScanner", "DraftStream"]

_CLAIM_DEPTH = ["{", "["]
"""Where a claim's object opens: inside the draft's object, inside its one array."""


class ClaimScanner:
    """Feed it the JSON as it comes; it returns the claims completed by each piece."""

    def __init__(self) -> None:
        self.text = ""
        self.answerable: bool | None = None
        """The draft's ``answerable`` once the model has written it."""
        self._stack: list[str] = []
        self._in_string = self._escaped = False
        self._string_at = 0
        self._claim_at: int | None = None
        self._last_key: str | None = None
        self._key: str | None = None

    def feed(self, piece: str) -> list[Claim]:
        done: list[Claim] = []
        start = len(self.text)
        self.text += piece
        for i in range(start, len(self.text)):
            ch = self.text[i]
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
                    if len(self._stack) == 1:  # a key (or a value) of the draft itself
                        self._last_key = json.loads(self.text[self._string_at : i + 1])
                continue
            if ch == '"':
                self._in_string, self._string_at = True, i
            elif ch in "{[":
                if ch == "{" and self._stack == _CLAIM_DEPTH:
                    self._claim_at = i
                self._stack.append(ch)
            elif ch in "}]":
                if self._stack:
                    self._stack.pop()
                if ch == "}" and self._stack == _CLAIM_DEPTH and self._claim_at is not None:
                    done.append(Claim.model_validate_json(self.text[self._claim_at : i + 1]))
                    self._claim_at = None
            elif len(self._stack) == 1:
                if ch == ":":
                    self._key = self._last_key
                elif self._key == "answerable" and ch in "tf":
                    self.answerable, self._key = ch == "t", None
        return done

    def draft(self) -> Draft:
        """The whole draft (raises pydantic's ValidationError when it is not one)."""
        return Draft.model_validate_json(self.text)


class DraftStream:
    """Iterate for each claim once it is complete; then :attr:`draft` is the whole draft.

    ``pieces`` yields the text as it arrives (the model's stream, already translated to our
    errors); :meth:`close` stops reading it (the rest of a draft the gate refused is not
    worth waiting for). A draft that is not the schema's is an :class:`LLMOutputError`.
    """

    def __init__(self, pieces: Generator[str, None, None]) -> None:
        self._pieces = pieces
        self.scanner = ClaimScanner()
        self.claims: list[Claim] = []
        self.draft: Draft | None = None
        """Set when the model's draft has arrived in full."""

    @property
    def answerable(self) -> bool | None:
        return self.scanner.answerable

    def __iter__(self) -> Generator[Claim, None, None]:
        try:
            for piece in self._pieces:
                for claim in self.scanner.feed(piece):
                    self.claims.append(claim)
                    yield claim
            self.draft = self.scanner.draft()
        except (ValidationError, ValueError) as exc:
            self.close()
            raise LLMOutputError(
                f"answer: the model's JSON did not match the schema: {str(exc)[:300]}"
            ) from exc

    def close(self) -> None:
        self._pieces.close()
