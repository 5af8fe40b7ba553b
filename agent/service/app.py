"""The ASGI app: one :class:`EscalationAgent`, the routers, errors as JSON.

Routers, one module each (each exposes ``router``):
- ``ops``: ``/healthz``, ``/readyz``, ``/metrics``;
- ``widget``: ``/v1/conversations/...`` for the chat widget (role ``widget``);
- ``agent_api``: ``/v1/agent/...`` for human agents and the CLI's ``--server`` mode (``agent``);
- ``curator_api``: ``/v1/curator/...`` for KB curators (``curator``);
- ``webhooks``: ``/v1/webhooks/{vendor}``, helpdesks calling back (each vendor's signature);
- ``pages``: the server-rendered pages (``/inbox``, ``/review``, ``/chat``, ``/login``);
- ``outcomes``: ``/v1/conversations/{id}/outcomes``, commerce events after a chat (``widget``).

The app's lifespan starts the scheduler (agent/service/scheduler.py: wait updates, outbox
retries, stale waits, retention; one replica per job and interval) and stops it on shutdown.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from agent.service import agent_api, curator_api, errors, ops, outcomes, pages, webhooks, widget
from agent.service.hub import EventHub
from agent.service.jobs import service_jobs
from agent.service.metrics import ServiceMetrics
from agent.service.middleware import ServiceMiddleware
from agent.service.paths import EncodedSlashes
from agent.service.scheduler import Scheduler

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent


def create_app(
    agent: EscalationAgent,
    *,
    dev: bool = False,
    api_keys: dict[str, list[str]] | None = None,
    scheduler: bool = True,
) -> FastAPI:
    """The service around ``agent`` (which the caller opens and closes).

    ``api_keys``: per role, key hashes (``agent.service.auth.hash_key``); defaults to
    ``agent.settings.service.api_keys``. ``dev``: no keys needed (``escalate serve --dev``
    binds to 127.0.0.1 only). ``scheduler``: run the scheduled jobs while the app runs
    (``app.state.scheduler``); off for a process that must not (a benchmark's client side).
    """
    from agent import __version__

    service = agent.settings.service

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.scheduler is not None:
            app.state.scheduler.start()
        try:
            yield
        finally:
            if app.state.scheduler is not None:  # waits for the job in flight, off the loop
                await asyncio.to_thread(app.state.scheduler.stop)

    app = FastAPI(
        title="escalation-agent",
        version=__version__,
        description="Answers shoppers from the knowledge base; hands the rest to a person.",
        lifespan=lifespan,
    )
    app.state.agent = agent
    app.state.settings = agent.settings
    app.state.dev = dev
    app.state.api_keys = dict(service.api_keys if api_keys is None else api_keys)
    app.state.hub = EventHub()
    secret = service.session_secret
    app.state.session_secret = (
        secret.get_secret_value() if secret is not None else secrets.token_urlsafe(32)
    )
    app.state.metrics = ServiceMetrics(agent)
    app.state.scheduler = (
        Scheduler(service_jobs(agent, app.state.hub), agent.store, service.scheduler_interval_s)
        if scheduler
        else None
    )
    errors.install(app)
    app.add_middleware(
        ServiceMiddleware, max_body_bytes=service.max_body_bytes, metrics=app.state.metrics
    )
    for module in (ops, widget, agent_api, curator_api, webhooks, pages, outcomes):
        app.include_router(module.router)
    pages.install(app)  # the pages' session cookie (its role counts for require_role)
    app.add_middleware(EncodedSlashes)  # outermost: an id's %2F stays in its path segment
    return app
