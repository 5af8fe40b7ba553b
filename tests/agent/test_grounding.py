from agent.grounding import verify
from agent.llm import Claim, Draft
from tests.fakes import SAMPLE_KB, LexicalRetriever

RETURNS_Q = "How many days do I have to return unworn items?"


def _retrieved(q=RETURNS_Q):
    return LexicalRetriever(SAMPLE_KB).search(q, 4)


def test_verbatim_quote_passes():
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="You can return unworn items within 30 days of delivery.",
                citations=["policies/returns.md#0"],
            )
        ],
    )
    verdict = verify(draft, RETURNS_Q, _retrieved(), threshold=0.5, min_score=0.3)
    assert verdict.passed, verdict
    assert verdict.support == 1.0


def test_changed_number_is_blocked():
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="You can return unworn items within 60 days of delivery.",
                citations=["policies/returns.md#0"],
            )
        ],
    )
    verdict = verify(draft, RETURNS_Q, _retrieved(), threshold=0.5, min_score=0.3)
    assert not verdict.passed and verdict.confidence == 0.0
    assert "60 day" in verdict.problems[0]


def test_number_from_an_uncited_chunk_is_blocked():
    # $5.95 is in the KB, but not in the chunk this sentence cites
    draft = Draft(
        answerable=True,
        sentences=[Claim(text="Returns cost $5.95.", citations=["policies/returns.md#0"])],
    )
    assert not verify(draft, RETURNS_Q, _retrieved(), 0.5, 0.3).passed


def test_sentence_without_citation_is_blocked():
    draft = Draft(answerable=True, sentences=[Claim(text="You can return items.", citations=[])])
    verdict = verify(draft, RETURNS_Q, _retrieved(), 0.5, 0.3)
    assert not verdict.passed and "cites no retrieved chunk" in verdict.problems[0]


def test_citation_of_a_chunk_not_retrieved_is_blocked():
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="You can return unworn items within 30 days of delivery.",
                citations=["made/up.md#9"],
            )
        ],
    )
    assert not verify(draft, RETURNS_Q, _retrieved(), 0.5, 0.3).passed


def test_unanswerable_draft_is_blocked():
    assert not verify(
        Draft(answerable=False, sentences=[]), RETURNS_Q, _retrieved(), 0.5, 0.3
    ).passed


def test_off_topic_quote_scores_low_coverage():
    q = "Do you ship to Antarctica by icebreaker?"
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="Standard shipping costs $5.95 and takes 5-7 business days.",
                citations=["policies/shipping.md#0"],
            )
        ],
    )
    verdict = verify(draft, q, _retrieved(q), 0.5, 0.3)
    assert verdict.coverage < 0.5
    assert not verdict.passed


def test_question_words_the_kb_never_uses_lower_confidence():
    from agent.grounding import unknown_terms

    vocab = LexicalRetriever(SAMPLE_KB).vocabulary()
    assert unknown_terms("Is the serum certified vegan?", vocab) == ["serum", "certified", "vegan"]
    assert (
        unknown_terms("Is it good for a weekend trip across town?", vocab) == []
    )  # everyday words
    assert (
        unknown_terms("How many days to retrun unworn items?", vocab) == []
    )  # a typo of a KB word
    assert unknown_terms("Hi, I'm Dana: how many days to return?", vocab, ignore={"dana"}) == []
    draft = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="You can return unworn items within 30 days of delivery.",
                citations=["policies/returns.md#0"],
            )
        ],
    )
    clean = verify(draft, RETURNS_Q, _retrieved(), 0.5, 0.3)
    penalised = verify(draft, RETURNS_Q, _retrieved(), 0.5, 0.3, unknown=["vegan"])
    assert penalised.confidence < clean.confidence
    assert penalised.features["unknown"] > clean.features["unknown"] == 0
    assert "'vegan'" in penalised.problems[0]


def test_feelings_are_not_unknown_terms():
    from agent.grounding import unknown_terms

    vocab = LexicalRetriever(SAMPLE_KB).vocabulary()
    assert (
        unknown_terms("I'm disappointed and annoyed: how many days to return unworn items?", vocab)
        == []
    )


def test_a_quote_led_by_its_shortened_title_is_checked_without_it():
    """A unit's label cuts a title at its dash ("NORTHWIND GOODS - CUSTOMER SUPPORT HOURS"
    → "NORTHWIND GOODS"); the claim check must read the label as a heading, not as words
    the quote puts where the source does not, even when the body names the brand too."""
    from agent.grounding import unlabelled
    from agent.passages import units
    from knowledge.models import ScoredChunk
    from tests.fakes import chunk

    text = (
        "Phone: 1-800-555-0142 (during live agent hours)\n\n"
        "Northwind Goods answers email within one business day."
    )
    c = chunk("about/hours.txt#0", text, "NORTHWIND GOODS - CUSTOMER SUPPORT HOURS")
    unit = next(u for u in units(c) if "1-800" in u.body)
    quote = unit.quote()
    assert quote.startswith("NORTHWIND GOODS: ")
    cited = [ScoredChunk(chunk=c, score=0.6)]
    assert unlabelled(quote, cited) == unit.body
    # a label that is no heading of the cited chunk stays part of the claim
    assert unlabelled("Acme Outlet: " + unit.body, cited).startswith("Acme Outlet")
