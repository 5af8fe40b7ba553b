"""Example banks: labelled shopper messages, one TOML file per intent, next to the packs.

Intent by example, not by word list: each file under ``packs/examples/`` names
what its messages ask for and what the bot must do about it::

    description = "The shopper wants to send back something they bought."
    trigger = "account_action"   # account_action | explicit | sensitive | sentiment
                                 # | answer (the knowledge base answers; no person needed)
                                 # | decline (off-topic or injection: declined politely)
    intent = "returns"           # agent.intents label set on the turn: it picks the queue
    topic = ""                   # sensitive only: the topic name routing sees (chargeback)
    examples = ["I want to return the jacket I bought", "Quiero devolver ..."]

A store adds its own examples with ``triggers.intent_examples`` (a folder of files
in the same format): a file named like a built-in bank adds to its examples, and
its description, trigger, intent and topic must then be left out or agree; a new
name is a new intent. The examples are written from how shoppers talk (support
taxonomies, public datasets' intent names), never copied from eval cases
(``tests/agent/test_banks.py`` checks).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError
from agent.intents import Intent

__all__ = ["Bank", "BankTrigger", "bank_hash", "builtin_banks", "load_banks", "read_bank"]

BankTrigger = Literal["account_action", "explicit", "sensitive", "sentiment", "answer", "decline"]
ESCALATING: tuple[str, ...] = ("explicit", "sensitive", "account_action", "sentiment")
"""Triggers that hand off, in the order ``detect`` reports them."""


class Bank(BaseModel):
    """One intent's labelled examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = ""
    trigger: BankTrigger
    intent: Intent
    topic: str = ""
    """For a sensitive bank: the topic name reported (routing matches on it)."""
    examples: tuple[str, ...] = Field(min_length=1)


def read_bank(path: Path | str, source: str) -> Bank:
    """Parse one bank file; ``source`` is its text. Errors name the file."""
    try:
        bank = Bank.model_validate(tomllib.loads(source))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError(f"{path}: not a valid example bank: {exc}") from exc
    if any(not e.strip() for e in bank.examples):
        raise ConfigError(f"{path}: an example is empty")
    if bank.trigger == "sensitive" and not bank.topic:
        raise ConfigError(f"{path}: a sensitive bank needs a topic")
    return bank


@cache
def builtin_banks() -> dict[str, Bank]:
    """The shipped banks by name (file stem), parsed once."""
    folder = resources.files("agent.triggers").joinpath("packs", "examples")
    return {
        f.name.removesuffix(".toml"): read_bank(
            f"agent/triggers/packs/examples/{f.name}", f.read_text("utf-8")
        )
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".toml")
    }


def load_banks(store_folder: Path | None = None) -> dict[str, Bank]:
    """The shipped banks, plus a store's own folder of bank files merged in by name."""
    banks = dict(builtin_banks())
    if store_folder is None:
        return banks
    if not store_folder.is_dir():
        raise ConfigError(f"triggers.intent_examples: {store_folder} is not a folder")
    for path in sorted(store_folder.glob("*.toml")):
        name = path.stem
        text = path.read_text(encoding="utf-8")
        if name not in banks:
            banks[name] = read_bank(path, text)
            continue
        base = banks[name]
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        try:
            merged = _as_toml(base, data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        banks[name] = read_bank(path, merged)
    return banks


def _as_toml(base: Bank, data: dict) -> str:
    """A store file that adds to a built-in bank, as one bank's TOML (checked by read_bank)."""
    for key in ("trigger", "intent", "topic"):
        if key in data and data[key] != getattr(base, key):
            raise ConfigError(
                f"bank {key} {data[key]!r} disagrees with the built-in bank's {getattr(base, key)!r}"
            )
    extra = data.get("examples", [])
    if not isinstance(extra, list):
        raise ConfigError("examples must be a list of strings")
    unknown = set(data) - {"description", "trigger", "intent", "topic", "examples"}
    if unknown:
        raise ConfigError(f"unknown keys {sorted(unknown)}")
    merged = {**base.model_dump(), "examples": [*base.examples, *extra]}
    lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in merged.items()]
    return "\n".join(lines)


def bank_hash(banks: dict[str, Bank]) -> str:
    """Identifies the banks' content: example vectors are cached under it."""
    blob = json.dumps(
        {name: [b.trigger, list(b.examples)] for name, b in sorted(banks.items())},
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
