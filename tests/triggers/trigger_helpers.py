"""Helpers for the trigger tests: build contexts and transcripts tersely."""

from __future__ import annotations

from typing import Any

from agent.settings import TriggerSettings
from agent.state import Turn
from agent.triggers import TriggerContext, TriggerResult, detect

AT = "2026-01-01T10:00:00Z"


def turn(role: str, text: str, kind: str = "message") -> Turn:
    """One transcript line at a fixed time."""
    return Turn(role=role, text=text, at=AT, kind=kind)  # type: ignore[arg-type]


def chat(*lines: tuple[str, str]) -> list[Turn]:
    """A transcript from (role, text) pairs."""
    return [turn(role, text) for role, text in lines]


def run(message: str, settings: TriggerSettings | None = None, **fields: Any) -> TriggerResult:
    """detect() on one message with default settings unless given."""
    return detect(TriggerContext(message=message, **fields), settings or TriggerSettings())


def kinds(message: str, settings: TriggerSettings | None = None, **fields: Any) -> list[str]:
    """The kinds of every hit, in order."""
    return [hit.kind for hit in run(message, settings, **fields).hits]
