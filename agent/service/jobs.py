"""The service's scheduled jobs (agent/service/scheduler.py runs them, one replica each).

- ``wait_updates``: the second wait update for shoppers waiting two minutes or more
  (``agent.due_updates()`` puts it in their feed; the widgets streaming in this process are
  woken through ``app.state.hub``; others see it on their next read of the feed);
- ``outbox``: handoffs due to a helpdesk (retries after an outage, held offline tickets);
- ``stale_waits``: the queue board forgets handoffs nobody waits on (agent/ops/stale.py);
- ``retention``: once a day, when ``retention_days`` is set (agent/retention/sweep.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from agent.ops.stale import sweep_stale
from agent.service.scheduler import Job

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent
    from agent.service.hub import EventHub

log = logging.getLogger(__name__)

DAY_S = 86_400.0


def wait_updates(agent: EscalationAgent, hub: EventHub) -> int:
    replies = agent.due_updates()
    for reply in replies:
        text = reply.messages[0] if reply.messages else ""
        hub.publish(reply.conversation_id, {"kind": "wait_update", "text": text})
    return len(replies)


def stale_waits(agent: EscalationAgent) -> dict[str, int]:
    def lookup(cid: str) -> dict | None:
        return agent.graph.get_state({"configurable": {"thread_id": cid}}).values or None

    counts = sweep_stale(agent.board, lookup)
    if counts:
        log.info("stale waits retired: %s", counts)
    return counts


def service_jobs(agent: EscalationAgent, hub: EventHub) -> list[Job]:
    jobs = [
        Job("wait_updates", lambda: wait_updates(agent, hub)),
        Job("outbox", agent.deliver_pending),
        Job("stale_waits", lambda: stale_waits(agent)),
    ]
    if agent.settings.retention_days:
        jobs.append(Job("retention", agent.apply_retention, every_s=DAY_S, max_run_s=3600.0))
    return jobs
