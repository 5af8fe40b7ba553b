"""A background deliverer: ``deliver_pending()`` every few seconds, in a daemon thread.

For a runtime with no scheduler of its own (``EscalationAgent.start_delivery()``). Several
processes may each run one: the outbox's database lease keeps every item to one sender.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Deliverer:
    """Calls ``deliver`` every ``every_s`` seconds until :meth:`stop`."""

    def __init__(self, deliver: Callable[[], object], every_s: float = 5.0) -> None:
        if every_s <= 0:
            raise ValueError("every_s must be more than 0")
        self._deliver, self.every_s = deliver, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="escalate-deliverer", daemon=True)

    def start(self) -> Deliverer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the round in flight (waits for it at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._deliver()
            except Exception:  # noqa: BLE001 - one bad round must not end delivery
                log.exception("a delivery round failed; trying again in %gs", self.every_s)
            self._stop.wait(self.every_s)
