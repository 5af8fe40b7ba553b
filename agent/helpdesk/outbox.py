"""The outbox: every handoff is kept until its helpdesk has it, and sent there once.

Queue with :meth:`Outbox.enqueue` (idempotent on the key), send with
:meth:`Outbox.deliver` (one item) or :meth:`Outbox.deliver_due` (all that are
due). Items live in the records store under ``("outbox",)``, so they survive a
restart and, on PostgreSQL, are shared by every runtime process.

Exactly once, in three layers:

1. **A lease** (agent/helpdesk/ledger.py): an item is claimed before it is
   sent, and the claim re-checked just before the request, so a second thread
   or process skips it; after a crash the lease expires and another sender
   takes over.
2. **The same idempotency key on every attempt**: Zendesk (``Idempotency-Key``),
   the webhook (header and event id) and the local inbox (its store key) return
   the first result instead of creating a second ticket. Freshdesk and Gorgias
   have no such key: there each step is recorded the moment the vendor answers.
3. **A delivered item is never sent again**, whatever is called.

Helpdesk failures never raise: transient ones (timeouts, 5xx, 429) are retried
with exponential backoff, honouring Retry-After; permanent ones (401, 403, 404,
422) mark the item failed with the vendor's message, kept for :meth:`retry`.
Each outcome is one log line. A bug in an adapter is recorded, then raised.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from langgraph.store.base import BaseStore
from pydantic import ValidationError

from agent.crash import crash_point
from agent.errors import InputError, PermanentDeliveryError, TransientDeliveryError
from agent.helpdesk.base import Helpdesk, Receipt, utc_now
from agent.helpdesk.item import (
    STATUSES,
    Attempt,
    DeliveryReport,
    OutboxItem,
    Outcome,
    iso,
    parse_time,
    wait_s,
)
from agent.helpdesk.ledger import Ledger, Lock, StoredProgress
from agent.helpdesk.settings import HelpdeskSettings
from agent.package import HandoffPackage

log = logging.getLogger(__name__)


class TicketNotReady(TransientDeliveryError):
    """A comment's ticket is not delivered yet: wait for it without counting a failure."""

    @property
    def rate_limited(self) -> bool:
        return True


