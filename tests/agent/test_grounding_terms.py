"""The grounding gate's unknown words: inflections and joined names of KB words are known;
a story word, or a word close to a quoted one, counts less; a product or place the KB
does not cover still counts in full and the draft is declined."""

import numpy as np
import pytest

from agent.grounding import unknown_terms, verify
from agent.llm import Claim, Draft
from agent.passages import units
from agent.term_weight import asking_clause, inflections, story_words, weights
from knowledge.embeddings import LocalMiniLM
from knowledge.models import Chunk, ScoredChunk
from knowledge.vocabulary import words_of

VOCAB = frozenset(
    """we ship ships shipping to all us states and canada alaska hawaii return returns refund
    unopened food items within days of delivery treklite harness machine washable""".split()
)


@pytest.fixture(scope="module")
def minilm() -> LocalMiniLM:
    return LocalMiniLM()


def test_inflections_of_kb_words_are_known():
    assert "ship" in inflections("shipped") and "shipping" in inflections("shipped")
    assert "return" in inflections("returned")
    assert "delivery" in inflections("delivered") | inflections("deliveries")
    assert {"wear", "worn", "unworn"} & inflections("wore") == {"wear", "worn"}
    assert "sleep" in inflections("slept") and "throw" in inflections("threw")
    question = "Can my order be shipped to Alaska, and can it be returned?"
    assert unknown_terms(question, VOCAB) == []
    assert unknown_terms("are your bowls dishwasher-safe?", VOCAB) == ["bowls", "dishwasher"]


def test_a_name_the_kb_writes_joined_is_known():
    assert unknown_terms("is the trek lite harness washable", VOCAB) == []
    assert unknown_terms("is the trek harness washable", VOCAB) == ["trek"]


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (
            "I bought a bag of kibble 3 weeks ago, never opened it. Can I still return it?",
            "Can I still return it",
        ),
        ("My dog slept on the bed for a week, can I return it?", "can I return it"),
        ("Compré croquetas hace 3 semanas, sin abrir. ¿Puedo devolverlas?", "Puedo devolverlas"),
        ("do you ship to Narnia?", None),
    ],
)
def test_the_clause_that_asks(question, asks):
    assert asking_clause(question) == asks


def test_story_words_count_less_only_when_the_asking_clause_names_its_subject():
    story = story_words("I bought a bag of kibble 3 weeks ago, never opened it. Can I return it?")
    assert "kibble" in story and "return" not in story
    # "do you have any?" names nothing: the story is what is asked about
    assert story_words("I'm looking for saddles, do you have any?") == set()
    assert story_words("do you sell saddles?") == set()
    assert weights("I bought kibble last month, unopened. Can I return it?", ["kibble"], []) == {
        "kibble": 0.5
    }
    assert weights("I'm looking for saddles, do you have any?", ["saddles"], []) == {"saddles": 1.0}


def test_a_word_near_a_quoted_word_counts_less():
    axes = {
        "honolulu": [1.0, 0.1, 0.0, 0.0],
        "hawaii": [1.0, 0.0, 0.0, 0.0],
        "narnia": [0.0, 0.0, 1.0, 0.0],
    }

    def embed(texts):
        # a question means something else without its place (it hinges on it in full)
        def vector(text: str) -> list[float]:
            if text in axes:
                return axes[text]
            if "?" in text and not any(place in text.lower() for place in axes):
                return [0.0, 0.0, 0.0, 1.0]
            return [0.0, 1.0, 0.0, 0.0]

        rows = np.asarray([vector(t) for t in texts], dtype=np.float64)
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).tolist()

    quote = ["We ship to Alaska and Hawaii in 6-9 business days."]
    near = weights("can it be shipped to Honolulu?", ["honolulu"], quote, embed)
    far = weights("can it be shipped to Narnia?", ["narnia"], quote, embed)
    assert near["honolulu"] < 0.1 and far["narnia"] == 1.0


