"""What the bot says in fixed words, per language: message catalogues with named placeholders.

One TOML file per language sits beside this module (``en.toml`` is the reference). A key is
looked up in the store's override for the shopper's language, then in the bundled catalogue
of that language, then in English: a store that overrides one message loses nothing else.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from agent.errors import ConfigError

BUNDLED = ("en", "es", "fr", "de", "pt")
"""Languages with a catalogue in the package."""
ENGLISH = "en"
_HERE = Path(__file__).parent


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"handoff": {"live": "..."}}`` -> ``{"handoff.live": "..."}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise ConfigError(f"message {name}: expected text, got {type(value).__name__}")
    return flat


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders of a message: ``"Hi {name}!"`` -> ``{"name"}``."""
    try:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
    except ValueError as exc:
        raise ConfigError(f"bad placeholder in {text!r}: {exc}") from exc


def read_catalogue(path: Path) -> dict[str, str]:
    """One catalogue file, flattened; a clear error names the file."""
    try:
        return flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the message catalogue: {exc}") from exc


@cache
def bundled(language: str) -> dict[str, str]:
    """The package's catalogue for ``language`` (empty when there is none)."""
    path = _HERE / f"{language}.toml"
    return read_catalogue(path) if language in BUNDLED else {}


def check_override(language: str, messages: Mapping[str, str], where: str) -> None:
    """Every key must be one English has, with the same placeholders (a typo fails loudly)."""
    reference = bundled(ENGLISH)
    for key, text in messages.items():
        if key not in reference:
            raise ConfigError(f"{where}: {language}: unknown message {key!r}")
        if key.startswith("format.") and text not in ("12h", "24h"):
            raise ConfigError(f"{where}: {language}: {key} must be '12h' or '24h'")
        if placeholders(text) != placeholders(reference[key]):
            wanted = ", ".join(sorted(placeholders(reference[key]))) or "none"
            raise ConfigError(f"{where}: {language}: {key} must use the placeholders {wanted}")


class Messages:
    """The catalogue one conversation speaks: ``msgs.text("handoff.live", team=...)``."""

    def __init__(self, language: str, override: Mapping[str, str] | None = None) -> None:
        self.language = language
        self._table = {**bundled(ENGLISH), **bundled(language), **(override or {})}

    def text(self, key: str, **values: object) -> str:
        """The message with its placeholders filled; a missing value is a bug, so it raises."""
        try:
            return self._table[key].format(**values)
        except KeyError as exc:
            raise ConfigError(f"message {key!r} ({self.language}): missing {exc}") from exc

    def has(self, key: str) -> bool:
        return key in self._table


__all__ = ["BUNDLED", "ENGLISH", "Messages", "bundled", "check_override", "placeholders"]
