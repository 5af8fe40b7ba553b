"""Intent by example: the bank loader, the nearest-example vote, and what detect does with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from agent.errors import ConfigError
from agent.routing import route
from agent.settings import TriggerSettings
from agent.triggers import TriggerContext, detect
from agent.triggers.banks import Bank, bank_hash, builtin_banks, load_banks
from agent.triggers.nearest import IntentIndex, Limits, Thresholds, index_for, thresholds_for
from knowledge.embeddings import LocalMiniLM

SETS = Path(__file__).resolve().parents[2] / "evals" / "sets"


# --- the banks -----------------------------------------------------------------------


def test_the_shipped_banks_cover_every_trigger_and_the_asked_intents() -> None:
    banks = builtin_banks()
    assert {b.trigger for b in banks.values()} == {
        "account_action",
        "explicit",
        "sensitive",
        "sentiment",
        "answer",
        "decline",
    }
    for name in ("return_item", "exchange_item", "cancel_order", "change_address"):
        assert banks[name].trigger == "account_action"
    assert banks["dispute_chargeback"].topic == "chargeback"
    assert sum(len(b.examples) for b in banks.values()) >= 700


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def test_no_bank_example_is_copied_from_an_eval_case() -> None:
    """The banks are written from the domain; an eval case's words would fit them to the eval."""
    said = set()
    for cases in SETS.glob("*/*.jsonl"):
        for line in cases.read_text(encoding="utf-8").splitlines():
            if line.strip():
                said |= {_normal(t) for t in json.loads(line).get("turns", [])}
    assert said, "no eval cases found"
    copied = [
        (name, e) for name, b in builtin_banks().items() for e in b.examples if _normal(e) in said
    ]
    assert copied == []


def test_a_bad_store_bank_is_refused_naming_its_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('trigger = "account_action"\nexamples = ["a",', "utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_banks(tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('intent = "returns"\nexamples = ["x"]', "trigger"),
        ('trigger = "maybe"\nintent = "returns"\nexamples = ["x"]', "trigger"),
        ('trigger = "answer"\nintent = "returns"\nexamples = []', "examples"),
        ('trigger = "answer"\nintent = "returns"\nexamples = ["  "]', "empty"),
        ('trigger = "sensitive"\nintent = "billing"\nexamples = ["x"]', "topic"),
    ],
)
def test_an_invalid_bank_names_its_file_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "mine.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=rf"(?s)mine\.toml: .*{problem}") as caught:
        load_banks(tmp_path)
    assert "mine.toml" in str(caught.value)


def test_a_store_adds_examples_to_a_bank_and_new_banks(tmp_path: Path) -> None:
    (tmp_path / "return_item.toml").write_text('examples = ["send the lot back to the depot"]')
    (tmp_path / "gift_wrap.toml").write_text(
        'trigger = "account_action"\nintent = "order_status"\nexamples = ["wrap my order"]'
    )
    banks = load_banks(tmp_path)
    assert banks["return_item"].examples[-1] == "send the lot back to the depot"
    assert banks["return_item"].examples[:-1] == builtin_banks()["return_item"].examples
    assert banks["gift_wrap"].trigger == "account_action"
    assert bank_hash(banks) != bank_hash(builtin_banks())


def test_a_store_file_may_not_change_a_built_in_banks_trigger(tmp_path: Path) -> None:
    (tmp_path / "return_item.toml").write_text('trigger = "answer"\nexamples = ["x"]')
    with pytest.raises(ConfigError, match=r"return_item\.toml: bank trigger 'answer' disagrees"):
        load_banks(tmp_path)


def test_a_missing_store_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        load_banks(tmp_path / "nope")


# --- the vote --------------------------------------------------------------------------


def _bank(trigger: str, *examples: str) -> Bank:
    return Bank(trigger=trigger, intent="other", topic="t", examples=examples)  # type: ignore[arg-type]


def test_the_vote_needs_agreeing_neighbours_a_floor_and_a_margin() -> None:
    banks = {"act": _bank("account_action", "a1", "a2", "a3"), "ans": _bank("answer", "b1")}
    rows = np.array([[1, 0], [0.9, 0.436], [0.8, 0.6], [0, 1]], dtype=np.float32)
    index = IntentIndex(banks, rows)
    verdict = index.classify([1.0, 0.0], k=3)
    assert (verdict.label, verdict.votes, verdict.score, verdict.rival) == ("act", 3, 1.0, 0.0)
    sure = Thresholds(k=3, trigger={"account_action": Limits(min_votes=3, floor=0.9, margin=0.5)})
    assert verdict.fires(sure)
    assert not verdict.fires(sure.model_copy(update={"k": 3, "trigger": {}}))
    strict = {"account_action": Limits(min_votes=3, floor=0.9, margin=1.1)}
    assert not verdict.fires(Thresholds(k=3, trigger=strict))
    near_both = index.classify([0.6, 0.8], k=3)  # nearest: b1, then a3
    assert near_both.label == "act" and near_both.votes == 2
    assert not near_both.fires(sure)


def test_an_index_refuses_vectors_that_do_not_match_the_examples() -> None:
    with pytest.raises(ValueError, match="2 vectors for 3 examples"):
        IntentIndex({"a": _bank("answer", "x", "y", "z")}, np.zeros((2, 4)))


@pytest.fixture(scope="module")
def minilm_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalMiniLM, IntentIndex]:
    embedder = LocalMiniLM()
    return embedder, index_for(builtin_banks(), embedder, tmp_path_factory.mktemp("cache"))


