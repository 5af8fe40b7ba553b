"""Named points where a test may kill this process (kill -9), to prove no crash window loses
anything. Set ``ESCALATE_TEST_KILL_AT`` to a point's name; unset, a point costs one dict lookup."""

from __future__ import annotations

import os
import signal

ENV = "ESCALATE_TEST_KILL_AT"


def crash_point(name: str) -> None:
    """SIGKILL this process here when the test hook names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
