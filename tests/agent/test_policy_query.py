"""A policy question that names a product is also looked up without the name."""

from __future__ import annotations

from agent.nodes.retrieve import search_all
from agent.policy_query import without_product
from knowledge.models import Chunk, ScoredChunk


def _found(*titles: str) -> list[ScoredChunk]:
    return [
        ScoredChunk(
            chunk=Chunk(
                id=f"{t}#0", doc_id=t, title=t, heading="", text="x", n_tokens=1, doc_sha256="0"
            ),
            score=0.5,
        )
        for t in titles
    ]


def test_the_product_page_s_name_is_taken_out_of_a_policy_question():
    question = "Can I return the dog bed if my dog hates it?"
    queries = without_product(question, _found("Cosy Dog Bed", "Returns policy"))
    assert "Can I return the if my hates it?" in queries  # "dog" is in the title, too


def test_the_product_name_is_taken_out_one_page_at_a_time():
    question = "Can I return the Merino Crew sweater?"
    queries = without_product(question, _found("Merino Crew Sweater", "Returns policy"))
    assert queries == ["Can I return the ?", "Can I the Merino Crew sweater?"]


def test_a_question_about_the_page_s_own_topic_is_left_alone():
    assert without_product("What is your return policy?", _found("Returns policy")) == []
    assert without_product("Tell me about the Merino Crew", _found("Merino Crew Sweater")) == []


def test_only_the_first_pages_may_name_the_product():
    found = _found("Shipping", "Payments", "Privacy", "Cosy Dog Bed")
    assert without_product("can I return the dog bed?", found) == []


class _Retriever:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        self.queries.append(query)
        if "bed" in query.lower():
            return _found("Cosy Dog Bed")
        return [
            ScoredChunk(chunk=sc.chunk, score=0.7) for sc in _found("Returns policy")
        ]  # the policy, found once the bed is out of the way

    def vocabulary(self) -> frozenset[str]:
        return frozenset()


def test_retrieval_merges_what_the_question_without_the_product_finds():
    from types import SimpleNamespace

    from agent.settings import Settings

    retriever = _Retriever()
    ctx = SimpleNamespace(retriever=retriever, settings=Settings())
    found = search_all(ctx, "can I return the dog bed if it is too small?")  # type: ignore[arg-type]
    assert [sc.chunk.title for sc in found] == ["Returns policy", "Cosy Dog Bed"]
    assert "can I return the if it is too small?" in retriever.queries
