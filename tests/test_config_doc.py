"""docs/configuration.md is generated from the settings model and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from agent.config_doc import field_docs, nested_model, render, sections, type_name
from agent.settings import Settings

PAGE = Path(__file__).parent.parent / "docs" / "configuration.md"
REGENERATE = "make docs   (or: .venv/bin/python -m agent.config_doc > docs/configuration.md)"


def test_the_committed_page_is_what_the_generator_writes():
    assert PAGE.read_text(encoding="utf-8") == render(), (
        f"docs/configuration.md is out of date with agent/settings.py; regenerate it: {REGENERATE}"
    )


def test_every_setting_has_a_description():
    """A key needs its docstring; a section (a nested model) is described by its keys."""
    missing = [
        f"{path or 'Settings'}.{name} ({model.__name__})"
        for path, model, _ in sections(Settings)
        for name, info in model.model_fields.items()
        if not field_docs(model).get(name) and nested_model(info.annotation) is None
    ]
    assert not missing, (
        "write a docstring under each of these fields (it becomes the configuration "
        f"reference), then regenerate: {REGENERATE}\n" + "\n".join(missing)
    )


def test_every_setting_is_listed_in_its_section_with_its_default():
    page = render()
    for path, model, _ in sections(Settings):
        heading = "## Top level" if not path else f"`[{path}]`"
        if path.endswith("[]"):
            heading = f"`[[{path[:-2]}]]`"
        body = page.split(heading, 1)[1].split("\n## ", 1)[0]
        for name in model.model_fields:
            assert f"| `{name}` |" in body, f"{path}.{name} is missing from its section"
    assert '| `model` | string | `"gpt-4o-mini"` |' in page
    assert "| `top_k` | integer, ≥ 1, ≤ 20 | `4` |" in page
    assert "| `team` | string | *required* |" in page


class _Inner(BaseModel):
    depth: int = Field(3, ge=1)
    """How deep."""


class _Outer(BaseModel):
    name: str = "x"
    """The name,
    over two lines."""
    undocumented: bool = False
    inner: _Inner = _Inner(depth=3)
    many: dict[str, _Inner] = {}
    listed: list[_Inner] = []
    maybe: _Inner | None = None


def test_docstrings_and_nesting_are_read_from_the_source():
    assert field_docs(_Outer) == {"name": "The name, over two lines."}
    assert field_docs(_Inner) == {"depth": "How deep."}
    kinds = {n: nested_model(f.annotation) for n, f in _Outer.model_fields.items()}
    assert kinds["name"] is None and kinds["undocumented"] is None
    assert kinds["inner"] == ("", _Inner) and kinds["maybe"] == ("", _Inner)
    assert kinds["many"] == (".<name>", _Inner) and kinds["listed"] == ("[]", _Inner)
    paths = [p for p, _, _ in sections(_Outer)]
    assert paths == ["", "inner", "many.<name>", "listed[]", "maybe"]


def test_types_read_as_words():
    from typing import Literal

    assert type_name(Literal["a", "b"]) == '"a" or "b"'
    assert type_name(list[str]) == "list of string"
    assert type_name(float | None) == "number (optional)"
    assert type_name(dict[str, float]) == "table of string to number"
