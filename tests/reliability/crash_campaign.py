"""The crash campaign: kill -9 a real runtime process at each named point of each turn path,
start a fresh one, and check that nothing was lost, hidden or doubled.

    python -m tests.reliability.crash_campaign [--postgres URL] [--modes retry,next,notices]

prints the tried / survived / lost table of docs/reliability.md. A scenario is *tried*
when the process died at its point (a point a path never reaches is not counted);
*survived* when, after recovery, every check holds:

- the shopper's message is in the transcript exactly once;
- what that message's turn said to the shopper reached them (the retry's reply, the next
  reply, or ``pending_notices()``), a handoff's notice above all;
- the outbox holds exactly the saved handoff (no orphan, the right question), and the
  inbox exactly one ticket for it.

Recovery modes: ``retry`` (the same message id again), ``next`` (a new message),
``notices`` (the scheduler's ``pending_notices()``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HANDOFF_Q = "My order NW-10482 arrived torn, I want to talk to a person please"
ANSWER_Q = "How much is standard shipping?"
LATER = "Are you still there?"
WITH_HUMAN = "It is the black tee, size M"
PATHS: dict[str, tuple[str, ...]] = {
    "answer": ("accepted", "checkpointed", "answered"),
    "handoff": ("accepted", "in_handoff", "checkpointed", "outbox_written", "answered"),
    "button": ("accepted", "in_handoff", "checkpointed", "outbox_written", "answered"),
    "with_human": ("accepted", "checkpointed", "outbox_written", "answered"),
}
MODES = ("retry", "next", "notices")


@dataclass(frozen=True)
class Scenario:
    path: str
    point: str
    mode: str

    @property
    def cid(self) -> str:
        return f"{self.path}-{self.point}-{self.mode}"

    def crashing_step(self) -> dict[str, Any]:
        if self.path == "button":
            return {"do": "button", "cid": self.cid, "mid": "m1"}
        text = {"answer": ANSWER_Q, "handoff": HANDOFF_Q, "with_human": WITH_HUMAN}[self.path]
        return {"do": "send", "cid": self.cid, "text": text, "mid": "m1"}

    def setup(self) -> list[dict[str, Any]]:
        if self.path == "with_human":
            return [{"do": "send", "cid": self.cid, "text": HANDOFF_Q, "mid": "m0"}]
        return []

    def recovery(self) -> dict[str, Any]:
        if self.mode == "retry":
            return self.crashing_step()
        if self.mode == "next":
            return {"do": "send", "cid": self.cid, "text": LATER, "mid": "m2"}
        return {"do": "notices"}


def run_worker(job: dict[str, Any]) -> tuple[int, Any]:
    env = {k: v for k, v in os.environ.items() if k != "ESCALATE_CRASH_AT"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.crash_worker", json.dumps(job)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode == 0:
        return 0, json.loads(done.stdout.strip().splitlines()[-1])
    if done.returncode != -9:
        raise RuntimeError(f"worker failed ({done.returncode}): {done.stderr[-2000:]}")
    return -9, None


def verdict(s: Scenario, replies: list[dict[str, Any]], seen: dict[str, Any]) -> str | None:
    """None if the scenario survived, else what was lost."""
    turns = seen["transcript"]
    if s.path == "button":
        mine = [i for i, t in enumerate(turns) if t["role"] == "shopper" and t["kind"] == "button"]
    else:
        text = s.crashing_step()["text"]
        mine = [i for i, t in enumerate(turns) if t["role"] == "shopper" and t["text"] == text]
    if len(mine) != 1:
        return f"the message is in the transcript {len(mine)} times"
    said = []
    for t in turns[mine[0] + 1 :]:
        if t["role"] != "bot":
            break
        said.append(t["text"])
    heard = [m for r in replies for m in r.get("messages", [])]
    if any(m not in heard for m in said):
        return "the shopper was never told what the turn said"
    handoff = seen["handoff"]
    expected = [handoff["id"]] if handoff else []
    if sorted(i["id"] for i in seen["outbox"]) != expected:
        return f"outbox {[i['id'] for i in seen['outbox']]} != saved handoff {expected}"
    for item in seen["outbox"]:
        if item["package"] != handoff:
            return "the outbox carries another package than the saved handoff"
    if sorted(seen["tickets"]) != expected:
        return f"tickets {seen['tickets']} != {expected}"
    return None


def isolated(s: Scenario, data_dir: Path, database_url: str | None) -> dict[str, Any]:
    """A database of its own for each scenario (``pending_notices()`` takes every conversation's
    notices, so scenarios running side by side must not share one): a SQLite file, or a
    PostgreSQL schema reached through ``search_path``."""
    base = {"data_dir": str(data_dir / s.cid), "database_url": database_url}
    if database_url:
        import psycopg

        schema = "crash_" + s.cid.replace("-", "_")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        base["database_url"] = f"{database_url}?options=-csearch_path%3D{schema}"
    return base


def run_scenario(s: Scenario, base: dict[str, Any]) -> tuple[Scenario, str]:
    """'survived', 'lost: <why>', or 'not reached'."""
    code, _ = run_worker({**base, "steps": [*s.setup(), s.crashing_step()], "crash_at": s.point})
    if code == 0:
        return s, "not reached"
    steps = [s.recovery(), {"do": "deliver"}, {"do": "inspect", "cid": s.cid}]
    _, (answer, _, seen) = run_worker({**base, "steps": steps})
    replies = (
        [r for r in answer if r["conversation_id"] == s.cid] if s.mode == "notices" else [answer]
    )
    lost = verdict(s, replies, seen)
    return s, "survived" if lost is None else f"lost: {lost}"


def every_scenario(modes: tuple[str, ...] = MODES) -> list[Scenario]:
    return [Scenario(p, pt, m) for p, points in PATHS.items() for pt in points for m in modes]


def one_mode_each() -> list[Scenario]:
    """Each path and point once, the recovery modes taken in turn (the quick run of CI)."""
    pairs = [(p, pt) for p, points in PATHS.items() for pt in points]
    return [Scenario(p, pt, MODES[n % len(MODES)]) for n, (p, pt) in enumerate(pairs)]


def campaign(
    data_dir: Path, database_url: str | None, scenarios: list[Scenario], workers: int = 3
) -> list[tuple[Scenario, str]]:
    with ThreadPoolExecutor(workers) as pool:
        return list(
            pool.map(lambda s: run_scenario(s, isolated(s, data_dir, database_url)), scenarios)
        )


def table(results: dict[str, list[tuple[Scenario, str]]]) -> str:
    """Markdown: one row per backend, crash point and recovery."""
    rows = [
        "| backend | crash point | recovery | tried | survived | lost |",
        "|---|---|---|---|---|---|",
    ]
    for backend, found in results.items():
        by_row: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s, outcome in found:
            if outcome != "not reached":
                by_row[s.point, s.mode].append(outcome)
        points = dict.fromkeys(p for pts in PATHS.values() for p in pts)
        for point in points:
            for mode in MODES:
                got = by_row.get((point, mode))
                if got:
                    ok = sum(o == "survived" for o in got)
                    rows.append(
                        f"| {backend} | `{point}` | {mode} | {len(got)} | {ok} | {len(got) - ok} |"
                    )
    return "\n".join(rows)


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL to test as well")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--quick", action="store_true", help="each path and point once (recovery modes in turn)"
    )
    args = parser.parse_args()
    chosen = one_mode_each() if args.quick else every_scenario(tuple(args.modes.split(",")))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = campaign(Path(tmp) / "sqlite", None, chosen)
        if args.postgres:
            results["PostgreSQL"] = campaign(Path(tmp) / "pg", args.postgres, chosen)
    for backend, found in results.items():
        for s, outcome in found:
            if outcome.startswith("lost"):
                print(f"{backend} {s}: {outcome}", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