class Outbox:
    """Handoffs on their way to one helpdesk."""

    def __init__(
        self,
        store: BaseStore,
        helpdesk: Helpdesk,
        clock: Callable[[], datetime] = utc_now,
        *,
        settings: HelpdeskSettings | None = None,
        lock: Lock | None = None,
        owner: str | None = None,
        settle_s: float = 0.05,
    ) -> None:
        """``lock`` is the storage's cross-process lock (``Storage.lock``), if any;
        ``settle_s`` the pause between claiming an item and re-checking the claim."""
        self.helpdesk = helpdesk
        self.clock = clock
        self.settings = settings or HelpdeskSettings()
        self.ledger = Ledger(store, lock)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.settle_s = settle_s

    def enqueue(
        self,
        package: HandoffPackage,
        key: str | None = None,
        *,
        not_before: datetime | None = None,
    ) -> OutboxItem:
        """Keep ``package`` for delivery; the same key always gives back the same item.

        ``not_before``: hold it until then (an offline ticket waiting for the shopper's
        email); :meth:`revise` releases it early with the completed package.
        """
        key = _checked_key(package.id if key is None else key)
        with self.ledger.locked(key):
            existing = self.ledger.get(key)
            if existing is not None:
                return existing
            now = iso(self._now())
            item = OutboxItem(
                id=key,
                key=key,
                helpdesk=self.helpdesk.name,
                handoff_id=package.id,
                conversation_id=package.conversation_id,
                route=package.route,
                team=package.team,
                created_at=now,
                next_attempt_at=iso(not_before) if not_before else now,
                package=package.model_dump(mode="json"),
            )
            self.ledger.put(item)
        log.info("handoff %s queued for %s", key, self.helpdesk.name)
        return item

    def revise(self, item_id: str, package: HandoffPackage) -> OutboxItem | None:
        """Replace a not-yet-delivered item's package and make it due now (None: nothing to revise)."""
        with self.ledger.locked(item_id):
            item = self.ledger.get(item_id)
            if item is None or item.status == "delivered" or item.leased(self._now()):
                return None
            item = item.model_copy(
                update={
                    "package": package.model_dump(mode="json"),
                    "next_attempt_at": iso(self._now()),
                }
            )
            self.ledger.put(item)
        return item

    def get(self, item_id: str) -> OutboxItem | None:
        return self.ledger.get(item_id)

    def items(self, status: str | None = None) -> list[OutboxItem]:
        """Every item, or those with ``status`` ('pending', 'delivered', 'failed'), oldest first."""
        if status is not None and status not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        return self.ledger.items(status)

    def pending(self) -> list[OutboxItem]:
        return self.ledger.items("pending")

    def retry(self, item_id: str) -> OutboxItem:
        """Make a failed (or waiting) item due now, with a fresh count of failures."""
        with self.ledger.locked(item_id):
            item = self.ledger.get(item_id)
            now = self._now()
            if item is None:
                raise InputError(f"no outbox item {item_id!r}")
            if item.status == "delivered":
                raise InputError(
                    f"{item_id} was already delivered to {item.delivered_to} as {item.external_id}; it is not sent twice"
                )
            if item.leased(now):
                raise InputError(f"{item_id} is being delivered right now by {item.lease_owner}")
            item = item.model_copy(
                update={"status": "pending", "next_attempt_at": iso(now), "failures": 0}
            )
            self.ledger.put(item)
        log.info("handoff %s queued again for %s by hand", item_id, self.helpdesk.name)
        return item

    def due(self) -> list[OutboxItem]:
        """Pending items whose next attempt has come and that no one is sending, longest-waiting first."""
        now = self._now()
        found = [i for i in self.pending() if i.due(now)]
        return sorted(found, key=lambda i: (parse_time(i.next_attempt_at), i.created_at))

    def deliver_due(
        self, limit: int = 20, on_each: Callable[[str, Outcome], None] | None = None
    ) -> DeliveryReport:
        """Send up to ``limit`` due items; ``on_each(item_id, outcome)`` after each (progress bars)."""
        report = DeliveryReport()
        for item in self.due()[:limit]:
            outcome = self.deliver(item.id)
            report.add(item.id, outcome)
            if on_each is not None:
                on_each(item.id, outcome)
        return report

    def deliver(self, item_id: str) -> Outcome:
        """Send one item if it is due and no one else is sending it."""
        item = self.ledger.claim(item_id, self.owner, self._now(), self.settings.lease_s)
        if item is None or not self.ledger.still_ours(item, self.settle_s):
            return "skipped"
        crash_point("delivery_claimed")
        if item.kind == "comment":
            return self._deliver_comment(item)
        try:
            package = HandoffPackage(**item.package)
        except ValidationError as exc:
            return self._refused(item, f"the kept handoff is no longer a valid package: {exc}")
        try:
            receipt = self.helpdesk.deliver(package, item.key, StoredProgress(self.ledger, item))
        except TransientDeliveryError as exc:
            return self._later(item, exc)
        except PermanentDeliveryError as exc:
            return self._refused(item, str(exc))
        except Exception as exc:  # a bug: keep the item, free it, then let it surface
            self._later(item, exc)
            raise
        crash_point("delivery_sent")
        return self._delivered(item, receipt)

    def enqueue_comment(
        self, handoff_id: str, key: str, text: str, *, author: str | None = None
    ) -> OutboxItem | None:
        """Keep a line for the ticket of ``handoff_id`` (idempotent on ``key``): the shopper's,
        or ``author``'s (an agent on our side); None when that handoff was never queued."""
        key = _checked_key(key)
        ticket = self.ledger.get(handoff_id)
        if ticket is None or ticket.kind != "handoff":
            return None
        with self.ledger.locked(key):
            existing = self.ledger.get(key)
            if existing is not None:
                return existing
            now = iso(self._now())
            item = OutboxItem(
                id=key,
                key=key,
                kind="comment",
                text=text,
                author=author,
                helpdesk=self.helpdesk.name,
                handoff_id=handoff_id,
                conversation_id=ticket.conversation_id,
                route=ticket.route,
                team=ticket.team,
                created_at=now,
                next_attempt_at=now,
            )
            self.ledger.put(item)
        whose = "an agent's" if author is not None else "a shopper's"
        log.info("%s line for %s queued as %s", whose, handoff_id, key)
        return item

    def _deliver_comment(self, item: OutboxItem) -> Outcome:
        """Add the line to the ticket; wait (without counting a failure) until there is one."""
        ticket = self.ledger.get(item.handoff_id)
        if ticket is None:
            return self._refused(item, f"its handoff {item.handoff_id} is no longer in the outbox")
        if ticket.status == "failed":
            return self._later(
                item,
                TicketNotReady(f"the ticket for {ticket.id} failed to deliver; waiting for it"),
            )
        if ticket.status != "delivered" or not ticket.external_id:
            return self._later(
                item, TicketNotReady(f"the ticket for {ticket.id} is not delivered yet")
            )
        add = getattr(self.helpdesk, "add_comment", None)
        if add is None:
            return self._refused(item, f"{self.helpdesk.name} cannot add a line to a ticket")
        try:
            by = {"author": item.author} if item.author is not None else {}
            receipt = add(ticket.external_id, item.text or "", item.key, ticket, **by)
        except TransientDeliveryError as exc:
            return self._later(item, exc)
        except PermanentDeliveryError as exc:
            return self._refused(item, str(exc))
        except Exception as exc:  # a bug: keep the item, free it, then let it surface
            self._later(item, exc)
            raise
        return self._delivered(item, receipt)

    def _delivered(self, item: OutboxItem, receipt: Receipt) -> Outcome:
        at = iso(self._now())
        self._release(
            item,
            status="delivered",
            external_id=receipt.external_id,
            external_url=receipt.url,
            delivered_at=at,
            delivered_to=self.helpdesk.name,
            last_error=None,
            history=item.noted(Attempt(at=at, outcome="delivered", detail=receipt.external_id)),
        )
        where = f" ({receipt.url})" if receipt.url else ""
        log.info(
            "handoff %s delivered to %s as %s%s",
            item.id,
            self.helpdesk.name,
            receipt.external_id,
            where,
        )
        return "delivered"

    def _refused(self, item: OutboxItem, reason: str) -> Outcome:
        at = iso(self._now())
        self._release(
            item,
            status="failed",
            last_error=reason,
            history=item.noted(Attempt(at=at, outcome="failed", detail=reason)),
        )
        log.error(
            "handoff %s not accepted by %s: %s; kept as failed: fix the cause, then run `escalate outbox --retry %s`",
            item.id,
            self.helpdesk.name,
            reason,
            item.id,
        )
        return "failed"

    def _later(self, item: OutboxItem, exc: Exception) -> Outcome:
        now = self._now()
        bug = not isinstance(exc, TransientDeliveryError)
        limited = isinstance(exc, TransientDeliveryError) and exc.rate_limited
        failures = item.failures + (0 if limited else 1)
        reason = f"internal error: {exc!r}" if bug else str(exc)
        if failures >= self.settings.max_attempts:
            return self._refused(
                item.model_copy(update={"failures": failures}),
                f"gave up after {failures} failed attempts; last: {reason}",
            )
        wait = wait_s(exc, failures, self.settings)
        when = iso(now + timedelta(seconds=wait))
        outcome: Literal["error", "rate_limited", "retry"] = (
            "error" if bug else "rate_limited" if limited else "retry"
        )
        self._release(
            item,
            failures=failures,
            next_attempt_at=when,
            last_error=reason,
            history=item.noted(Attempt(at=iso(now), outcome=outcome, detail=reason)),
        )
        log.warning(
            "handoff %s not delivered to %s (attempt %d): %s; kept, next attempt at %s (in %ds)",
            item.id,
            self.helpdesk.name,
            item.attempts,
            reason,
            when,
            round(wait),
        )
        return "retrying"

    def _release(self, item: OutboxItem, **changes: object) -> None:
        other = self.ledger.release(item, **changes)
        if other:
            log.warning("handoff %s: lease expired while sending; %s took it over", item.id, other)

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the outbox clock must return timezone-aware datetimes")
        return now


def _checked_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 255:
        raise InputError(
            f"an outbox key must be a non-empty string of at most 255 characters, not {key!r}"
        )
    return key
