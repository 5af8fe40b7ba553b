"""Forget a person (a data-protection erasure request): their conversations, and every record
that names them, everywhere the agent keeps data.

- conversations: every checkpoint, write and blob deleted;
- outbox items, local-inbox tickets, queue-board entries, metric events: deleted;
- learned answers (proposals and the audit log): kept, because the answer is scrubbed shop
  knowledge a curator approved, but their link to the person goes: the conversation and
  handoff ids become ``erased``, and the email and name, wherever they appear, ``[erased]``.
  An approved answer's chunk in the vector store is rewritten with the new provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from agent.errors import InputError
from agent.retention.checkpoints import Thread, threads
from agent.retention.compact import compact
from agent.retention.records import KEPT_REDACTED, all_items, mentions, redacted, under
from agent.retention.report import Report, place

__all__ = ["Target", "forget"]

Lock = Callable[[str], AbstractContextManager[object]]


@dataclass
class Target:
    """Who to forget: what identifies their records, and what is cut out of kept ones."""

    ids: set[str] = field(default_factory=set)
    """Conversation and handoff ids."""
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


def forget(
    checkpointer: BaseCheckpointSaver,
    store: BaseStore,
    *,
    customer: str | None = None,
    conversation: str | None = None,
    apply: bool = True,
    lock: Lock = lambda cid: nullcontext(),
    vectors: Any = None,
) -> Report:
    """Erase one customer (by email) or one conversation; report what went, per place."""
    if bool(customer) == bool(conversation):
        raise InputError("forget needs exactly one of a customer's email or a conversation id")
    email = (customer or "").strip()
    if customer is not None and "@" not in email:
        raise InputError(f"{customer!r} is not an email address")
    found = [t for t in threads(checkpointer) if _belongs(t, email, conversation)]
    target = _target(found, email, conversation)
    report = Report(applied=apply, conversations=sorted({t.thread_id for t in found}))
    if apply:
        for cid in report.conversations:
            with lock(cid):
                checkpointer.delete_thread(cid)
    learned = _records(store, target, report, apply)
    if apply and learned:
        report.notes.append(_rewrite_learned(vectors, learned))
    if apply and not report.empty:
        report.notes.append(compact(checkpointer))
    return report


def _belongs(thread: Thread, email: str, conversation: str | None) -> bool:
    if conversation is not None:
        return thread.thread_id == conversation
    wanted = email.casefold()
    values = thread.values
    given = [(values.get("customer") or {}).get("email") or ""]
    given += (values.get("extracted") or {}).get("emails") or []
    lines = [str(line.get("text", "")) for line in values.get("transcript") or []]
    return any(e.casefold() == wanted for e in given) or any(wanted in t.casefold() for t in lines)


def _target(found: list[Thread], email: str, conversation: str | None) -> Target:
    target = Target(emails={email} if email else set())
    target.ids |= {conversation} if conversation else set()
    for thread in found:
        values = thread.values
        target.ids.add(thread.thread_id)
        for key in ("handoff", "resolution"):
            hid = (values.get(key) or {}).get("id") or (values.get(key) or {}).get("handoff_id")
            target.ids |= {hid} if hid else set()
        customer = values.get("customer") or {}
        target.emails |= {customer["email"]} if customer.get("email") else set()
        target.names |= {customer["name"]} if customer.get("name") else set()
        target.emails |= set((values.get("extracted") or {}).get("emails") or [])
    return target


def _records(store: BaseStore, target: Target, report: Report, apply: bool) -> list[dict]:
    """Delete or redact every record that names the target; the redacted proposals' values."""
    learned: list[dict] = []
    for item in all_items(store):
        if not mentions(item, target.ids, target.emails):
            continue
        namespace = tuple(item.namespace)
        if under(namespace, KEPT_REDACTED):
            report.redacted[place(namespace)] += 1
            value = redacted(item.value, target.ids, target.emails | target.names)
            if apply:
                store.put(namespace, item.key, value, index=False)
            if namespace[-1] == "proposals" and value.get("status") == "approved":
                learned.append(value)
        else:
            report.removed[place(namespace)] += 1
            if apply:
                store.delete(namespace, item.key)
    return learned


def _rewrite_learned(vectors: Any, learned: list[dict]) -> str:
    """The approved answers' chunks again, with provenance that no longer names the person."""
    ids = ", ".join(str(v.get("id")) for v in learned)
    if vectors is None:
        return f"vector store not open: the chunks of learned answers {ids} keep the old provenance"
    from agent.learning.book import Proposal
    from agent.learning.curation import learned_chunk

    try:
        for value in learned:
            chunk = learned_chunk(Proposal(**value))
            vectors.replace_document(
                chunk.doc_id, [chunk], vectors.embedder.embed([chunk.embed_text])
            )
    except Exception as exc:  # noqa: BLE001 - the records are erased; say what is left
        return f"vector store not rewritten ({exc}): learned answers {ids} keep the old provenance"
    return f"vector store: {len(learned)} learned answers rewritten without the link"
