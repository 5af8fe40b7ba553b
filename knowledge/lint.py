"""`escalate kb lint`: what a curator should fix in a knowledge base before shoppers meet it.

For a KB folder (read and chunked as ingest would, embedded here, nothing written) or for
an ingested store (its chunks as stored), the findings are:

- **internal** (and the ingest flags ``instructions``, ``url``): text written for staff,
  never quoted to a shopper (knowledge.audience gives the section and the reason);
  instruction-like text and links to unknown sites (knowledge.flags);
- **duplicate**: chunks with the same text once case, punctuation and spacing are set
  aside (at least :data:`MIN_DUPLICATE_WORDS` words);
- **near_duplicate**: chunks whose texts' embeddings (without their headings, which would
  make the same words under two headings look apart) have cosine similarity at or above
  the threshold (default :data:`SIMILARITY`): two versions of one answer drifting apart.
  On the bundled sample store the one pair above 0.9 is a care instruction said twice
  ("Keep the cap tightly closed and store it below 25°C" and "Keep the cap closed and
  store below 25°C"); the next is at 0.86. Two texts that differ in their numbers are
  variants of one template (each product's page) or a contradiction (below), not a
  repeat; the pieces of one section (a long table cut into chunks) look alike and are
  not compared either;
- **contradiction**: the same attribute with different values in different documents
  (knowledge.facts says how a fact and its subject are read).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from knowledge.audience import audience_flags, label_document
from knowledge.chunking import chunk_document
from knowledge.documents import load_folder
from knowledge.embeddings import Embedder
from knowledge.facts import conflicts
from knowledge.flags import Screen, chunk_flags
from knowledge.models import Chunk, Flag
from knowledge.store import VectorStore

__all__ = ["Finding", "LintReport", "contradictions", "duplicates", "lint_folder", "lint_store"]

Progress = Callable[[int, int, str], None]
"""(done, total, what): the command's progress bar."""
Kind = Literal["internal", "instructions", "url", "duplicate", "near_duplicate", "contradiction"]
KINDS: tuple[Kind, ...] = (
    "internal",
    "instructions",
    "url",
    "duplicate",
    "near_duplicate",
    "contradiction",
)
SIMILARITY = 0.9
MIN_DUPLICATE_WORDS = 5
_EMBED_BATCH = 64
_BLOCK = 512


class Finding(BaseModel):
    """One thing to look at."""

    model_config = ConfigDict(extra="forbid")
    kind: Kind
    where: str
    """The document (and section) or chunk id."""
    other: str = ""
    """The second chunk of a duplicate or a contradiction."""
    detail: str
    score: float | None = None
    """Cosine similarity of a near-duplicate."""
    served: bool | None = None
    """Whether shoppers can be quoted this text (flags only)."""


class LintReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str
    documents: int
    chunks: int
    similarity: float
    findings: list[Finding] = []
    problems: list[str] = []
    """Files that could not be read (folder mode)."""

    def counts(self) -> dict[str, int]:
        found = Counter(f.kind for f in self.findings)
        return {k: found.get(k, 0) for k in KINDS}


# --- flags ------------------------------------------------------------------------


def _flag_finding(flag: Flag) -> Finding:
    served = flag.kind != "internal" and not flag.withheld
    return Finding(kind=flag.kind, where=flag.doc_id, detail=flag.detail, served=served)


# --- duplicates -------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w\s]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


def _excerpt(text: str, n: int = 80) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 3] + "..."


