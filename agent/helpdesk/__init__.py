"""Helpdesk delivery: every handoff reaches the store's helpdesk, exactly once, or stays queued.

    handoff node --enqueue--> Outbox (records store, ("outbox",))
                                 | deliver / deliver_due (runtime, `escalate outbox --deliver`)
                                 v
                              Helpdesk adapter --> local inbox | Zendesk | Freshdesk | Gorgias | webhook

- settings.py   ``[helpdesk]``: which adapter, its credentials, timeouts and retries
- base.py       the ``Helpdesk`` protocol, ``Receipt``, ``Progress``
- http.py       the one door to vendor APIs: status codes and timeouts become our errors
- ticket.py     subject, tags, priority, requester and internal note from a package
- local_inbox.py, zendesk.py, freshdesk.py, gorgias.py, webhook.py   the adapters
- item.py, ledger.py, outbox.py   the persistent outbox, its lease and retry schedule
- cli.py        ``escalate outbox``
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from langgraph.store.base import BaseStore

from agent.errors import ConfigError
from agent.helpdesk.base import Helpdesk, Receipt, utc_now
from agent.helpdesk.item import DeliveryReport, OutboxItem
from agent.helpdesk.ledger import Lock
from agent.helpdesk.outbox import Outbox
from agent.helpdesk.settings import HelpdeskSettings

__all__ = [
    "DeliveryReport",
    "Helpdesk",
    "HelpdeskSettings",
    "Outbox",
    "OutboxItem",
    "Receipt",
    "make_helpdesk",
    "make_outbox",
]


def make_helpdesk(
    settings: HelpdeskSettings, store: BaseStore, clock: Callable[[], datetime] = utc_now
) -> Helpdesk:
    """The adapter ``settings.kind`` names; builds no client until the first delivery."""
    if settings.kind == "local":
        from agent.helpdesk.local_inbox import LocalInbox

        return LocalInbox(store, clock)
    if settings.kind == "zendesk":
        from agent.helpdesk.zendesk import Zendesk

        return Zendesk(settings)
    if settings.kind == "freshdesk":
        from agent.helpdesk.freshdesk import Freshdesk

        return Freshdesk(settings)
    if settings.kind == "gorgias":
        from agent.helpdesk.gorgias import Gorgias

        return Gorgias(settings)
    if settings.kind == "webhook":
        from agent.helpdesk.webhook import Webhook

        return Webhook(settings, clock)
    raise ConfigError(
        f"helpdesk.kind: unsupported helpdesk {settings.kind!r} (local, zendesk, freshdesk, gorgias, webhook)"
    )


def make_outbox(
    settings: HelpdeskSettings,
    store: BaseStore,
    *,
    lock: Lock | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Outbox:
    """The outbox for the configured helpdesk.

    ``lock=storage.lock`` adds the storage's cross-process lock to each claim. Do not
    pass it to an outbox used while a conversation's ``storage.lock`` is held (inside
    a turn): SQLite's locks are striped flocks, not re-entrant, so a key on the same
    stripe would wait on itself. Without it the lease and its settle pause still
    keep processes apart (tests/helpdesk/test_outbox_processes.py).
    """
    return Outbox(store, make_helpdesk(settings, store, clock), clock, settings=settings, lock=lock)
