"""Agents on SQLite and on the real PostgreSQL server, for the retention tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)

RETURNS = "How many days do I have to return unworn items?"
SHIPPING = "How much is standard shipping?"
NO_LOOP = {"loop_repeats": 1000}


class Clock:
    """A clock the test moves: conversations can be made old without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


MakeAgent = Callable[..., EscalationAgent]


@pytest.fixture(params=["sqlite", "postgres"])
def make_agent(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeAgent]:
    """``make_agent(clock=None, **settings)``: an agent on this test's database (closed after)."""
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    opened: list[EscalationAgent] = []

    def make(clock: Clock | None = None, **overrides: object) -> EscalationAgent:
        settings = Settings.load(data_dir=tmp_path / "data", database_url=url, triggers=NO_LOOP,
                                 **overrides)  # fmt: skip
        kwargs = {"clock": clock} if clock is not None else {}
        agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), **kwargs)
        opened.append(agent)
        return agent

    yield make
    for agent in opened:
        agent.close()
