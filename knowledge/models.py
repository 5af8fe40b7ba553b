"""The knowledge base's data, as it crosses module boundaries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

DocFormat = Literal["md", "txt", "html", "json", "csv"]
Audience = Literal["shopper", "internal"]
"""Who a text is written for; internal text is never quoted to a shopper (knowledge.audience)."""


class Section(BaseModel):
    """A run of text under one heading path (``["Returns", "Exchanges"]``)."""

    model_config = ConfigDict(extra="forbid")
    heading_path: list[str] = []
    text: str
    audience: Audience = "shopper"
    """Set at ingest (knowledge.audience.label_document)."""


class Document(BaseModel):
    """One file of a KB folder; its id is its POSIX path relative to the folder."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    format: DocFormat
    sha256: str
    """Of the file's bytes: re-ingest skips a document whose hash is unchanged."""
    sections: list[Section]
    hidden_dropped: int = 0
    """Hidden HTML elements and comments whose text was left out."""
    invisible_dropped: int = 0
    """Invisible Unicode characters (tags, zero-width, bidi controls) removed."""
    audience: Audience | None = None
    """Declared in the document's front matter (``audience: internal``); None: not declared."""


class Chunk(BaseModel):
    """A bounded, embeddable piece of a document."""

    model_config = ConfigDict(extra="forbid")
    id: str
    """``<doc_id>#<n>``: stable while the document is unchanged."""
    doc_id: str
    title: str
    heading: str
    """Heading path joined with ' > ' ('' at top level)."""
    text: str
    """The chunk's own text, without the heading."""
    n_tokens: int
    doc_sha256: str
    source: Literal["kb", "learned"] = "kb"
    provenance: str = ""
    """Learned answers only: where the answer came from and who approved it."""
    origin: str = ""
    """KB chunks only: the named source it was ingested from ('' before sources existed)."""
    audience: Audience = "shopper"
    """internal: written for staff; kept out of answers, still in the handoff's context."""

    @property
    def embed_text(self) -> str:
        """What gets embedded: the heading gives a short chunk its context."""
        head = " > ".join(p for p in (self.title, self.heading) if p)
        return f"{head}\n{self.text}" if head else self.text


class ScoredChunk(BaseModel):
    """A chunk returned by a search, with cosine similarity in [-1, 1]."""

    model_config = ConfigDict(extra="forbid")
    chunk: Chunk
    score: float


class LoadProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    message: str
    refused: bool = False
    """Refused for safety (a link out of the folder, a secret): no version of it is kept."""


class Flag(BaseModel):
    """Something in a document a curator should look at (see knowledge.flags)."""

    model_config = ConfigDict(extra="forbid")
    doc_id: str
    kind: Literal["instructions", "url", "internal"]
    detail: str
    withheld: bool
    """True when the chunk is not written to the store, so never quoted to a shopper."""


class IngestReport(BaseModel):
    """What one ingest did; every problem file is listed, none stops the run."""

    model_config = ConfigDict(extra="forbid")
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    removed: list[str] = []
    chunks_written: int = 0
    chunks_resumed: int = 0
    """Of those, chunks an interrupted ingest had already stored (not embedded again)."""
    problems: list[LoadProblem] = []
    truncated_chunks: list[str] = []
    """Chunks longer than the embedder's window (should stay empty)."""
    source: str = ""
    """The named source this ingest replaced."""
    flags: list[Flag] = []
    hidden_dropped: int = 0
    invisible_dropped: int = 0
    dry_run: bool = False
    """A plan only: nothing was written."""
    seconds: float = 0.0


class SourceRecord(BaseModel):
    """The committed version of one named source: what readers may see of it."""

    model_config = ConfigDict(extra="forbid")
    name: str
    root: str
    """The folder it was last ingested from."""
    docs: dict[str, str] = {}
    """doc_id -> fingerprint of each document in this version; chunks of any other
    (doc_id, fingerprint) under this source are leftovers and are never served."""
    chunks: int = 0
    flags: list[Flag] = []
    ingested_at: str = ""
