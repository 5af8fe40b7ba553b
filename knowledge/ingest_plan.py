"""What an ingest of one source will do, decided before anything is written.

The plan compares the folder with the committed version of its source (and,
once, with documents ingested before named sources existed), and it is where
the guard against an accidental wipe lives: removing more documents than the
limit stops the ingest before any change unless it was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.errors import KnowledgeError
from knowledge.models import Document, LoadProblem, SourceRecord
from knowledge.sources import doc_path, qualified

__all__ = ["Plan", "PruneRefused", "guard", "make_plan"]


class PruneRefused(KnowledgeError):
    """The ingest would remove more documents than allowed; nothing was changed."""

    def __init__(self, source: str, removing: list[str], limit: int) -> None:
        shown = ", ".join(doc_path(d) for d in removing[:5])
        more = f" and {len(removing) - 5} more" if len(removing) > 5 else ""
        super().__init__(
            f"this ingest would remove {len(removing)} documents from source {source!r} "
            f"({shown}{more}), more than the limit of {limit} (knowledge.prune_limit); "
            "nothing was changed. If that is intended, run it again with --prune; "
            "--dry-run shows the whole plan; --source NAME ingests the folder as another source"
        )
        self.source = source
        self.removing = removing


@dataclass
class Plan:
    """Each document's fate; ids are qualified (``source:path``)."""

    added: list[Document] = field(default_factory=list)
    updated: list[Document] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    """Unreadable now, so the committed version stays (doc_id -> fingerprint)."""
    adopted: list[str] = field(default_factory=list)
    """Ids from before sources whose file this source now holds: replaced, not removed."""
    versions: dict[str, str] = field(default_factory=dict)
    """doc_id -> fingerprint of the version this ingest commits."""


def make_plan(
    documents: list[Document],
    problems: list[LoadProblem],
    committed: SourceRecord | None,
    legacy: dict[str, str],
    source: str,
) -> Plan:
    """``documents`` carry qualified ids and fingerprints; ``legacy`` lists ids from before sources."""
    plan = Plan()
    stored = committed.docs if committed else {}
    for doc in documents:
        previous = stored.get(doc.id)
        if previous == doc.sha256:
            plan.unchanged.append(doc.id)
        else:
            (plan.added if previous is None else plan.updated).append(doc)
        plan.versions[doc.id] = doc.sha256
    unreadable = {qualified(source, p.path) for p in problems if not p.refused}
    for doc_id in sorted(set(stored) - set(plan.versions)):
        if doc_id in unreadable:
            plan.kept[doc_id] = stored[doc_id]
            plan.versions[doc_id] = stored[doc_id]
        else:
            plan.removed.append(doc_id)
    plan.adopted = sorted(path for path in legacy if qualified(source, path) in plan.versions)
    return plan


def guard(plan: Plan, source: str, limit: int, prune: bool) -> None:
    """Raise :class:`PruneRefused` when the plan removes more than ``limit`` without ``prune``."""
    if len(plan.removed) > limit and not prune:
        raise PruneRefused(source, plan.removed, limit)
