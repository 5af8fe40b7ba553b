"""Helpdesks that count what they are asked to do."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from agent.errors import TransientDeliveryError
from agent.helpdesk.base import Progress, Receipt
from agent.package import HandoffPackage


class CountingHelpdesk:
    """Takes every handoff (slowly, if asked) and counts each send by key."""

    name = "counting"

    def __init__(self, delay_s: float = 0.0, failures: int = 0) -> None:
        self.delay_s = delay_s
        self.failures = failures
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        time.sleep(self.delay_s)
        with self._lock:
            self.sent.append(key)
            if self.failures:
                self.failures -= 1
                raise TransientDeliveryError("counting: HTTP 503: down", status=503)
        return Receipt(external_id=f"T-{key}")

    def close(self) -> None:
        pass


class FileHelpdesk:
    """Appends each send to a file, so several processes can be counted."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(key + "\n")
        time.sleep(0.01)
        return Receipt(external_id=key)

    def close(self) -> None:
        pass


class BrokenHelpdesk:
    """An adapter with a bug in it."""

    name = "broken"

    def deliver(
        self, package: HandoffPackage, key: str, progress: Progress | None = None
    ) -> Receipt:
        return {"id": 1}["ticket"]  # type: ignore[return-value]

    def close(self) -> None:
        pass
