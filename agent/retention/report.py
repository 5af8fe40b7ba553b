"""What a retention sweep or an erasure found, and did (or would do), per place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Report"]


@dataclass
class Report:
    """Counts per place: ``removed`` items deleted, ``redacted`` items kept with the person cut out."""

    applied: bool
    conversations: list[str] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.conversations or self.removed or self.redacted)

    def lines(self) -> list[str]:
        """One line per place, for the CLI."""
        verb = ("removed", "redacted") if self.applied else ("would remove", "would redact")
        out = [f"conversations (checkpoints): {verb[0]} {len(self.conversations)}"]
        out += [f"{place}: {verb[0]} {n}" for place, n in sorted(self.removed.items())]
        out += [f"{place}: {verb[1]} {n}" for place, n in sorted(self.redacted.items())]
        return out + self.notes

    def as_dict(self) -> dict[str, object]:
        return {"applied": self.applied, "conversations": self.conversations,
                "removed": dict(self.removed), "redacted": dict(self.redacted),
                "notes": self.notes}  # fmt: skip


def place(namespace: tuple[str, ...]) -> str:
    """A namespace as a report names it: ``outbox``, ``inbox``, ``queue_board/handoffs``,
    ``events`` (the day dropped)."""
    return "events" if namespace[0] == "events" else "/".join(namespace)
