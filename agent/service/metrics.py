"""The service's Prometheus metrics, in a registry of its own (one per app, so two apps in
one process, as in the tests, never share counters).

Counted as they happen: turns by reply kind, handoffs by trigger and queue, turn latency,
HTTP request latency by route template and status. Read at scrape time: the outbox's depth
and the model's calls and tokens (``agent.context.llm.usage``, kept by ``agent/llm.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from agent.reply import BotReply
    from agent.runtime import EscalationAgent

log = logging.getLogger(__name__)

TURN_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ServiceMetrics:
    def __init__(self, agent: EscalationAgent) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter(
            "escalate_turns", "Shopper turns the service ran, by reply kind.", ["kind"], registry=r
        )
        self.handoffs = Counter(
            "escalate_handoffs",
            "Handoffs the service made, by first trigger and queue.",
            ["trigger", "queue"],
            registry=r,
        )
        self.turn_seconds = Histogram(
            "escalate_turn_seconds",
            "Time to run one shopper turn (message or button), in seconds.",
            buckets=TURN_BUCKETS,
            registry=r,
        )
        self.http_seconds = Histogram(
            "escalate_http_request_seconds",
            "HTTP request latency, by method, route template and status.",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        r.register(_AtScrape(agent))

    def turn(self, reply: BotReply | dict[str, Any], seconds: float) -> None:
        """Count one turn; ``reply`` as a BotReply or its JSON (the stream's ``done``)."""
        data = reply if isinstance(reply, dict) else None
        kind = data.get("kind", "unknown") if data is not None else reply.kind  # type: ignore[union-attr]
        self.turns.labels(kind=str(kind)).inc()
        self.turn_seconds.observe(seconds)
        if kind != "handoff":
            return
        if data is not None:
            package = data.get("handoff") or {}
            triggers = [t.get("kind") for t in package.get("triggers") or []]
            queue = package.get("route")
        else:
            handoff = reply.handoff  # type: ignore[union-attr]
            triggers = [t.kind for t in handoff.triggers] if handoff else []
            queue = handoff.route if handoff else None
        self.handoffs.labels(
            trigger=str(triggers[0] if triggers else "none"), queue=str(queue or "none")
        ).inc()


class _AtScrape(Collector):
    """Values that live elsewhere, read when Prometheus scrapes."""

    def __init__(self, agent: EscalationAgent) -> None:
        self.agent = agent

    def describe(self) -> list[Metric]:
        return []  # computed at scrape time; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        outbox = GaugeMetricFamily(
            "escalate_outbox_items",
            "Handoffs in the outbox not yet delivered to the helpdesk, by status.",
            labels=["status"],
        )
        try:
            items = self.agent.outbox.items()
        except Exception:  # noqa: BLE001  (a scrape never fails because the store did)
            log.warning("outbox depth not read", exc_info=True)
        else:
            for status in ("pending", "failed"):
                outbox.add_metric([status], sum(1 for i in items if i.status == status))
        yield outbox
        usage = self.agent.context.llm.usage
        calls = CounterMetricFamily(
            "escalate_llm_calls", "Model calls by purpose (this process).", labels=["purpose"]
        )
        for purpose, n in sorted(dict(usage.by_purpose).items()):
            calls.add_metric([purpose], n)
        yield calls
        tokens = CounterMetricFamily(
            "escalate_llm_tokens", "Model tokens spent (this process).", labels=["kind"]
        )
        tokens.add_metric(["prompt"], usage.prompt_tokens)
        tokens.add_metric(["completion"], usage.completion_tokens)
        yield tokens
