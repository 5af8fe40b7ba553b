"""Health and metrics: ``/healthz`` (the process is alive), ``/readyz`` (the database, the
vector store and the model endpoint, each checked on its own with a short timeout) and
``/metrics`` (Prometheus text; open with ``--dev``, else role ``admin``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from agent.runtime import EscalationAgent
from agent.service.auth import require_role

router = APIRouter(tags=["ops"])

CHECK_TIMEOUT_S = 2.0
"""Each readiness check gets this long (a hung dependency fails its own check only)."""


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive and serving (no dependency is checked)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a dependency failed its check"}})
async def readyz(request: Request) -> JSONResponse:
    """Each dependency checked separately: ``{"status", "checks": {name: {ok, detail, ms}}}``;
    503 when one fails."""
    agent: EscalationAgent = request.app.state.agent
    timeout = float(getattr(request.app.state, "readyz_timeout_s", CHECK_TIMEOUT_S))
    names = ("database", "vector_store", "model")
    results = await asyncio.gather(
        *(_check(fn, agent, timeout) for fn in (_database, _vector_store, _model))
    )
    checks = dict(zip(names, results, strict=True))
    ready = all(c["ok"] for c in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def _check(
    fn: Callable[[EscalationAgent, float], str], agent: EscalationAgent, timeout: float
) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(run_in_threadpool(fn, agent, timeout), timeout)
        ok = True
    except TimeoutError:
        ok, detail = False, f"no answer in {timeout:g} s"
    except Exception as exc:  # noqa: BLE001  (any failure is this check's, reported)
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database(agent: EscalationAgent, _: float) -> str:
    agent.store.search(("readyz",), limit=1)  # a real read of the records store
    where = agent.storage.where if agent.storage is not None else "the store it was given"
    return f"read {where}"


def _vector_store(agent: EscalationAgent, _: float) -> str:
    count = getattr(agent.context.retriever, "count", None)
    if count is None:
        return "a retriever without a count (assumed up)"
    return f"{count()} chunks"


def _model(agent: EscalationAgent, timeout: float) -> str:
    ping = getattr(agent.context.llm, "ping", None)
    if ping is None:
        return f"not configured ({agent.context.llm.name}; no endpoint to check)"
    return str(ping(timeout))


@router.get("/metrics", response_class=Response, dependencies=[Depends(require_role("admin"))])
def metrics(request: Request) -> Response:
    """Prometheus text format. Open with ``--dev``; otherwise an ``admin`` key."""
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
