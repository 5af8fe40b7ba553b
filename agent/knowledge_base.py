"""Opening the configured embedder and vector store (shared by the runtime and the CLI)."""

from __future__ import annotations

from agent.settings import Settings
from knowledge.embeddings import Embedder, LocalMiniLM, OpenAIEmbedder
from knowledge.ingest import IngestOptions
from knowledge.store import VectorStore


def make_embedder(settings: Settings) -> Embedder:
    """Local all-MiniLM-L6-v2 by default; the OpenAI-compatible endpoint when configured."""
    emb = settings.embedding
    if emb.backend == "local":
        return LocalMiniLM(threads=emb.threads)
    from agent.llm import OpenAIBackend

    llm_settings = settings.llm
    if emb.base_url:
        llm_settings = llm_settings.model_copy(update={"base_url": emb.base_url})
    backend = OpenAIBackend(llm_settings, settings.store_name)
    return OpenAIEmbedder(lambda texts: backend.embed(texts, emb.model), model=emb.model)


def open_store(settings: Settings, embedder: Embedder | None = None) -> VectorStore:
    """The knowledge base's vector store: a Chroma server if a URL is set, else on disk."""
    embedder = embedder or make_embedder(settings)
    if settings.knowledge.chroma_url:
        return VectorStore(
            embedder,
            url=settings.knowledge.chroma_url,
            timeout_s=settings.knowledge.chroma_timeout_s,
        )
    return VectorStore(embedder, path=settings.chroma_path)


def ingest_options(
    settings: Settings, source: str | None = None, prune: bool = False, dry_run: bool = False
) -> IngestOptions:
    """How the agent ingests: the store's limits and allow-list, and the same instruction
    detector that screens learned answers."""
    from agent.learning.injection import instructions_to_bot

    kb = settings.knowledge
    return IngestOptions(
        source=source,
        prune=prune,
        prune_limit=kb.prune_limit,
        dry_run=dry_run,
        url_allow_hosts=tuple(kb.url_allow_hosts),
        screen=instructions_to_bot,
        serve_flagged_instructions=kb.serve_flagged_instructions,
        audience_globs=tuple(kb.audience.items()),
    )
