"""What an eval run observed, turn by turn: the raw facts every metric is computed from."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from agent.nodes.respond import EXTRACTIVE_NOTE, LEARNED_NOTE, MIXED_NOTE
from agent.package import HandoffPackage
from agent.state import Citation, TriggerHit
from evals.schema import Case

_MARKER = re.compile(r"\s*\[\d+\]")


class TurnRecord(BaseModel):
    """One shopper message and what the bot did with it."""

    model_config = ConfigDict(extra="forbid")
    n: int
    """1-based turn number."""
    shopper: str
    kind: str
    """The reply kind: answer, acknowledge, handoff, with_human, notice, error."""
    messages: list[str] = []
    citations: list[Citation] = []
    cited_texts: dict[str, str] = {}
    """chunk id -> text of every chunk the answer or the handoff's suggestion cites."""
    confidence: float | None = None
    latency_ms: float
    handoff: HandoffPackage | None = None

    @property
    def answer_text(self) -> str:
        """The answer as the shopper reads it, without citation markers or the source list."""
        body = (self.messages[0] if self.messages else "").split("\n\nSources:", 1)[0]
        for note in (EXTRACTIVE_NOTE, LEARNED_NOTE, MIXED_NOTE):
            body = body.removeprefix(note)
        body = body.strip()
        return _MARKER.sub("", body)

    @property
    def triggers(self) -> list[TriggerHit]:
        return self.handoff.triggers if self.handoff else []


class CaseRecord(BaseModel):
    """A case as played: its turns up to the handoff (later turns are not fed)."""

    model_config = ConfigDict(extra="forbid")
    case: Case
    set_name: str
    turns: list[TurnRecord] = []
    error: str | None = None
    """Set when the runner itself failed on this case (the case still counts)."""

    @property
    def handoff_turn(self) -> int | None:
        return next((t.n for t in self.turns if t.kind == "handoff"), None)

    @property
    def handoff(self) -> HandoffPackage | None:
        return next((t.handoff for t in self.turns if t.handoff is not None), None)

    @property
    def answered(self) -> list[TurnRecord]:
        return [t for t in self.turns if t.kind == "answer"]
