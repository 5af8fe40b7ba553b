"""The sensitive trigger: legal, payment, fraud, safety and medical topics go to people.

Topics come from TOML packs: ``global`` for every store plus the store's
vertical (``supplements``, ``beauty``, ...). A topic is named ``<pack>.<topic>``
(``supplements.dosage``) and lives in its vertical's pack, so "is it safe
during pregnancy?" fires for a supplements store and not for a dress shop; a
``general`` store gets every pack.
A store adds its own topics (``triggers.sensitive_extra``, named ``store.<name>``)
and turns default ones off (``triggers.sensitive_disabled``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from agent.errors import ConfigError
from agent.settings import TriggerSettings
from agent.state import TriggerHit
from agent.triggers.packs import SENSITIVE_PACKS
from agent.triggers.rules import Rule, compile_pattern, pack_rules
from agent.triggers.text import Text

_Extra = tuple[tuple[str, tuple[str, ...]], ...]


def topic_rules(
    vertical: str, settings: TriggerSettings
) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """The default topics in force for ``vertical`` and the store's own topics, compiled."""
    extra = tuple(sorted((name, tuple(p)) for name, p in settings.sensitive_extra.items()))
    return _compiled(_pack_for(vertical), extra, frozenset(settings.sensitive_disabled))


def check(text: Text, vertical: str, settings: TriggerSettings) -> list[tuple[str, TriggerHit]]:
    """(topic name, hit) for each sensitive topic the message touches, global topics first."""
    if not text.folded:
        return []
    defaults, store = topic_rules(vertical, settings)
    hits = []
    for rule in defaults:
        found = rule.find(text.folded)
        if found:
            hits.append((rule.name, _hit(rule, found.evidence)))
    # Store patterns are written by people who may keep accents ("rückruf"): try
    # them on the folded text and on the text as typed.
    for rule in store:
        found = rule.find(text.folded) or rule.find(text.raw.casefold())
        if found:
            hits.append((rule.name, _hit(rule, found.evidence)))
    return hits


def _hit(rule: Rule, evidence: str) -> TriggerHit:
    about = f" ({rule.description.rstrip('.')})" if rule.description else ""
    return TriggerHit(
        kind="sensitive", reason=f"sensitive topic {rule.name}{about}", evidence=evidence[:200]
    )


def _pack_for(vertical: str) -> tuple[str, ...]:
    """The packs besides global: the vertical's own; every pack for a general store,
    which may sell supplements and power banks side by side."""
    key = (vertical or "").strip().casefold()
    if key == "general":
        return tuple(p for p in SENSITIVE_PACKS if p != "global")
    return (key,) if key in SENSITIVE_PACKS and key != "global" else ()


@cache
def all_default_topics() -> frozenset[str]:
    """Every default topic name of every pack (what ``sensitive_disabled`` may name)."""
    return frozenset(f"{pack}.{rule.name}" for pack in SENSITIVE_PACKS for rule in pack_rules(pack))


@cache
def _compiled(
    extra_packs: tuple[str, ...], extra: _Extra, disabled: frozenset[str]
) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    unknown = sorted(disabled - all_default_topics())
    if unknown:
        raise ConfigError(f"triggers.sensitive_disabled: unknown topic(s) {', '.join(unknown)}")
    packs = ["global", *extra_packs]
    defaults = tuple(
        replace(rule, name=f"{name}.{rule.name}")
        for name in packs
        for rule in pack_rules(name)
        if f"{name}.{rule.name}" not in disabled
    )
    store = tuple(_store_rule(name, patterns) for name, patterns in extra)
    return defaults, store


def _store_rule(name: str, patterns: tuple[str, ...]) -> Rule:
    where = f"triggers.sensitive_extra.{name}"
    if not patterns:
        raise ConfigError(f"{where}: needs at least one regular expression")
    full = name if "." in name else f"store.{name}"
    return Rule(name=full, patterns=tuple(compile_pattern(p, where=where) for p in patterns))
