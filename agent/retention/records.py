"""The records store (LangGraph's ``BaseStore``) seen whole: every item, what it is about, and
how old it is, for the retention sweep and for forgetting a person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import BaseStore, Item

__all__ = [
    "JOURNAL",
    "KEPT_REDACTED",
    "PERSONAL",
    "all_items",
    "mentions",
    "record_time",
    "redacted",
]

_PAGE = 200

PERSONAL: tuple[tuple[str, ...], ...] = (("outbox",), ("inbox",), ("queue_board", "handoffs"))
"""Namespaces whose items are one handoff each (the package: transcript, customer, orders)."""
JOURNAL: tuple[tuple[str, ...], ...] = (
    ("journal",),
    ("journal_open",),
    ("notices",),
    ("feed",),
    ("webhook_events",),
    ("ticket_lines",),
)
"""Namespaces of the message journal (agent/journal.py), the shopper's feed (agent/feed.py)
and the helpdesk sync's records (agent/helpdesk/inbound/sync.py: events taken, fingerprints
of the lines we added to tickets): one item per message or event; they go with their
conversation, or when they are old."""
KEPT_REDACTED: tuple[tuple[str, ...], ...] = (("learning",),)
"""Curated knowledge (proposals, audit log): a person's identifiers are cut out, the rest kept."""
_TIME_FIELDS = ("updated_at", "created_at", "at", "opened_at", "picked_up_at", "closed_at")


def all_items(store: BaseStore) -> Iterator[Item]:
    """Every item once, namespace by namespace (read a page ahead of any deletes)."""
    for namespace in store.list_namespaces(limit=1_000_000):
        items: list[Item] = []
        offset = 0
        while True:
            page = store.search(namespace, limit=_PAGE, offset=offset)
            items += [i for i in page if tuple(i.namespace) == tuple(namespace)]
            if len(page) < _PAGE:
                break
            offset += _PAGE
        yield from items


def under(namespace: tuple[str, ...], roots: tuple[tuple[str, ...], ...]) -> bool:
    return any(namespace[: len(root)] == root for root in roots)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def mentions(item: Item, ids: set[str], words: set[str]) -> bool:
    """True when a field of ``item`` is one of ``ids`` (conversation or handoff ids), or its
    key starts with one, or any text contains one of ``words`` (an email), case-insensitively."""
    if any(item.key == i or item.key.startswith(f"{i}:") or f":{i}:" in item.key for i in ids):
        return True
    lowered = [w.casefold() for w in words if w]
    for text in _strings(item.value):
        if text in ids or any(w in text.casefold() for w in lowered):
            return True
    return False


def redacted(value: Any, ids: set[str], words: set[str]) -> Any:
    """``value`` with every id and word replaced by ``[erased]`` (an id field that was
    exactly an id becomes ``"erased"``)."""
    if isinstance(value, dict):
        return {k: redacted(v, ids, words) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v, ids, words) for v in value]
    if not isinstance(value, str):
        return value
    if value in ids:
        return "erased"
    for needle in sorted(ids | {w for w in words if w}, key=len, reverse=True):
        value = _replace_folded(value, needle, "[erased]")
    return value


def _replace_folded(text: str, needle: str, by: str) -> str:
    start, lowered, found = 0, text.casefold(), needle.casefold()
    if len(lowered) != len(text):  # casefold changed lengths (ß...): exact matches only
        return text.replace(needle, by)
    out = []
    while (at := lowered.find(found, start)) >= 0:
        out += [text[start:at], by]
        start = at + len(needle)
    return "".join(out) + text[start:]


def record_time(item: Item) -> datetime:
    """When the record last changed: the latest of its own time fields (the runtime's clock),
    else the store's."""
    value = item.value if isinstance(item.value, dict) else {}
    times = [_parsed(value.get(name)) for name in _TIME_FIELDS]
    known = [t for t in times if t is not None]
    return max(known) if known else _aware(item.updated_at)


def _parsed(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return _aware(datetime.fromisoformat(raw))
    except ValueError:
        return None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
