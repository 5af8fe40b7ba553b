"""One runtime process of the crash campaign: ``python -m tests.reliability.crash_worker JOB``.

JOB (JSON) names the storage, the helpdesk and the steps; before the last step the
worker sets ``ESCALATE_CRASH_AT`` to ``crash_at`` (if given), so the setup steps run
normally and the last one dies at that point. Prints what each step returned, as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from agent.helpdesk.local_inbox import LocalInbox
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.scale.workers import NO_LOOP


def _inspect(agent: EscalationAgent, cid: str) -> dict[str, Any]:
    """What the checks need: the transcript, the saved handoff, outbox items and tickets."""
    seen = agent.conversation(cid)
    items = [i for i in agent.outbox.items() if i.conversation_id == cid]
    tickets = [t for t in LocalInbox(agent.store).tickets() if t.conversation_id == cid]
    return {
        "transcript": [t.model_dump(mode="json") for t in seen.transcript],
        "handoff": seen.handoff.model_dump(mode="json") if seen.handoff else None,
        "outbox": [{"id": i.id, "status": i.status, "package": i.package} for i in items],
        "tickets": [t.id for t in tickets],
    }


def _step(agent: EscalationAgent, step: dict[str, Any]) -> Any:
    do = step["do"]
    if do == "send":
        return agent.send(step["cid"], step["text"], message_id=step["mid"]).model_dump(mode="json")
    if do == "button":
        return agent.request_human(step["cid"], message_id=step["mid"]).model_dump(mode="json")
    if do == "notices":
        return [r.model_dump(mode="json") for r in agent.pending_notices()]
    if do == "deliver":
        return agent.deliver_pending(limit=step.get("limit", 100)).__dict__
    if do == "inspect":
        return _inspect(agent, step["cid"])
    raise ValueError(f"unknown step {do!r}")


def main(job: dict[str, Any]) -> list[Any]:
    settings = Settings.load(
        data_dir=job["data_dir"],
        database_url=job.get("database_url"),
        triggers=NO_LOOP,
        helpdesk=job.get("helpdesk", {"kind": "local"}),
    )
    out = []
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        if job.get("start_at"):  # several workers start their steps together
            time.sleep(max(0.0, job["start_at"] - time.time()))
        steps = job["steps"]
        for n, step in enumerate(steps):
            if n == len(steps) - 1 and job.get("crash_at"):
                os.environ["ESCALATE_CRASH_AT"] = job["crash_at"]  # this process only
            out.append(_step(agent, step))
    return out


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
