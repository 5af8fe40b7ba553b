"""The curator's side-by-side diff: word level, and each side is its whole text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent.service.diff import side_by_side


def joined(segments: list[tuple[str, str]], without: str) -> str:
    return "".join(text for text, kind in segments if kind != without)


def test_words_are_marked_where_they_changed() -> None:
    d = side_by_side("Returns within 30 days, with tags.", "Returns within 60 days, with tags.")
    assert ("30", "removed") in d.before and ("60", "added") in d.after
    assert [k for _, k in d.before].count("removed") == 1 and d.changed
    assert not side_by_side("same text", "same text").changed


def test_a_long_answer_is_never_cut() -> None:
    before = " ".join(f"word{n}" for n in range(3000))
    after = before.replace("word2999", "last")
    d = side_by_side(before, after)
    assert joined(d.before, "") == before and joined(d.after, "") == after
    assert d.after[-1] == ("last", "added")


@given(st.text(max_size=200), st.text(max_size=200))
def test_each_side_is_exactly_its_text(before: str, after: str) -> None:
    d = side_by_side(before, after)
    assert joined(d.before, "") == before and joined(d.after, "") == after
    assert joined(d.before, "removed") == joined(d.after, "added")  # what both share
