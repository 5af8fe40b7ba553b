"""What a runtime process does in the two-process tests (importable, for the "spawn" context)."""

from __future__ import annotations

from typing import Any

QUESTIONS = [
    "How many days do I have to return unworn items?",
    "How much is standard shipping?",
    "How long does the Aero Buds Pro battery last?",
    "When is my refund issued?",
]


NO_LOOP = {"loop_repeats": 1000}
"""The same few questions come back many times here: that is the test, not a shopper in a loop."""


def message(worker: str, cid: str, i: int) -> str:
    """A distinct message: who sent it, to which conversation, in which order."""
    return f"{QUESTIONS[i % len(QUESTIONS)]} [{worker} {cid} #{i}]"


def warm_up() -> None:
    """Import what a runtime needs once per process, before the first test's clock starts."""
    import agent.runtime  # noqa: F401
    import tests.fakes  # noqa: F401


def serve(
    worker: str,
    data_dir: str,
    database_url: str | None,
    cids: list[str],
    turns: int,
    barrier: Any,
) -> list[str]:
    """Open an EscalationAgent (both processes at once), then send interleaved turns.

    Returns the kinds of the replies, in the order sent.
    """
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever

    barrier.wait(timeout=60)  # both open the (fresh) database at the same moment
    settings = Settings.load(data_dir=data_dir, database_url=database_url, triggers=NO_LOOP)
    kinds: list[str] = []
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        barrier.wait(timeout=60)
        for i in range(turns):
            for cid in cids:
                kinds.append(agent.send(cid, message(worker, cid, i)).kind)
    return kinds
