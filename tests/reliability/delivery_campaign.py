"""Delivery faults against a fake helpdesk on 127.0.0.1, with real processes:

    python -m tests.reliability.delivery_campaign [--postgres URL] [--runs N]

prints the tried / survived / lost table of docs/reliability.md's "Delivery" section.
A handoff *survived* when the helpdesk holds exactly one ticket for it; *lost* counts
handoffs with no ticket or with more than one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.helpdesk import make_outbox
from agent.helpdesk.settings import HelpdeskSettings
from agent.storage import Storage, sqlite_storage
from tests.helpdesk.conftest import make_package
from tests.reliability.crash_campaign import run_worker
from tests.reliability.fake_helpdesk import FakeHelpdesk, serving


def vendor(kind: str, url: str, **limits: Any) -> dict[str, Any]:
    """``[helpdesk]`` for the fake: Freshdesk or Gorgias at ``url``."""
    section = {
        "freshdesk": {"freshdesk": {"domain": "acme", "api_key": "fd-key"}},
        "gorgias": {"gorgias": {"domain": "acme", "email": "bot@acme.test", "api_key": "gk"}},
    }[kind]
    return {"kind": kind, "base_url": url, **section, **limits}


def open_storage(data_dir: Path, database_url: str | None) -> Storage:
    if database_url:
        from agent.storage_postgres import postgres_storage

        return postgres_storage(database_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_storage(str(data_dir / "conversations.sqlite"))


def queue(storage: Storage, helpdesk: dict[str, Any], n: int, prefix: str) -> list[str]:
    outbox = make_outbox(HelpdeskSettings(**helpdesk), storage.store)
    return [outbox.enqueue(make_package(id=f"HO-{prefix}{i:04d}")).id for i in range(n)]


def tally(fake: FakeHelpdesk, ids: list[str], ref: Any) -> tuple[int, int, int]:
    """(tried, survived, lost): a handoff survives with exactly one ticket."""
    got = fake.created()
    ok = sum(got[ref(i)] == 1 for i in ids)
    return len(ids), ok, len(ids) - ok


def freshdesk_ref(handoff_id: str) -> str:
    return handoff_id.lower().replace("-", "_")


def gorgias_ref(handoff_id: str) -> str:
    return handoff_id.lower()


def two_deliverers(data_dir: Path, database_url: str | None, n: int = 20) -> tuple[int, int, int]:
    """Two processes run ``deliver_pending()`` at the same moment over ``n`` handoffs."""
    fake = FakeHelpdesk(delay_s=0.02)
    with serving(fake) as url:
        helpdesk = vendor("freshdesk", url, timeout_s=2, lease_s=6)
        storage = open_storage(data_dir, database_url)
        ids = queue(storage, helpdesk, n, f"{time.time_ns() % 10**6:06d}")
        storage.close()
        job = {"data_dir": str(data_dir), "database_url": database_url, "helpdesk": helpdesk}
        job |= {"steps": [{"do": "deliver"}], "start_at": time.time() + 12}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            codes = [c for c, _ in pool.map(run_worker, [job, job])]
        assert codes == [0, 0], codes
        return tally(fake, ids, freshdesk_ref)


def answered_too_late(data_dir: Path, kind: str, n: int = 8) -> tuple[int, int, int]:
    """The vendor creates each ticket but answers after our timeout; the retry must find it."""
    fake = FakeHelpdesk(mode="late", late_s=1.0)
    with serving(fake) as url:
        helpdesk = vendor(kind, url, timeout_s=0.4, lease_s=2, backoff_s=1)
        storage = open_storage(data_dir, None)
        ids = queue(storage, helpdesk, n, kind[:2].upper())
        outbox = make_outbox(HelpdeskSettings(**helpdesk), storage.store)
        first = outbox.deliver_due(limit=n)
        assert len(first.retrying) == n, first.summary()  # every answer came too late
        fake.mode = "ok"
        time.sleep(1.1)  # the backoff
        second = outbox.deliver_due(limit=n)
        assert len(second.delivered) == n, second.summary()
        storage.close()
        return tally(fake, ids, freshdesk_ref if kind == "freshdesk" else gorgias_ref)


def killed_while_delivering(
    data_dir: Path, database_url: str | None, point: str, kind: str = "freshdesk"
) -> tuple[int, int, int]:
    """A deliverer is killed at ``point``; another takes over once the lease has run out."""
    fake = FakeHelpdesk()
    with serving(fake) as url:
        helpdesk = vendor(kind, url, timeout_s=1, lease_s=3)
        storage = open_storage(data_dir, database_url)
        ids = queue(storage, helpdesk, 1, f"K{time.time_ns() % 10**6:06d}")
        storage.close()
        job = {"data_dir": str(data_dir), "database_url": database_url, "helpdesk": helpdesk}
        code, _ = run_worker({**job, "steps": [{"do": "deliver"}], "crash_at": point})
        assert code == -9, f"the deliverer did not reach {point}"
        time.sleep(3.2)  # the dead deliverer's lease runs out
        code, _ = run_worker({**job, "steps": [{"do": "deliver"}]})
        ref = freshdesk_ref if kind == "freshdesk" else gorgias_ref
        return tally(fake, ids, ref)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL to test as well")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = ["| fault | backend | tried | survived | lost |", "|---|---|---|---|---|"]
    backends = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])

    def add(fault: str, backend: str, found: list[tuple[int, int, int]]) -> None:
        tried, ok, lost = (sum(x) for x in zip(*found, strict=True))
        rows.append(f"| {fault} | {backend} | {tried} | {ok} | {lost} |")

    with tempfile.TemporaryDirectory() as tmp:
        for name, url in backends:
            runs = [two_deliverers(Path(tmp) / f"two{r}", url) for r in range(args.runs)]
            add(f"two deliverers at once ({args.runs} runs x 20)", name, runs)
            for point in ("delivery_claimed", "delivery_sent"):
                found = [
                    killed_while_delivering(Path(tmp) / f"{point}{r}", url, point)
                    for r in range(args.runs)
                ]
                add(f"kill -9 at `{point}`", name, found)
        for kind in ("freshdesk", "gorgias"):
            found = [
                answered_too_late(Path(tmp) / f"late-{kind}{r}", kind) for r in range(args.runs)
            ]
            add(f"{kind} answers after the timeout ({args.runs} runs x 8)", "SQLite", found)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
