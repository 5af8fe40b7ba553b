"""The event log: metric events in the records store, one namespace per UTC day.

``("events", "2026-11-21")`` holds that day's events under the key
``"<type>:<event_id>"``, so a window of seven days reads seven namespaces and
a second write of the same event finds the first and stops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from langgraph.store.base import BaseStore, GetOp, Item, PutOp
from pydantic import ValidationError

from agent.errors import InputError, StorageError
from agent.metrics.events import EVENT, Event, EventType

log = logging.getLogger(__name__)

ROOT = "events"
PAGE = 200
"""Items per store search; the store's default (10) would mean many round trips."""


def day_of(at: datetime) -> str:
    """The namespace label of the UTC day ``at`` falls on."""
    return at.astimezone(UTC).date().isoformat()


class EventLog:
    """Record metric events once each, and read them back by type and time window."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def record(self, event: Event, *, strict: bool = False) -> bool:
        """Keep ``event`` unless its type and id are already kept; True when it was new.

        A store failure is logged and returns False: a lost metric must never
        cost the shopper their turn. ``strict``: raise StorageError instead (a caller
        reporting an outcome must know it was not kept).
        """
        namespace = (ROOT, day_of(event.at))
        try:
            if self.store.get(namespace, event.key) is not None:
                return False
            self.store.put(namespace, event.key, event.model_dump(mode="json"), index=False)
        except Exception as exc:  # the store is some database; whichever way it fails, go on
            if strict:
                raise StorageError(f"metric event {event.key} was not recorded: {exc}") from exc
            log.error("metric event %s (at %s) was not recorded: %s", event.key, event.at, exc)
            return False
        return True

    def record_all(self, events: list[Event]) -> int:
        """:meth:`record` for several events, in one read and one write (a turn's events);
        how many were new. A store failure is logged, as by :meth:`record`."""
        try:
            keys = [((ROOT, day_of(e.at)), e.key) for e in events]
            found = self.store.batch([GetOp(ns, key) for ns, key in keys])
            new = {  # by key: an event given twice is kept once
                key: PutOp(ns, key, e.model_dump(mode="json"), index=False)
                for (ns, key), e, f in zip(keys, events, found, strict=True)
                if not isinstance(f, Item)
            }
            if new:
                self.store.batch(list(new.values()))
        except Exception as exc:  # the store is some database; whichever way it fails, go on
            log.error("metric events %s were not recorded: %s", [e.key for e in events], exc)
            return 0
        return len(new)

    def events(
        self,
        type: EventType | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        """Events with ``since <= at < until`` (either bound optional, both aware), oldest first."""
        for bound in (since, until):
            if bound is not None and bound.tzinfo is None:
                raise InputError("since and until must be timezone-aware datetimes")
        found: dict[str, Event] = {}
        try:
            values = [v for day in self._days(since, until) for v in self._read((ROOT, day), type)]
        except Exception as exc:  # any database's error, named once for the CLI
            raise StorageError(f"reading metric events failed: {exc}") from exc
        for value in values:
            try:
                event = EVENT.validate_python(value)
            except ValidationError:
                log.warning("skipping a malformed metric event: %.200r", value)
                continue
            if (since is None or event.at >= since) and (until is None or event.at < until):
                found.setdefault(event.key, event)  # the same id on two days counts once
        return sorted(found.values(), key=lambda e: (e.at, e.key))

    def _read(self, namespace: tuple[str, ...], type: str | None) -> Iterator[dict]:
        """Page through one day. Events are never updated or deleted, so a write during
        paging only shifts items down a page: one may be read twice (kept once), none missed."""
        offset = 0
        while True:
            page = self.store.search(
                namespace,
                filter={"type": type} if type else None,
                limit=PAGE,
                offset=offset,
            )
            for item in page:
                yield item.value
            if len(page) < PAGE:
                return
            offset += PAGE

    def _days(self, since: datetime | None, until: datetime | None) -> list[str]:
        if since is not None and until is not None:
            if until <= since:
                return []
            first = since.astimezone(UTC).date()
            last = (until - timedelta(microseconds=1)).astimezone(UTC).date()
            return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
        low = day_of(since) if since else date.min.isoformat()
        high = day_of(until) if until else date.max.isoformat()
        return [day for day in self.days() if low <= day <= high]

    def days(self) -> list[str]:
        """Every day that has events, oldest first."""
        days: list[str] = []
        offset = 0
        while True:
            page = self.store.list_namespaces(
                prefix=(ROOT,), max_depth=2, limit=PAGE, offset=offset
            )
            days.extend(ns[1] for ns in page if len(ns) == 2)
            if len(page) < PAGE:
                return sorted(set(days))
            offset += PAGE
