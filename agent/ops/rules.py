"""Routing rules: which queue a handoff goes to, as data a store can extend.

A store's ``[[handoff.rules]]`` are tried before the built-in rules in
``default_rules.toml``; the first rule whose conditions all hold wins, and the
handoff records its name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError
from agent.state import TriggerHit, TriggerKind

Channel = Literal["chat", "email", "voice", "social"]

_GLOB = frozenset("*?[")


class RoutingRule(BaseModel):
    """One rule: every condition given must hold (any entry of a list is enough)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    """Recorded on the handoff that this rule routed."""
    queue: str = Field(min_length=1)
    """A queue named in ``handoff.queues`` (the seven defaults or a store's own)."""
    triggers: list[TriggerKind] = []
    """Any of these trigger kinds fired."""
    topics: list[str] = []
    """Any sensitive topic that fired contains one of these, or matches it as a glob (``global.*``)."""
    intents: list[str] = []
    """The handoff's intent is one of these (``returns``, ``shipping``, ``refund``, ``order_status``...)."""
    verticals: list[str] = []
    """The conversation's vertical is one of these."""
    channels: list[Channel] = []
    """The shopper writes from one of these: ``chat``, ``email``, ``voice``, ``social``
    (a conversation whose runtime named no channel matches none of them)."""
    tiers: list[str] = []
    """Customer-record tiers, case-insensitive."""
    min_order_value: float | None = None
    """The order under discussion is worth at least this much (no known order: no match)."""
    max_order_value: float | None = None
    """...and less than this much."""
    is_vip: bool | None = None
    """True: only VIP customers; False: only others."""

    def matches(self, facts: RouteFacts) -> bool:
        value = facts.order_value
        checks = (
            not self.triggers or bool(facts.triggers & set(self.triggers)),
            not self.topics or any(_topic_match(p, t) for p in self.topics for t in facts.topics),
            not self.intents or facts.intent in self.intents,
            not self.verticals or facts.vertical in self.verticals,
            not self.channels or facts.channel in self.channels,
            not self.tiers or (facts.tier or "").casefold() in {t.casefold() for t in self.tiers},
            self.min_order_value is None or (value is not None and value >= self.min_order_value),
            self.max_order_value is None or (value is not None and value < self.max_order_value),
            self.is_vip is None or facts.is_vip == self.is_vip,
        )
        return all(checks)


def _topic_match(pattern: str, topic: str) -> bool:
    pattern, topic = pattern.casefold(), topic.casefold()
    return fnmatchcase(topic, pattern) if _GLOB & set(pattern) else pattern in topic


@dataclass(frozen=True)
class RouteFacts:
    """What routing may look at, gathered once from the conversation."""

    triggers: frozenset[str] = frozenset()
    """Kinds of the trigger hits."""
    intent: str = "other"
    topics: tuple[str, ...] = ()
    vertical: str = "general"
    channel: str | None = None
    """chat, email, voice or social; None when the runtime did not say."""
    tier: str | None = None
    order_value: float | None = None
    is_vip: bool = False

    @classmethod
    def of(
        cls, hits: Iterable[TriggerHit], intent: str, topics: Iterable[str], **more: Any
    ) -> RouteFacts:
        """From trigger hits, intent and topics, plus any of vertical, channel, tier,
        order_value, is_vip."""
        kinds = frozenset(h.kind for h in hits)
        return cls(triggers=kinds, intent=intent, topics=tuple(topics), **more)


@dataclass(frozen=True)
class RouteDecision:
    queue: str
    rule: str
    """Name of the rule that matched."""


FALLBACK = RoutingRule(name="fallback", queue="general")
"""Used only when no rule matches (a store replaced the defaults without a catch-all)."""


def route(rules: Sequence[RoutingRule], facts: RouteFacts) -> RouteDecision:
    """The first rule that matches decides; ``FALLBACK`` if none does."""
    rule = next((r for r in rules if r.matches(facts)), FALLBACK)
    return RouteDecision(queue=rule.queue, rule=rule.name)


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: list[RoutingRule] = []


@cache
def default_rules() -> tuple[RoutingRule, ...]:
    """The built-in rules (``default_rules.toml``), read and validated on first use."""
    text = resources.files("agent.ops").joinpath("default_rules.toml").read_text("utf-8")
    try:
        return tuple(_RuleFile(**tomllib.loads(text)).rule)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"agent/ops/default_rules.toml: {exc}") from exc


def effective_rules(
    store_rules: Sequence[RoutingRule], replace_defaults: bool
) -> list[RoutingRule]:
    """A store's rules, then (unless replaced) the defaults."""
    return [*store_rules, *(() if replace_defaults else default_rules())]


def check_rules(rules: Sequence[RoutingRule], queues: Iterable[str]) -> None:
    """Raise ValueError naming the first rule with an unknown queue or a duplicate name."""
    known = set(queues)
    seen: set[str] = set()
    for rule in rules:
        if rule.queue not in known:
            names = ", ".join(sorted(known))
            raise ValueError(
                f"rule {rule.name!r} routes to unknown queue {rule.queue!r} (known: {names})"
            )
        if rule.name in seen:
            raise ValueError(f"two rules are named {rule.name!r}; each handoff records the name")
        seen.add(rule.name)
