"""Phrase and pattern packs: the TOML data files under ``agent/triggers/packs``.

A pack is data, not code, so a reviewer can read every phrase a trigger uses in
one place and a store can see what ``sensitive_disabled`` would turn off. Packs
are validated with pydantic when first used (``functools.cache``), never at
import time.

Layout of a pack file (every table optional)::

    description = "..."
    unless = ['...']             # benign phrases for every rule of the pack
    [macros]                     # "{who}" in a pattern -> this alternation
    who = "human|person|agent"
    [lists]                      # plain word lists (vocabularies, fillers, ...)
    filler = ["please", "now"]
    [[rule]]
    name = "legal_threat"
    patterns = ['lawyers?', 'sue (you|your)']
    unless = ['lawyer costume']
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.errors import ConfigError

SENSITIVE_PACKS: tuple[str, ...] = (
    "global",
    "apparel",
    "beauty",
    "supplements",
    "electronics",
    "home",
)
"""Packs holding sensitive topics: the global one plus one per vertical ("general" has none)."""


class RuleSpec(BaseModel):
    """One named rule: any pattern fires it, unless the match lies inside an ``unless`` match."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str = ""
    patterns: list[str]
    """Regular expressions; word-bounded and case-insensitive when compiled."""
    unless: list[str] = []
    """Benign phrases containing a pattern's words (e.g. "fraud protection")."""


class Pack(BaseModel):
    """A parsed pack file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = ""
    unless: list[str] = []
    """Benign phrases applied to every rule of the pack."""
    macros: dict[str, str] = {}
    """``{name}`` in a pattern is replaced by this regular-expression alternation."""
    lists: dict[str, list[str]] = {}
    """Word lists a trigger reads by name."""
    rule: list[RuleSpec] = []


@cache
def load_pack(name: str) -> Pack:
    """Read and validate ``packs/<name>.toml`` (cached: each pack is parsed once)."""
    where = f"agent/triggers/packs/{name}.toml"
    try:
        source = (
            resources.files("agent.triggers").joinpath("packs", f"{name}.toml").read_text("utf-8")
        )
        return Pack.model_validate(tomllib.loads(source))
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: pack not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def word_list(pack: str, name: str) -> frozenset[str]:
    """A named word list of a pack as a set (empty when the pack does not define it)."""
    return frozenset(load_pack(pack).lists.get(name, []))
