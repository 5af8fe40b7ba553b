"""Compiled rules: word-bounded patterns with ``unless`` exceptions.

A match counts only when it does not lie inside a match of one of the rule's
``unless`` patterns, so "fraud" fires but "fraud protection" does not, while
"fraud protection failed, this was fraud" still fires on its second "fraud".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from agent.errors import ConfigError
from agent.triggers.packs import RuleSpec, load_pack

_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# Word boundaries that also work when a pattern starts or ends with punctuation
# ("$", "a&e"): the neighbour must simply not be a letter or digit.
_LEFT, _RIGHT = r"(?<![^\W_])", r"(?![^\W_])"


@dataclass(frozen=True)
class Match:
    """Where a rule fired."""

    rule: str
    evidence: str
    start: int


@dataclass(frozen=True)
class Rule:
    """A rule ready to run on folded text."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    description: str = ""

    def find(self, text: str) -> Match | None:
        """The first match of any pattern that is not inside a benign ``unless`` phrase."""
        if not text:
            return None
        benign = [m.span() for u in self.unless for m in u.finditer(text)]
        best: Match | None = None
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                if any(s <= m.start() and m.end() <= e for s, e in benign):
                    continue
                if best is None or m.start() < best.start:
                    best = Match(self.name, m.group(0), m.start())
                break
        return best


def compile_pattern(
    pattern: str, macros: dict[str, str] | None = None, where: str = ""
) -> re.Pattern[str]:
    """Expand ``{macros}``, add word boundaries and compile case-insensitively."""
    macros = macros or {}
    expanded = pattern
    for _ in range(4):  # macros may use macros ("{who}" ends with "{thing}")
        expanded = _MACRO.sub(
            lambda m: f"(?:{macros[m.group(1)]})" if m.group(1) in macros else m.group(0), expanded
        )
    try:
        return re.compile(f"{_LEFT}(?:{expanded}){_RIGHT}", re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"{where or 'pattern'}: bad regular expression {pattern!r}: {exc}"
        ) from exc


def compile_rule(
    spec: RuleSpec, macros: dict[str, str], extra_unless: list[str], where: str
) -> Rule:
    """Compile one rule spec; ``where`` names the pack or setting in error messages."""
    return Rule(
        name=spec.name,
        patterns=tuple(compile_pattern(p, macros, f"{where}: {spec.name}") for p in spec.patterns),
        unless=tuple(
            compile_pattern(u, macros, f"{where}: {spec.name}")
            for u in [*spec.unless, *extra_unless]
        ),
        description=spec.description,
    )


@cache
def pack_rules(pack: str) -> tuple[Rule, ...]:
    """Every rule of a pack, compiled once."""
    data = load_pack(pack)
    where = f"packs/{pack}.toml"
    return tuple(compile_rule(spec, data.macros, data.unless, where) for spec in data.rule)


def first_match(rules: tuple[Rule, ...], text: str) -> Match | None:
    """The first rule (in pack order) that fires on ``text``."""
    for rule in rules:
        found = rule.find(text)
        if found:
            return found
    return None
