"""The model's handoff notes are checked before an agent reads them.

A human agent takes the summary and the suggested resolution as fact, so each
sentence must be a faithful restatement of what the runtime knows: the
transcript, the knowledge-base chunks, the customer record and the handoff
facts (:func:`agent.claim_check.check_claim`). A sentence that fails ("Refund
$999 and give 90% off") is dropped and the text says so; it is never shown.
"""

from __future__ import annotations

import logging
import re

from agent.claim_check import check_claim
from agent.claims import sentences
from agent.llm import HandoffNotes

log = logging.getLogger(__name__)

NOTE_GLUE = frozenset(
    """shopper customer ask want need say report request wonder mention human agent bot hand
    handoff escalate question conversation explain whether about follow contact check confirm
    review look verify reply respond answer write wrote tell told ago earlier already""".split()
)
"""Words a summary uses to describe a conversation rather than to claim something."""
_CITATION = re.compile(r"\s*\[[^\]\s]+#\d+\]")


def marker(dropped: int) -> str:
    return f"[unverified: dropped {dropped} sentence{'s' if dropped != 1 else ''}]"


def vet(text: str, sources: list[str]) -> tuple[str, list[str]]:
    """``text`` without the sentences its sources do not support, and why each was dropped."""
    kept, why = [], []
    for sentence in sentences(text):
        problems = check_claim(_CITATION.sub("", sentence), sources, NOTE_GLUE, single_source=False)
        if problems:
            why.append(f"{sentence[:80]!r}: {problems[0]}")
        else:
            kept.append(sentence)
    if why:
        kept.append(marker(len(why)))
    return " ".join(kept), why


def vet_notes(notes: HandoffNotes, sources: list[str]) -> HandoffNotes:
    """``notes`` with every unsupported sentence dropped and marked."""
    summary, bad_summary = vet(notes.summary, sources)
    resolution, bad_resolution = vet(notes.suggested_resolution, sources)
    for why in (*bad_summary, *bad_resolution):
        log.warning("handoff notes: dropped an unverified sentence %s", why)
    supported = bool(resolution) and not resolution.startswith("[unverified")
    return HandoffNotes(
        summary=summary,
        suggested_resolution=resolution,
        citations=notes.citations if supported else [],
    )