def duplicates(
    chunks: Sequence[Chunk],
    vectors: Sequence[Sequence[float]],
    similarity: float = SIMILARITY,
    progress: Progress | None = None,
) -> list[Finding]:
    """Exact duplicates (same normalised text) and near-duplicates (cosine >= similarity)."""
    if not 0.0 < similarity <= 1.0:
        raise ValueError(f"similarity must be in (0, 1], got {similarity}")
    findings: list[Finding] = []
    first: dict[str, int] = {}
    exact: set[tuple[int, int]] = set()
    for i, chunk in enumerate(chunks):
        key = _normal(chunk.text)
        if len(key.split()) < MIN_DUPLICATE_WORDS:
            continue
        if key in first:
            j = first[key]
            exact.add((j, i))
            findings.append(
                Finding(
                    kind="duplicate",
                    where=chunks[j].id,
                    other=chunk.id,
                    detail=f"same text: {_excerpt(chunk.text)!r}",
                )
            )
        else:
            first[key] = i
    if not len(chunks):
        return findings
    raw = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    matrix = (raw / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    n = len(chunks)
    for start in range(0, n, _BLOCK):
        block = matrix[start : start + _BLOCK] @ matrix.T
        for row, col in zip(*np.nonzero(block >= similarity), strict=True):
            i, j = start + int(row), int(col)
            a, b = chunks[i], chunks[j]
            if j <= i or (i, j) in exact or _normal(a.text) == _normal(b.text):
                continue
            if a.doc_id == b.doc_id and a.heading == b.heading:
                continue  # one section cut in pieces (a long table): alike, not repeated
            if set(_DIGITS.findall(a.text)) != set(_DIGITS.findall(b.text)):
                continue  # one template, other numbers: variants (or a contradiction, below)
            findings.append(
                Finding(
                    kind="near_duplicate",
                    where=chunks[i].id,
                    other=chunks[j].id,
                    detail=f"{_excerpt(chunks[i].text, 60)!r} ~ {_excerpt(chunks[j].text, 60)!r}",
                    score=round(float(block[row, col]), 4),
                )
            )
        if progress is not None:
            progress(min(start + _BLOCK, n), n, "comparing chunks")
    return findings


# --- contradictions ----------------------------------------------------------------


def contradictions(chunks: Iterable[Chunk]) -> list[Finding]:
    """Facts with one unit and different values, said of the same subject in two documents
    (knowledge.facts)."""
    return [
        Finding(
            kind="contradiction",
            where=a.chunk.id,
            other=b.chunk.id,
            detail=f"{a.shown!r} in {_excerpt(a.sentence)!r} vs {b.shown!r} in {_excerpt(b.sentence)!r}",
        )
        for a, b in conflicts(chunks)
    ]


# --- the two targets --------------------------------------------------------------


def _embed(embedder: Embedder, texts: list[str], progress: Progress | None) -> list[list[float]]:
    vectors: list[list[float]] = []
    for start in range(0, len(texts), _EMBED_BATCH):
        vectors += embedder.embed(texts[start : start + _EMBED_BATCH])
        if progress is not None:
            progress(len(vectors), len(texts), "embedding chunks")
    return vectors


def lint_folder(
    root: Path,
    embedder: Embedder,
    *,
    max_tokens: int = 160,
    audience_globs: dict[str, str] | None = None,
    allowed_hosts: Sequence[str] = (),
    screen: Screen | None = None,
    similarity: float = SIMILARITY,
    progress: Progress | None = None,
) -> LintReport:
    """Lint a KB folder as ingest would read it; nothing is written anywhere."""
    loaded, problems = load_folder(root)
    findings: list[Finding] = []
    chunks: list[Chunk] = []
    for done, doc in enumerate(loaded, 1):
        labelled = label_document(doc, audience_globs or {})
        findings += [_flag_finding(f) for f in audience_flags(labelled)]
        for chunk in chunk_document(labelled, max_tokens):
            chunks.append(chunk)
            findings += [
                _flag_finding(f)
                for f in chunk_flags(chunk, allowed_hosts, screen, serve_instructions=False)
            ]
        if progress is not None:
            progress(done, len(loaded), f"reading {doc.id}")
    vectors = _embed(embedder, [c.text for c in chunks], progress)
    findings += duplicates(chunks, vectors, similarity, progress)
    findings += contradictions(chunks)
    return LintReport(
        target=str(root),
        documents=len(loaded),
        chunks=len(chunks),
        similarity=similarity,
        findings=findings,
        problems=[f"{p.path}: {p.message}" for p in problems],
    )


def lint_store(
    store: VectorStore,
    source: str | None = None,
    *,
    similarity: float = SIMILARITY,
    progress: Progress | None = None,
) -> LintReport:
    """Lint what an ingested store serves: its sources' flags and its chunks (of ``source``
    only when given), embedded again without their headings by the store's embedder."""
    records = store.sources()
    findings = [
        _flag_finding(flag)
        for record in sorted(records.values(), key=lambda r: r.name)
        if source in (None, record.name)
        for flag in record.flags
    ]
    chunks = list(store.kb_chunks(source))
    flagged = {f.where for f in findings if f.kind == "internal"}
    findings += [
        Finding(kind="internal", where=c.id, detail="labelled internal at ingest", served=False)
        for c in chunks
        if c.audience == "internal" and c.doc_id not in flagged
    ]
    vectors = _embed(store.embedder, [c.text for c in chunks], progress)
    findings += duplicates(chunks, vectors, similarity, progress)
    findings += contradictions(chunks)
    return LintReport(
        target=f"source {source}" if source else "the store",
        documents=len({c.doc_id for c in chunks}),
        chunks=len(chunks),
        similarity=similarity,
        findings=findings,
    )
