"""The knowledge base's data, as it crosses module boundaries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

DocFormat = Literal["md", "txt", "html", "json", "csv"]


class Section(BaseModel):
    """A run of text under one heading path (``["Returns", "Exchanges"]``)."""

    model_config = ConfigDict(extra="forbid")
    heading_path: list[str] = []
    text: str


class Document(BaseModel):
    """One file of a KB folder; its id is its POSIX path relative to the folder."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    format: DocFormat
    sha256: str
    """Of the file's bytes: re-ingest skips a document whose hash is unchanged."""
    sections: list[Section]


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


class IngestReport(BaseModel):
    """What one ingest did; every problem file is listed, none stops the run."""

    model_config = ConfigDict(extra="forbid")
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    removed: list[str] = []
    chunks_written: int = 0
    problems: list[LoadProblem] = []
    truncated_chunks: list[str] = []
    """Chunks longer than the embedder's window (should stay empty)."""
    seconds: float = 0.0
