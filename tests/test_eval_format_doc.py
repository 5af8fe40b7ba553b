"""docs/eval-format.md documents exactly what evals/schema.py accepts, and its examples are valid."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from agent.errors import ConfigError
from agent.settings import Settings
from evals.runner import EvalSet, load_set, set_settings
from evals.schema import Case, parse_line

DOC = (Path(__file__).parent.parent / "docs" / "eval-format.md").read_text(encoding="utf-8")


def _model_in(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """(model, is_list) when a field holds a model, a list of models, or an optional one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found[0], found[1] or get_origin(annotation) is list
    return None


def schema_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of the model, recursively: ``customer.orders[].items[].sku``."""
    paths = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.add(path)
        nested = _model_in(info.annotation)
        if nested is not None:
            sub, is_list = nested
            paths |= schema_paths(sub, f"{path}[]." if is_list else f"{path}.")
    return paths


def _table_keys(section: str) -> set[str]:
    body = DOC.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, re.M))


def test_every_case_field_is_documented_and_every_documented_field_exists():
    expected, documented = schema_paths(Case), _table_keys("Field reference")
    assert expected - documented == set(), "fields of evals/schema.py missing from the doc"
    assert documented - expected == set(), "the doc names fields evals/schema.py does not have"
    assert "customer.orders[].items[].qty" in expected  # the walk reaches the nested models


def test_every_set_toml_key_is_documented():
    # EvalSet's other fields are the folder itself and the settings overrides
    keys = set(EvalSet.model_fields) - {"path", "overrides"}
    assert _table_keys("set.toml") == keys


def test_the_examples_are_valid_cases():
    example = re.search(r"```json\n(.*?)```", DOC, re.S).group(1)
    case = parse_line(json.dumps(json.loads(example)), "doc", 1)
    assert isinstance(case, Case) and case.customer.orders[0].items[0].qty == 2
    smallest = re.search(r"the smallest case is\n`(\{.*?\})`", DOC, re.S).group(1)
    assert isinstance(parse_line(smallest, "doc", 1), Case)


def test_what_the_doc_says_about_unknown_keys_holds():
    typo = parse_line('{"id": "c", "turns": ["hi"], "expext": {}}', "cases.jsonl", 3)
    assert str(typo).startswith("cases.jsonl:3: expect: Field required")
    crm = (
        '{"id": "c", "turns": ["hi"], "expect": {"decision": "answer"}, "customer": {"crm_id": 9}}'
    )
    assert isinstance(parse_line(crm, "cases.jsonl", 1), Case)
    bad = parse_line('{"id":"x","turns":["a"],"expect":{"decision":"maybe"}}', "cases.jsonl", 7)
    assert str(bad) in DOC


def test_the_set_toml_example_loads(tmp_path):
    example = DOC.split("## set.toml", 1)[1]
    toml = re.search(r"```toml\n(.*?)```", example, re.S).group(1)
    (tmp_path / "set.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "cases.jsonl").write_text("", encoding="utf-8")
    loaded = load_set(tmp_path)
    assert loaded.name == "acme-socks" and loaded.overrides["grounding"]["threshold"] == 0.6
    assert set_settings(Settings(), loaded).grounding.threshold == 0.6


def test_split_is_read_and_a_bad_split_is_named(tmp_path):
    (tmp_path / "cases.jsonl").write_text(
        '{"id":"c","turns":["hi"],"expect":{"decision":"answer"}}\n'
    )
    (tmp_path / "set.toml").write_text('split = "dev"\n')
    assert load_set(tmp_path).split == "dev"
    assert "split" not in load_set(tmp_path).overrides
    (tmp_path / "set.toml").write_text('split = "train"\n')
    with pytest.raises(ConfigError, match=r"set.toml: split"):
        load_set(tmp_path)
