"""The ``[language]`` section of a store's settings: detection and message overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from agent.errors import ConfigError
from agent.messages import BUNDLED, Messages, check_override, flatten, read_catalogue


class LanguageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    default: str = Field("en", pattern=r"^[a-z]{2}$")
    """The store's language: the bot speaks it until a shopper writes, with confidence, in
    another language it has messages for."""
    knowledge_base: str | None = Field(None, pattern=r"^[a-z]{2}$")
    """The language the knowledge base is written in. None: ``default``."""
    detect: bool = True
    """False: every conversation is in ``default``."""
    confidence_floor: float = Field(0.7, ge=0, le=1)
    """A message switches the conversation's language only when the detector is at least
    this sure of it."""
    min_words: int = Field(3, ge=1)
    """...and it has at least this many words ("ok", "order 12345", "hola" never switch)."""
    messages_dir: Path | None = None
    """A folder of ``<language>.toml`` catalogues (e.g. ``es.toml``, or ``it.toml`` for a new
    language): each key overrides the bundled message of that language."""
    messages: dict[str, dict[str, Any]] = {}
    """Overrides in the settings file itself: ``[language.messages.es.handoff] live = "..."``."""
    _read: dict[str, dict[str, str]] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _overrides_are_known(self) -> LanguageSettings:
        for language, table in self.overrides().items():
            check_override(language, table, "language.messages")
        return self

    def overrides(self) -> dict[str, dict[str, str]]:
        """The store's messages per language: the folder's, then the settings file's."""
        if self._read is not None:
            return self._read
        found: dict[str, dict[str, str]] = {}
        if self.messages_dir is not None:
            if not self.messages_dir.is_dir():
                raise ConfigError(f"language.messages_dir: no such folder: {self.messages_dir}")
            for path in sorted(self.messages_dir.glob("*.toml")):
                found[path.stem] = read_catalogue(path)
        for language, table in self.messages.items():
            found[language] = {**found.get(language, {}), **flatten(table)}
        self._read = found  # read once: settings are read once and injected
        return found

    @property
    def supported(self) -> frozenset[str]:
        """Languages the bot can speak: the bundled ones and any the store adds."""
        return frozenset(BUNDLED) | frozenset(self.overrides())

    @property
    def kb_language(self) -> str:
        return self.knowledge_base or self.default

    def catalogue(self, language: str | None) -> Messages:
        """The messages for ``language`` (None: the store's default)."""
        lang = language or self.default
        return Messages(lang, self.overrides().get(lang))
