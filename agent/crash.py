"""Named points where the crash tests kill the process (``ESCALATE_CRASH_AT=<point>``).

A test starts a real runtime process with the variable set; when the process reaches that
point it sends itself SIGKILL, as ``kill -9`` or a power cut would, with no clean-up of any
kind. Unset (always, outside tests) a point costs one dictionary lookup.

Turn points: ``accepted`` (the message is in the journal), ``in_handoff`` (the handoff
package is built, nothing of the turn saved), ``checkpointed`` (the turn's state is saved),
``outbox_written`` (the handoff is in the outbox), ``answered`` (the reply is in the
journal, not yet returned). Delivery points: ``delivery_claimed``, ``delivery_sent``.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "accepted",
    "in_handoff",
    "checkpointed",
    "outbox_written",
    "answered",
    "delivery_claimed",
    "delivery_sent",
)


def crash_point(name: str) -> None:
    """Die here, at once, if the crash tests asked for ``name``."""
    if os.environ.get("ESCALATE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