def test_with_the_real_embedder_places_and_products_the_quote_lacks_count_in_full(minilm):
    ship = ["Shipping: We ship to all 50 US states and to Canada."]
    assert weights("do you ship to Narnia?", ["narnia"], ship, minilm.embed)["narnia"] == 1.0
    gear = ["Harnesses: The TrekLite harness and leash are machine washable."]
    assert weights("do you sell saddles?", ["saddles"], gear, minilm.embed)["saddles"] > 0.9
    hawaii = ["Shipping: Orders to Alaska and Hawaii take 6-9 business days."]
    assert weights("do you ship to Honolulu?", ["honolulu"], hawaii, minilm.embed)["honolulu"] < 0.5


def _shipping() -> list[ScoredChunk]:
    text = "We ship to all 50 US states and to Canada. We do not ship outside the US and Canada."
    chunk = Chunk(
        id="policies/shipping.md#0",
        doc_id="policies/shipping.md",
        title="Shipping",
        heading="Where we ship",
        text=text,
        n_tokens=30,
        doc_sha256="0" * 64,
    )
    return [ScoredChunk(chunk=chunk, score=0.45)]


@pytest.mark.parametrize("place", ["Narnia", "Mordor"])
def test_a_place_the_kb_does_not_name_is_still_declined(minilm, place):
    question = f"do you ship to {place}?"
    retrieved = _shipping()
    vocabulary = frozenset(words_of(retrieved[0].chunk.embed_text))
    unknown = unknown_terms(question, vocabulary)
    assert unknown == [place.lower()]
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="We ship to all 50 US states and to Canada.", citations=[retrieved[0].chunk.id]
            )
        ],
    )
    verdict = verify(draft, question, retrieved, 0.5, 0.3, unknown, embed=minilm.embed)
    assert not verdict.passed and verdict.features["unknown"] == 0.5


def test_the_gate_says_why_an_unknown_word_counts_less():
    from agent.term_weight import discount

    story = "I bought kibble last month, unopened. Can I return it?"
    assert "story" in discount(story, "kibble", 0.5) and "quoted" not in discount(
        story, "kibble", 0.5
    )
    assert "close to a quoted word" in discount("ship to Honolulu?", "honolulu", 0.1)
    assert discount("do you ship to Narnia?", "narnia", 1.0) == ""


def test_a_word_the_kb_never_uses_is_partly_covered_by_its_one_clear_neighbour(minilm):
    from agent.term_weight import covered

    meds = ["We cannot ship prescription medication to Canada."]
    assert covered(["meds"], meds, minilm.embed)["meds"] > 0.5
    # as near several countries of a list as to any one: one more country, not covered
    countries = ["We ship to Canada, the United Kingdom, Ireland, Australia, Germany and France."]
    assert covered(["japan"], countries, minilm.embed) == {}
    assert covered(["narnia"], ["We ship to Canada."], minilm.embed) == {}
    assert covered(["meds"], meds, None) == {}


def test_coverage_credits_a_kb_unknown_word_near_the_quote_and_not_a_kb_word(minilm):
    from agent.grounding import score_features

    sc = ScoredChunk(
        chunk=Chunk(
            id="p.md#0",
            doc_id="p.md",
            title="Pharmacy",
            heading="",
            text="We cannot ship prescription medication to Canada.",
            n_tokens=8,
            doc_sha256="0" * 64,
        ),
        score=0.6,
    )
    question = "can you ship my meds to Canada?"
    unit = units(sc.chunk)[0]
    credited = score_features(question, [unit], [sc], ["meds"], minilm.embed)
    known = score_features(question, [unit], [sc], [], minilm.embed)  # "meds" a KB word
    assert credited["coverage"] > known["coverage"]
    assert known["coverage"] == pytest.approx(2 / 3)


def test_a_word_of_the_same_family_the_stemmer_splits_is_covered():
    from agent.term_weight import derived

    assert derived("delivered", {"delivery"}) and derived("shipment", {"shipping"})
    assert not derived("hang", {"tumble", "dry"})


def test_coverage_credits_the_quote_s_word_of_the_same_family():
    from agent.grounding import score_features

    chunk = _shipping()[0]
    quoted = units(chunk.chunk)[:1]  # "We ship to all 50 US states and to Canada."
    covered = score_features("any shipment to canada?", quoted, [chunk], [])["coverage"]
    assert covered == 1.0
