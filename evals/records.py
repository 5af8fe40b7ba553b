"""What an eval run observed, turn by turn: the raw facts every metric is computed from."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from agent.nodes.respond import EXTRACTIVE_NOTE, LEARNED_NOTE, MIXED_NOTE
from agent.package import HandoffPackage
from agent.state import Citation, TriggerHit
from evals.schema import Case

_MARKER = re.compile(r"\s*\[\d+\]")


class GateRecord(BaseModel):
    """The grounding gate's verdict on the turn's draft, whether it was sent or declined."""

    model_config = ConfigDict(extra="forbid")
    confidence: float
    passed: bool
    declined_by: str | None = None
    """The check that declined the draft, named (None when it passed): the gate's own
    ``declined_by`` when it gives one, else its first (most serious) problem."""
    problems: list[str] = []
    draft: str = ""
    """The draft's sentences as they would have been sent."""
    draft_cited: dict[str, str] = {}
    """chunk id -> text of every chunk the draft cites."""


def declined_by(verdict: dict[str, Any]) -> str | None:
    """Which check declined a draft, from a verdict as the graph state keeps it (a dump of
    agent.grounding's result): its optional ``declined_by`` name with the first problem, else
    the first problem, else the threshold it missed."""
    if verdict.get("passed", True):
        return None
    problems = [str(p) for p in verdict.get("problems") or [] if str(p).strip()]
    named = verdict.get("declined_by")
    if isinstance(named, str) and named.strip():
        detail = next((p for p in problems if p != named), None)
        return f"{named}: {detail}" if detail else named
    if problems:
        return problems[0]
    return (
        f"confidence {float(verdict.get('confidence', 0.0)):.2f} below the threshold "
        f"{float(verdict.get('threshold', 0.0)):.2f}"
    )


class TurnRecord(BaseModel):
    """One shopper message and what the bot did with it."""

    model_config = ConfigDict(extra="forbid")
    n: int
    """1-based turn number."""
    shopper: str
    kind: str
    """The reply kind: answer, acknowledge, decline, handoff, with_human, notice, error."""
    messages: list[str] = []
    citations: list[Citation] = []
    cited_texts: dict[str, str] = {}
    """chunk id -> text of every chunk the answer or the handoff's suggestion cites."""
    confidence: float | None = None
    latency_ms: float
    handoff: HandoffPackage | None = None
    gate: GateRecord | None = None
    """The grounding gate's verdict when a draft was scored this turn."""

    @property
    def declined_by(self) -> str | None:
        return self.gate.declined_by if self.gate else None

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
        """Turns the bot answered itself: answers, and polite declines (answers with no claim)."""
        return [t for t in self.turns if t.kind in ("answer", "decline")]
