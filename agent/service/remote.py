"""``escalate kb review`` and ``kb learned`` with ``--server``: the curator API, printed as
the local commands print (agent/learning/cli.py)."""

from __future__ import annotations

import json
from urllib.parse import quote

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agent.errors import EscalationError
from agent.service.client import ServiceClient, proposal_path


def remote_review(
    client: ServiceClient,
    console: Console,
    *,
    approve: str | None,
    reject: str | None,
    reason: str | None,
    answer: str | None,
    question: str | None,
    override_flags: bool,
    curator: str,
    as_json: bool,
) -> None:
    if approve:
        edited = answer is not None or question is not None
        body = {
            "curator": curator,
            "override_flags": override_flags,
            "reason": reason,
            **({"answer": answer, "question": question} if edited else {}),
        }
        client.post(proposal_path(approve, "edit" if edited else "approve"), body)
        console.print(f"approved {escape(approve)}: it is retrieved from now on")
        return
    if reject:
        done = client.post(proposal_path(reject, "reject"), {"curator": curator, "reason": reason})
        console.print(f"rejected {escape(reject)}: {escape(done['proposal'].get('reason') or '')}")
        return
    pending = client.get("/v1/curator/proposals", status="pending")["proposals"]
    if as_json:
        console.print_json(json.dumps(pending))
        return
    if not pending:
        console.print("nothing to review")
        return
    table = Table("id", "question", "answer", "from", "flags")
    for p in pending:
        source = p["sources"][0] if p.get("sources") else {}
        table.add_row(
            escape(p["id"]),
            escape(p["question"][:60]),
            escape(p["answer"][:60]),
            escape(f"{source.get('agent', '?')} ({len(p.get('sources', []))})"),
            str(len(p["flags"])) if p.get("flags") else "",
        )
    console.print(table)
    console.print(f"{len(pending)} pending; decide with --approve ID or --reject ID --reason ...")


def remote_learned(
    client: ServiceClient,
    console: Console,
    *,
    revoke: str | None,
    reason: str | None,
    sync: bool,
    audit: bool,
    curator: str,
    as_json: bool,
) -> None:
    if sync:
        raise EscalationError(
            "--sync works on the store itself; run it without --server where the store is"
        )
    if revoke:
        client.post(
            f"/v1/curator/learned/{quote(revoke, safe='')}/revoke",
            {"curator": curator, "reason": reason},
        )
        console.print(f"revoked {escape(revoke)}: no longer retrieved")
        return
    if audit:
        entries = client.get("/v1/curator/audit")["audit"]
        if as_json:
            console.print_json(json.dumps(entries))
            return
        table = Table("when", "who", "what", "proposal", "note")
        for e in entries:
            table.add_row(
                *(
                    escape(str(e.get(k) or ""))
                    for k in ("at", "who", "action", "proposal_id", "note")
                )
            )
        console.print(table)
        return
    approved = client.get("/v1/curator/learned")["learned"]
    if as_json:
        console.print_json(json.dumps(approved))
        return
    table = Table("id", "question", "answer", "provenance")
    for p in approved:
        table.add_row(
            *(escape(x) for x in (p["id"], p["question"][:50], p["answer"][:60], p["provenance"]))
        )
    console.print(table if approved else "no approved learned answers yet")
