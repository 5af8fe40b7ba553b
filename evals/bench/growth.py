"""Database bytes per turn as one conversation grows: flat when checkpoints are pruned.

One conversation of ``turns`` turns through the runtime; after each turn the SQLite WAL is
folded into the file (``wal_checkpoint(TRUNCATE)``), so the file's size is what the database
holds, free pages included. The figure is the bytes added per turn late in the conversation
÷ early in it: 1 when a turn costs the same at turn 200 as at turn 10; it grows with the
conversation's length when every checkpoint keeps the whole state. (Both are counted as at
least one page over the window: growth below a page is flat, not zero.)
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["FIRST", "conversation_growth"]

FIRST = 10
"""The early window starts here: past the first writes that create tables and indexes."""


def conversation_growth(
    agent: Any, questions: list[str], turns: int = 200, tick: Callable[[], None] | None = None
) -> dict[str, Any]:
    """File size after every turn of one long conversation, and the late ÷ early ratio."""
    conn = getattr(agent.graph.checkpointer, "conn", None)
    if conn is None or turns < 4 * FIRST:
        return {}
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])

    def size() -> int:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return os.path.getsize(path)

    sizes = [size()]
    for question in itertools.islice(itertools.cycle(questions), turns):
        agent.send("bench-long", question)
        sizes.append(size())
        if tick is not None:
            tick()
    # two windows as long as they can be (the file grows by whole pages: long windows average
    # that out): turns FIRST..half and the same number of turns up to the last
    span = turns // 2 - FIRST
    early = (sizes[FIRST + span] - sizes[FIRST]) / span
    late = (sizes[turns] - sizes[turns - span]) / span
    floor = conn.execute("PRAGMA page_size").fetchone()[0] / span  # the file grows by pages
    return {
        "turns": turns,
        "early": [FIRST, FIRST + span],
        "late": [turns - span, turns],
        "early_bytes_per_turn": round(early),
        "late_bytes_per_turn": round(late),
        "ratio": round(max(late, floor) / max(early, floor), 3),
        "total_kb": round(sizes[-1] / 1024, 1),
        "checkpoints_kept": conn.execute(
            "SELECT count(*) FROM checkpoints WHERE thread_id = ?", ("bench-long",)
        ).fetchone()[0],
    }