def _sure(minilm_index: tuple[LocalMiniLM, IntentIndex], text: str) -> list[str]:
    embedder, index = minilm_index
    limits = thresholds_for(embedder.name)
    assert limits is not None, "the shipped embedder has calibrated thresholds"
    verdict = index.classify(embedder.embed([text])[0], limits.k)
    return [verdict.label, verdict.bank.trigger] if verdict.fires(limits) else []


@pytest.mark.parametrize(
    ("text", "trigger", "queue"),
    [
        (
            "hello, please call off my order 5512-0091, I bought it twice",
            "account_action",
            "orders",
        ),
        ("Necesito anular el pedido AB-3390, ya no lo quiero", "account_action", "orders"),
        ("Bitte stornieren Sie meine Bestellung Nr. 4471", "account_action", "orders"),
        ("Je veux renvoyer ces chaussures, commande 8812", "account_action", "orders"),
        ("Eu quero devolver o casaco do pedido 5521", "account_action", "orders"),
        ("I'd like to get my money back for the cracked mirror", "account_action", "billing"),
        # a received item in the wrong fit, in the shopper's words: an exchange
        ("the sandals I received are too tight, what are my options", "account_action", "orders"),
        (
            "Hi, Noah here, zip 10001. On 44120 I'd like the bike helmet switched to size L",
            "account_action",
            "orders",
        ),
        ("my bank is looking into this charge, I reported it to them", "sensitive", "billing"),
        # privacy and product safety go to compliance, by example when no rule matches
        (
            "I'd like you to get rid of everything you've got on file about me",
            "sensitive",
            "compliance",
        ),
        ("there was something hard and sharp in the dog food", "sensitive", "compliance"),
        # issue 11: a price problem on the shopper's own order goes to billing
        (
            "my voucher code got rejected at checkout and I paid full price",
            "account_action",
            "billing",
        ),
        ("the sale price wasn't applied to what I bought on Monday", "account_action", "billing"),
        # an indirect ask for a person, and a reaction to a product
        ("is there someone I could ring about this", "explicit", "general"),
        ("can I be put through to a colleague", "explicit", "general"),
        ("my eyes stung and went red after the cleanser", "sensitive", "compliance"),
    ],
)
def test_paraphrases_outside_the_banks_trigger_and_route_right(
    minilm_index, text, trigger, queue
) -> None:
    assert all(_normal(text) != _normal(e) for b in builtin_banks().values() for e in b.examples)
    embedder, index = minilm_index
    limits = thresholds_for(embedder.name)
    assert limits is not None
    verdict = index.classify(embedder.embed([text])[0], limits.k)
    assert verdict.fires(limits)
    result = detect(TriggerContext(message=text, examples=[verdict]), TriggerSettings())
    assert trigger in [h.kind for h in result.hits]
    assert route(result.hits, result.intent, result.topics, False) == queue


@pytest.mark.parametrize(
    "text",
    [
        "does the linen shirt shrink in the wash?",
        "what's your policy on returning opened items?",
        "how long does delivery to Spain take?",
        "¿Este abrigo es impermeable?",
        "what's your privacy policy",
        # the same product in another variant, before buying: a catalogue question
        "do you have the lamp in another color?",
        "is the same chair available in blue?",
        # how-to questions next to the account actions: the knowledge base answers them
        "where do I enter a voucher code",
        "can I use a coupon on an item that's already reduced?",
        "what should I do if I forget my password",
        "do you deliver on Sundays?",
    ],
)
def test_answerable_questions_fire_no_trigger(minilm_index, text) -> None:
    sure = _sure(minilm_index, text)
    assert sure[1:] in ([], ["answer"])


def test_example_vectors_are_cached_on_disk_under_the_banks_hash(tmp_path: Path) -> None:
    class Counting:
        name = "counting"

        def __init__(self) -> None:
            self.calls = 0

        def embed(self, texts: list[str]) -> list[list[float]]:
            self.calls += 1
            return [[1.0, 0.0]] * len(texts)

    banks = {"only": _bank("answer", "a", "b")}
    first = Counting()
    index_for(banks, first, tmp_path)
    assert first.calls == 1
    assert list(tmp_path.glob(f"intents-counting-{bank_hash(banks)}.npy"))
    from agent.triggers import nearest

    nearest._INDEXES.clear()  # a new process: memory is empty, the disk cache is not
    again = Counting()
    assert index_for(banks, again, tmp_path).vectors.shape == (2, 2)
    assert again.calls == 0


# --- detect with votes -------------------------------------------------------------------


def test_a_vote_adds_the_trigger_the_rules_missed_and_names_the_route(minilm_index) -> None:
    embedder, index = minilm_index
    limits = thresholds_for(embedder.name)
    assert limits is not None
    text = "my bank is looking into this charge, I reported it to them"
    verdict = index.classify(embedder.embed([text])[0], limits.k)
    without = detect(TriggerContext(message=text), TriggerSettings())
    assert [h.kind for h in without.hits] == []
    result = detect(TriggerContext(message=text, examples=[verdict]), TriggerSettings())
    assert [h.kind for h in result.hits] == ["sensitive"]
    assert "dispute_chargeback" in result.hits[0].reason
    assert result.topics == ["examples.chargeback"]
    assert route(result.hits, result.intent, result.topics, False) == "billing"


def test_an_off_topic_vote_makes_the_turn_declinable_only_when_nothing_fired() -> None:
    verdict = IntentIndex({"off": _bank("decline", "x")}, np.array([[1.0]])).classify([1.0], 1)
    quiet = detect(TriggerContext(message="tell me a joke", examples=[verdict]), TriggerSettings())
    assert quiet.declinable and quiet.hits == []
    loud = detect(
        TriggerContext(message="tell me a joke or get me a human", examples=[verdict]),
        TriggerSettings(),
    )
    assert not loud.declinable and [h.kind for h in loud.hits] == ["explicit"]
