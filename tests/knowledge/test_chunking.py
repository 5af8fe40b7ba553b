"""Chunks fit the budget, stay inside one section, keep every word, and are deterministic."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.errors import KnowledgeError
from knowledge.chunking import carries, chunk_document, chunk_parts
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


# A long table or list cut into chunks: each continuation repeats the table's header row
# (and rule line) or the list's intro sentence, within the same budget.

SIZES = [("4 oz", "20 hours"), ("8 oz", "40 hours"), ("14 oz", "60 hours"), ("22 oz", "90 hours")]
SCENTS = ["Cedar", "Sea Salt", "Amber", "Orange Grove", "Black Fig", "Basil", "Vanilla",
          "Rain", "Tobacco", "Pine", "Lavender", "Wild Mint"]  # fmt: skip
HEADER = "| Scent | Size | Burn time |\n|---|---|---|"
TABLE = "\n".join(f"| {s} | {z} | {b} |" for s in SCENTS for z, b in SIZES)  # 48 rows
ITEMS = "\n".join(f"- {s} diffuser, last poured in week {n}" for n, s in enumerate(SCENTS * 2))
TABLE_DOC = make_doc(
    Section(heading_path=["Guide", "Sizes"], text=f"Hand-poured soy wax.\n\n{HEADER}\n{TABLE}"),
    Section(
        heading_path=["Guide", "Discontinued"],
        text=f"Our range changes each season. No longer restocked:\n{ITEMS}\n\nAsk us about refills.",
    ),
)


def test_a_table_cut_into_chunks_repeats_its_header_in_each_continuation():
    parts = chunk_parts(TABLE_DOC, max_tokens=80)
    table = [(c, r) for c, r in parts if c.heading == "Sizes"]
    assert len(table) >= 3
    assert table[0][1] == ""
    for chunk, repeated in table[1:]:
        assert repeated == HEADER and chunk.text.startswith(HEADER + "\n| ")
        assert chunk.heading == "Sizes" and chunk.n_tokens == count_tokens(chunk.embed_text) <= 80
    # without what is repeated, the chunks give back the section's rows, each once
    rows = [line for c, r in table for line in c.text[len(r) :].split("\n") if line.strip()]
    assert rows == [line for line in TABLE_DOC.sections[0].text.split("\n") if line.strip()]


def test_a_list_cut_into_chunks_repeats_its_intro_sentence():
    parts = [
        (c, r) for c, r in chunk_parts(TABLE_DOC, max_tokens=60) if c.heading == "Discontinued"
    ]
    assert len(parts) >= 3
    for chunk, repeated in parts[1:]:
        if chunk.text.startswith("Ask us"):  # the paragraph after the list is not in it
            assert repeated == ""
            continue
        assert repeated == "No longer restocked:"  # its sentence, not the whole paragraph
        assert chunk.text.startswith("No longer restocked:\n- ")


def test_only_a_continuation_inside_a_table_or_list_repeats_anything():
    paragraph = sentences(3)
    table = f"{HEADER}\n| Cedar | 4 oz | 20 hours |"
    doc = make_doc(Section(text=f"{table}\n\n{paragraph}\n\n{paragraph}"))
    budget = count_tokens(f"Guide\n{table}") + 1
    parts = chunk_parts(doc, max_tokens=budget)
    assert len(parts) >= 3 and all(r == "" for _, r in parts)
    # a new table after a blank line is another table: its own header, none repeated
    doc = make_doc(Section(text=f"{table}\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert [r for _, r in chunk_parts(doc, max_tokens=budget)] == ["", ""]
    # items after a blank line that follows other items are not the intro's list any more
    loose = "Sizes:\n- small\n- medium\n\n- " + " ".join(["word"] * 40)
    assert all(r == "" for _, r in chunk_parts(make_doc(Section(text=loose)), max_tokens=30))


def test_an_intro_alone_at_the_end_of_a_chunk_is_repeated_before_its_list():
    intro = "Not covered by the warranty:"
    text = f"{sentences(2)} {intro}\n\n" + "\n".join(f"- damage case {n}" for n in range(30))
    parts = chunk_parts(make_doc(Section(text=text)), max_tokens=48)
    assert len(parts) >= 3
    assert all(r == intro for _, r in parts[1:])


def test_unchanged_chunking_for_documents_with_nothing_to_repeat():
    assert not carries(LONG, max_tokens=60)
    assert all(r == "" for _, r in chunk_parts(LONG, max_tokens=60))
    assert carries(TABLE_DOC, max_tokens=80)
    assert not carries(TABLE_DOC, max_tokens=2000)  # fits whole: nothing to repeat


TABLE_ROW = st.lists(WORD, min_size=1, max_size=4).map(lambda ws: "| " + " | ".join(ws) + " |")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(TABLE_ROW, min_size=1, max_size=60),
    items=st.lists(WORD, min_size=1, max_size=60),
    before=prose(),
    max_tokens=st.integers(min_value=16, max_value=120),
)
def test_property_tables_and_lists_fit_and_lose_nothing_but_what_they_repeat(
    rows, items, before, max_tokens
):
    text = (
        f"{before}\n\n| Size | Burn time |\n|---|---|\n"
        + "\n".join(rows)
        + "\n\nBy size:\n"
        + "\n".join(f"- {w} lasts" for w in items)
    )
    parts = chunk_parts(make_doc(Section(heading_path=["Sizes"], text=text)), max_tokens)
    assert all(count_tokens(c.embed_text) <= max_tokens for c, _ in parts)
    assert all(c.text.startswith(r) for c, r in parts)
    own = [w for c, r in parts for w in c.text[len(r) :].split()]
    assert own == text.split()
