"""Probe phrasings (issue 11): ordinary ways shoppers ask for what needs a person.

``data/probe_phrasings.toml`` holds about 200 messages written from the public taxonomy of
customer-support intents, each labelled with the trigger it must fire (or ``answerable``:
nothing may hand off). They are split in two halves by a hash of the text: the "tune" half
was looked at while the banks and rules were extended, the "held" half only measured. The
floors below are the levels measured on the held half (a regression guard), and the
ceiling on the answerable probes is the false-alarm rate measured over both halves.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.questions import split_questions
from agent.settings import TriggerSettings
from agent.triggers import TriggerContext, detect
from agent.triggers.banks import builtin_banks
from agent.triggers.nearest import index_for, thresholds_for
from knowledge.embeddings import LocalMiniLM
from tests.triggers.trigger_helpers import kinds

PROBES = Path(__file__).parent / "data" / "probe_phrasings.toml"
HANDOFF = ("explicit", "sensitive", "account_action", "sentiment")

# Least share of the held half's probes of a trigger that must fire it.
# Measured 2026-12-06: 28/32, 14/16, 14/15, 18/19, after the bank examples written for
# promo codes, account access, delivery dates, indirect asks for a person, dosage and calm
# complaints (2026-12-05: 26/32, 14/16, 14/15, 17/19; before issue 11: 25/32, 14/16, 14/15, 16/19).
HELD_FLOOR = {"account_action": 0.87, "explicit": 0.87, "sensitive": 0.93, "sentiment": 0.94}
# Most answerable probes (both halves) that may hand off.
# Measured: 0 of 50 (before: 4 of 50).
ANSWERABLE_CEILING = 0.0


def half(text: str) -> str:
    """``tune`` or ``held``, by a hash of the text (stable across runs and machines)."""
    return "held" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 else "tune"


def probes() -> list[tuple[str, str, str]]:
    """(text, expected trigger or "answerable", half)."""
    data = tomllib.loads(PROBES.read_text(encoding="utf-8"))
    return [(text, label, half(text)) for label, texts in data.items() for text in texts]


def make_fired(tmp: Path) -> Callable[[str], set[str]]:
    """The hand-off kinds the agent fires on a message: the rules plus the example vote."""
    embedder = LocalMiniLM()
    index = index_for(builtin_banks(), embedder, tmp)
    limits = thresholds_for(embedder.name)
    assert limits is not None
    settings = TriggerSettings()

    def fired(text: str) -> set[str]:
        questions = split_questions(text) or [text]
        verdicts = [index.classify(v, limits.k) for v in embedder.embed(questions)]
        sure = [v for v in verdicts if v.fires(limits)]
        result = detect(TriggerContext(message=text, examples=sure), settings)
        return {h.kind for h in result.hits} & set(HANDOFF)

    return fired


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str, set[str]]]:
    fired = make_fired(tmp_path_factory.mktemp("cache"))
    return [(text, label, part, fired(text)) for text, label, part in probes()]


def test_the_probes_are_not_bank_examples() -> None:
    examples = {
        " ".join(e.casefold().split()) for b in builtin_banks().values() for e in b.examples
    }
    assert [t for t, _, _ in probes() if " ".join(t.casefold().split()) in examples] == []


def test_both_halves_hold_every_label() -> None:
    seen = {(label, part) for _, label, part in probes()}
    for label in (*HANDOFF, "answerable"):
        assert {(label, "tune"), (label, "held")} <= seen


@pytest.mark.parametrize("trigger", HANDOFF)
def test_held_out_recall_per_trigger(results, trigger: str) -> None:  # type: ignore[no-untyped-def]
    rows = [fired for _, label, part, fired in results if label == trigger and part == "held"]
    recall = sum(trigger in fired for fired in rows) / len(rows)
    assert recall >= HELD_FLOOR[trigger]


def test_answerable_probes_rarely_hand_off(results) -> None:  # type: ignore[no-untyped-def]
    rows = [fired for _, label, _, fired in results if label == "answerable"]
    assert sum(bool(fired) for fired in rows) / len(rows) <= ANSWERABLE_CEILING


# The "tune" half was worked on: it must stay caught (measured 28/28, 14/14, 15/15, 10/11).
TUNE_FLOOR = {"account_action": 1.0, "explicit": 1.0, "sensitive": 1.0, "sentiment": 0.9}


@pytest.mark.parametrize("trigger", HANDOFF)
def test_tuned_half_recall_per_trigger(results, trigger: str) -> None:  # type: ignore[no-untyped-def]
    rows = [fired for _, label, part, fired in results if label == trigger and part == "tune"]
    assert sum(trigger in fired for fired in rows) / len(rows) >= TUNE_FLOOR[trigger]


# The rules added for issue 11, each on a phrasing of its own (rules alone, no vote).
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ich hätte gern mein Geld zurück bitte", "account_action"),
        ("ändern Sie bitte die Zahlungsart", "account_action"),
        ("please reroute my package, I won't be home", "account_action"),
        ("I want to get a refund", "account_action"),
        ("need refund on order 80211", "account_action"),
        ("the payment didn't go through but the money was taken", "account_action"),
        ("my card was declined but I was still charged", "account_action"),
        ("I'd like to send these back", "account_action"),
        ("stop my subscription", "account_action"),
        ("take the candle off my order", "account_action"),
        ("can I have them swapped for a size 9", "account_action"),
        ("I want my account closed", "account_action"),
        ("remove my saved card", "account_action"),
        ("change the delivery to my neighbour's house", "account_action"),
        ("cancel purchase 55120", "account_action"),
        ("necesito que me reembolsen", "account_action"),
        ("kann ich bitte einen Berater sprechen", "explicit"),
        ("menschlicher Kundenservice bitte", "explicit"),
        ("tem alguém real aí?", "explicit"),
        ("get me someone from customer service", "explicit"),
        ("can you transfer me", "explicit"),
        ("contact a representative", "explicit"),
        ("¿me puede atender un asesor?", "explicit"),
        ("you've ruined my birthday", "sentiment"),
        ("four messages and no reply", "sentiment"),
        ("what a rip off", "sentiment"),
        ("your website sucks", "sentiment"),
        ("I've had it with this shop", "sentiment"),
        ("c'est nul", "sentiment"),
    ],
)
def test_the_new_rules_fire(text: str, kind: str) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "can I change my order after placing it?",
        "can I change the delivery address after ordering?",
        "how do I change my password",
        "how do I update my address",
        "how do I delete my account",
        "how do I reach customer service?",
        "can you transfer me the instructions",
        "does this vacuum suck up pet hair well",
        "is the premium plan a rip-off compared to the basic one?",
    ],
)
def test_how_to_questions_stay_quiet(text: str) -> None:
    assert not set(kinds(text)) & set(HANDOFF)
