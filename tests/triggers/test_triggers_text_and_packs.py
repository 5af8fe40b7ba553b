"""Shared text folding, and the TOML packs every trigger reads."""

from __future__ import annotations

import pytest

from agent.errors import ConfigError
from agent.triggers import packs
from agent.triggers.packs import SENSITIVE_PACKS, load_pack
from agent.triggers.rules import RuleSpec, compile_pattern, compile_rule, pack_rules
from agent.triggers.text import Text, flat, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Parler À  un CONSEILLER", "parler a un conseiller"),
        ("Straße", "strasse"),
        ("can’t  stop\n\tnow", "can't stop now"),
        ("\u202ehello\u200f world\x00!", "hello world !"),
        ("ﬁve  ｆｕｌｌ-width", "five full-width"),
        ("a\u2014b", "a-b"),
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_flat_keeps_only_words() -> None:
    assert flat("Can't find it!! (order #4521)") == "can t find it order 4521"
    assert flat("quelqu'un, s'il vous plaît") == "quelqu un s il vous plait"
    assert Text("¿Dónde?").words == ["donde"]


PACKS = [
    "explicit",
    "loop",
    "sentiment",
    "account_action",
    "purchase",
    "complexity",
    *SENSITIVE_PACKS,
]


@pytest.mark.parametrize("name", PACKS)
def test_every_pack_loads_and_compiles(name: str) -> None:
    pack = load_pack(name)
    names = [rule.name for rule in pack.rule]
    assert len(names) == len(set(names)), "rule names must be unique in a pack"
    for rule in pack_rules(name):
        assert rule.patterns


@pytest.mark.parametrize("name", SENSITIVE_PACKS)
def test_every_sensitive_topic_is_described(name: str) -> None:
    for rule in load_pack(name).rule:
        assert rule.description, f"{name}.{rule.name}"


def test_a_missing_pack_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="nope.toml"):
        packs.load_pack("nope")


def test_patterns_are_word_bounded_and_case_insensitive() -> None:
    pattern = compile_pattern("sue")
    assert pattern.search("I will SUE")
    assert not pattern.search("suede") and not pattern.search("issue")
    money = compile_pattern(r"\$\d+")
    assert money.search("costs $40") and not money.search("costs x$40")


def test_unless_only_excuses_matches_inside_it() -> None:
    rule = compile_rule(
        RuleSpec(name="fraud", patterns=["fraud"], unless=["fraud protection"]), {}, [], "test"
    )
    assert rule.find("does it have fraud protection?") is None
    found = rule.find("fraud protection failed, this was fraud")
    assert found is not None and found.start > 20


def test_macros_expand_recursively() -> None:
    pattern = compile_pattern("{a}", {"a": "x{b}", "b": "y"})
    assert pattern.fullmatch("xy")
