"""Chunks fit the budget, stay inside one section, keep every word, and are deterministic."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.errors import KnowledgeError
from knowledge.chunking import chunk_document
from knowledge.models import Document, Section
from knowledge.tokens import count_tokens


def make_doc(*sections: Section, title: str = "Guide") -> Document:
    return Document(
        id="guide.md", title=title, format="md", sha256="f" * 64, sections=list(sections)
    )


def sentences(n: int, word: str = "parcel") -> str:
    return " ".join(f"Sentence {i} says the {word} ships on day {i}." for i in range(n))


LONG = make_doc(
    Section(heading_path=["Guide"], text="Short intro."),
    Section(heading_path=["Guide", "Shipping"], text=sentences(40) + "\n\n" + sentences(3, "box")),
    Section(heading_path=["Guide", "Empty"], text="  \n "),
    Section(heading_path=["Returns"], text="\n\n".join(sentences(4, "refund") for _ in range(6))),
)


def test_chunks_never_exceed_max_tokens_measured_on_embed_text():
    chunks = chunk_document(LONG, max_tokens=60)
    assert len(chunks) > 8
    for chunk in chunks:
        assert chunk.n_tokens == count_tokens(chunk.embed_text) <= 60


def test_chunks_respect_section_boundaries_and_headings():
    chunks = chunk_document(LONG, max_tokens=60)
    by_heading = {"": LONG.sections[0], "Shipping": LONG.sections[1], "Returns": LONG.sections[3]}
    assert {c.heading for c in chunks} == set(by_heading)  # the empty section gave nothing
    for chunk in chunks:
        assert chunk.text in by_heading[chunk.heading].text
    # Rejoining a section's chunks gives back its words in order.
    for heading, section in by_heading.items():
        words = " ".join(c.text for c in chunks if c.heading == heading).split()
        assert words == section.text.split()


def test_title_at_the_head_of_the_path_is_not_repeated():
    chunks = chunk_document(LONG, max_tokens=60)
    assert chunks[0].embed_text == "Guide\nShort intro."
    assert chunks[1].embed_text.startswith("Guide > Shipping\nSentence 0")


def test_ids_are_sequential_in_document_order_and_deterministic():
    first, second = chunk_document(LONG, max_tokens=60), chunk_document(LONG, max_tokens=60)
    assert first == second
    assert [c.id for c in first] == [f"guide.md#{n}" for n in range(len(first))]
    assert all(
        c.doc_id == "guide.md" and c.doc_sha256 == "f" * 64 and c.source == "kb" for c in first
    )


def test_short_adjacent_sections_are_not_merged():
    doc = make_doc(*(Section(heading_path=[h], text=f"{h} text.") for h in ("A", "B", "C")))
    assert [(c.heading, c.text) for c in chunk_document(doc)] == [
        ("A", "A text."),
        ("B", "B text."),
        ("C", "C text."),
    ]


def test_paragraph_boundaries_are_preferred_over_sentences():
    paragraph = sentences(3)
    doc = make_doc(Section(text=f"{paragraph}\n\n{paragraph}\n\n{paragraph}"))
    budget = count_tokens(f"Guide\n{paragraph}\n\n{paragraph}") + 1
    assert [c.text for c in chunk_document(doc, max_tokens=budget)] == [
        f"{paragraph}\n\n{paragraph}",
        paragraph,
    ]


def test_a_sentence_longer_than_a_chunk_is_cut_at_words():
    words = " ".join(f"word{i}" for i in range(300))
    chunks = chunk_document(make_doc(Section(text=words)), max_tokens=40)
    assert len(chunks) > 5
    assert " ".join(c.text for c in chunks) == words
    assert max(c.n_tokens for c in chunks) <= 40


def test_a_word_longer_than_a_chunk_is_cut_without_losing_characters():
    blob = "x9Qz" * 400 + " tail"
    chunks = chunk_document(make_doc(Section(text=blob)), max_tokens=30)
    assert "".join("".join(c.text.split()) for c in chunks) == blob.replace(" ", "")
    assert max(c.n_tokens for c in chunks) <= 30


def test_an_overlong_heading_is_shortened_so_text_still_fits():
    heading = "Why " + "very " * 200 + "long question?"
    chunks = chunk_document(
        make_doc(Section(heading_path=[heading], text="Because.")), max_tokens=32
    )
    assert [c.text for c in chunks] == ["Because."]
    assert heading.startswith(chunks[0].heading) and len(chunks[0].heading) < len(heading)
    assert chunks[0].n_tokens <= 32


def test_a_budget_too_small_to_be_useful_is_refused():
    with pytest.raises(KnowledgeError, match="max_tokens"):
        chunk_document(LONG, max_tokens=4)


def test_a_custom_counter_is_used():
    doc = make_doc(Section(text=" ".join("w" for _ in range(100))))
    chunks = chunk_document(doc, max_tokens=20, count=lambda text: len(text.split()))
    assert [len(c.text.split()) for c in chunks] == [19] * 5 + [5]  # 19 words + the title line


WORD = st.text(alphabet=string.ascii_letters + string.digits + "'-$%", min_size=1, max_size=12)
GAP = st.sampled_from([" ", " ", " ", ", ", ". ", "? ", "! ", "\n", "\n\n", ".\n\n", " \t "])


@st.composite
def prose(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORD, min_size=1, max_size=300))
    gaps = draw(st.lists(GAP, min_size=len(words), max_size=len(words)))
    return "".join(w + g for w, g in zip(words, gaps, strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=prose(),
    max_tokens=st.integers(min_value=16, max_value=120),
    heading=st.sampled_from(["", "Shipping"]),
)
def test_property_any_text_fits_and_loses_no_word(text, max_tokens, heading):
    doc = make_doc(Section(heading_path=[heading] if heading else [], text=text))
    chunks = chunk_document(doc, max_tokens=max_tokens)
    assert all(count_tokens(c.embed_text) <= max_tokens for c in chunks)
    assert [w for c in chunks for w in c.text.split()] == text.split()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=600), max_tokens=st.integers(min_value=16, max_value=64))
def test_property_arbitrary_unicode_fits_and_loses_no_character(text, max_tokens):
    chunks = chunk_document(make_doc(Section(text=text)), max_tokens=max_tokens)
    assert all(count_tokens(c.embed_text) <= max_tokens for c in chunks)
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(text.split())
