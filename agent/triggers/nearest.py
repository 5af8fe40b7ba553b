"""Classify a message by its nearest bank examples (a k-nearest-neighbour vote).

The examples' vectors come from the embedder the knowledge base already uses,
computed once and cached on disk under the banks' hash and the embedder's name
(``<data_dir>/cache/``); the message's vector is the one retrieval uses too
(``VectorStore.query_vectors`` remembers it), so a turn embeds nothing twice.
Classifying is one matrix product over about a thousand rows.

An escalating intent wins only when all of these hold (``Thresholds``, written
by ``python -m evals.calibrate_intents`` from the dev sets):

- at least ``min_votes`` of the ``k`` nearest examples carry its trigger (the label
  is then the most frequent one among them);
- its nearest example is at least ``floor`` similar to the message;
- that similarity beats the nearest example of any other trigger by ``margin``
  (all three are set per trigger),
  so a policy question ("what is your return policy") that sits near the
  "return my order" examples stays with the "answer" examples it is nearer to.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from agent.errors import ConfigError
from agent.triggers.banks import Bank, bank_hash

log = logging.getLogger(__name__)

__all__ = ["IntentIndex", "Limits", "Thresholds", "Verdict", "index_for", "thresholds_for"]


class Limits(BaseModel):
    """When a vote for one trigger counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min_votes: int
    """How many of the k nearest examples must carry the winning label."""
    floor: float
    """The least similarity of the winning label's nearest example."""
    margin: float = 0.0
    """How much nearer that example must be than the nearest one of any other trigger."""


class Thresholds(BaseModel):
    """When a nearest-example vote counts (calibrated per embedder)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    k: int = 7
    trigger: dict[str, Limits] = {}
    """Per trigger (account_action, explicit, sensitive, sentiment, decline, answer); a
    trigger missing here never fires."""
    label: dict[str, Limits] = {}
    """Per trigger, the lower limits of a vote that only labels a handoff happening for
    another reason (its intent, so its queue, and its reasons: agent/triggers/leaning.py);
    a trigger missing here never labels."""


@dataclass(frozen=True)
class Verdict:
    """The winning label of one message, and how sure the vote was."""

    label: str
    bank: Bank
    votes: int
    """How many of the k nearest examples carry this label's trigger."""
    score: float
    """Similarity of the nearest example with this trigger."""
    rival: float
    """Similarity of the nearest example whose bank has a different trigger."""

    def fires(self, limits: Thresholds) -> bool:
        """Whether this verdict is sure enough to act on (see the module docstring)."""
        return self.meets(limits.trigger.get(self.bank.trigger))

    def meets(self, mine: Limits | None) -> bool:
        """Whether the vote clears these limits (None: never)."""
        return (
            mine is not None
            and self.votes >= mine.min_votes
            and self.score >= mine.floor
            and self.score - self.rival >= mine.margin
        )


class IntentIndex:
    """Bank example vectors as one matrix, with the label of each row."""

    def __init__(self, banks: dict[str, Bank], vectors: np.ndarray) -> None:
        self.banks = banks
        self.labels = [name for name, b in banks.items() for _ in b.examples]
        if vectors.shape[0] != len(self.labels):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(self.labels)} examples")
        self.vectors = vectors.astype(np.float32)
        self._trigger = np.array([banks[label].trigger for label in self.labels])

    def classify(
        self, vector: list[float] | np.ndarray, k: int, leave_out: int | None = None
    ) -> Verdict:
        """The trigger most of the ``k`` nearest examples carry, and its most frequent label
        among them (ties: the nearer). Votes count by trigger: "cancel my order" examples
        and "return my order" examples agree that a person must act. ``leave_out``: the row
        of an example that must not vote (the calibration classifies each example against
        the others)."""
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        if leave_out is not None:
            sims[leave_out] = -np.inf
        top = [int(i) for i in np.argsort(-sims)[:k]]  # nearest first
        by_trigger: dict[str, list[int]] = {}
        for i in top:
            by_trigger.setdefault(str(self._trigger[i]), []).append(i)
        trigger = max(by_trigger, key=lambda t: (len(by_trigger[t]), sims[by_trigger[t][0]]))
        rows = by_trigger[trigger]
        counts: dict[str, int] = {}
        for i in rows:
            counts[self.labels[i]] = counts.get(self.labels[i], 0) + 1
        label = max(counts, key=lambda name: counts[name])  # first counted is the nearest
        others = sims[(self._trigger != trigger) & np.isfinite(sims)]
        return Verdict(
            label=label,
            bank=self.banks[label],
            votes=len(rows),
            score=float(sims[rows[0]]),
            rival=float(others.max()) if others.size else -1.0,
        )


_LOCK = threading.Lock()
_INDEXES: dict[tuple[str, str], IntentIndex] = {}


def index_for(banks: dict[str, Bank], embedder: object, cache_dir: Path | None) -> IntentIndex:
    """The banks' index in ``embedder``'s space: from memory, the disk cache, or embedded now."""
    name = str(getattr(embedder, "name", "unknown"))
    key = (name, bank_hash(banks))
    with _LOCK:
        found = _INDEXES.get(key)
        if found is None:
            found = IntentIndex(banks, _vectors(banks, embedder, key, cache_dir))
            _INDEXES[key] = found
        return found


def _vectors(
    banks: dict[str, Bank], embedder: object, key: tuple[str, str], cache_dir: Path | None
) -> np.ndarray:
    path = cache_dir / f"intents-{key[0]}-{key[1]}.npy" if cache_dir else None
    count = sum(len(b.examples) for b in banks.values())
    if path is not None and path.exists():
        try:
            saved = np.load(path)
            if saved.shape[0] == count:
                return saved
        except (OSError, ValueError) as exc:
            log.warning("ignoring the unreadable intent cache %s: %s", path, exc)
    texts = [e for b in banks.values() for e in b.examples]
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)  # type: ignore[attr-defined]
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part.npy")
            np.save(partial, vectors)
            partial.replace(path)
        except OSError as exc:
            log.warning("cannot cache the intent vectors in %s: %s", path, exc)
    return vectors


@cache
def _calibrated() -> dict[str, Thresholds]:
    where = "agent/triggers/packs/intent_thresholds.toml"
    try:
        text = resources.files("agent.triggers").joinpath("packs", "intent_thresholds.toml")
        data = tomllib.loads(text.read_text("utf-8"))
        return {name: Thresholds.model_validate(v) for name, v in data.get("embedder", {}).items()}
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def thresholds_for(embedder_name: str) -> Thresholds | None:
    """The calibrated thresholds of an embedder; None: not calibrated, the banks stay unused."""
    return _calibrated().get(embedder_name)
