"""Splitting a message into the questions it asks, each with the context it needs.

"The sweater is tight across the chest. Can I still return it, and should I
size up for the exchange?" asks two things; each is looked up on its own (with
the statement before it, so "it" still means the sweater) and answered on its
own, so neither half crowds the other out of the answer.
"""

from __future__ import annotations

import re

from agent.claims import sentences

MAX_QUESTIONS = 3
_AUX = r"(?:can|could|should|would|will|do|does|did|is|are|was|how|what|when|where|which|who|why)"
_JOIN = re.compile(rf",?\s+(?:and|also|plus|or)\s+(?={_AUX}\b)", re.IGNORECASE)
_LEAD = re.compile(r"^(?:also|and|plus|oh|ok|okay|so)[,\s]+", re.IGNORECASE)


def asked_part(question: str) -> str:
    """A split question without the statements put before it ("Can I still return it")."""
    return question.rsplit(". ", 1)[-1] if ". " in question else question


def split_questions(text: str) -> list[str]:
    """The message's questions (at most three), each prefixed by the statements before it."""
    parts = sentences(text)
    if sum("?" in p for p in parts) == 0:
        return [text.strip()] if text.strip() else []
    context: list[str] = []
    questions: list[str] = []
    for part in parts:
        if "?" not in part:
            if questions:  # a statement after a question explains that question
                questions[-1] = f"{questions[-1]} {part}"
            else:
                context.append(part)
            continue
        for clause in _JOIN.split(part):
            clause = _LEAD.sub("", clause.strip())
            if clause:
                questions.append(" ".join([*context, clause]))
    return questions[:MAX_QUESTIONS] or [text.strip()]
