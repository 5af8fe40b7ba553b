"""The adversary: each fault is a real hallucination, and the gate is measured end to end."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from agent.claims import unsupported_quantities
from agent.grounding import verify
from agent.llm import Claim, Draft
from agent.settings import Settings
from evals.adversary import measure
from evals.faults import FAULTS, OUTSIDE_CLAIMS, confident_answer, inject
from tests.fakes import SAMPLE_KB, LexicalRetriever, chunk

SHIPPING = "policies/shipping.md#0"
RETURNS = "policies/returns.md#0"
QUESTION = "How much does standard shipping cost and how long does it take?"
CLEAN = Draft(
    answerable=True,
    sentences=[
        Claim(
            text="Standard shipping costs $5.95 and takes 5-7 business days.", citations=[SHIPPING]
        ),
        Claim(text="Orders over $75 ship free.", citations=[SHIPPING]),
    ],
)


@pytest.fixture
def found():
    return LexicalRetriever(SAMPLE_KB).search(QUESTION, 4)


def gate(draft, found):
    return verify(draft, QUESTION, found, threshold=0.5, min_score=0.3)


def changed(before: Draft, after: Draft) -> list[tuple[Claim, Claim]]:
    return [(a, b) for a, b in zip(before.sentences, after.sentences, strict=True) if a != b]


def test_the_clean_draft_passes_so_a_catch_is_the_faults_doing(found):
    assert gate(CLEAN, found).passed


@pytest.mark.parametrize("seed", range(6))
def test_changed_number_alters_one_quantity_keeps_its_citation_and_is_caught(found, seed):
    faulty = inject("changed_number", CLEAN, found, random.Random(seed))
    [(old, new)] = changed(CLEAN, faulty)
    assert new.citations == old.citations
    assert new.text != old.text and len(new.text.split()) == len(old.text.split())
    assert new.text in {
        "Standard shipping costs $4.95 and takes 5-7 business days.",
        "Standard shipping costs $5.95 and takes 3-5 business days.",
        "Orders over $50 ship free.",
    }
    assert not gate(faulty, found).passed


def test_changed_number_never_slips_to_a_value_the_source_states():
    source = "You can return items within 30 days, or 45 days for exchanges."
    found = LexicalRetriever([chunk("policies/r.md#0", source)]).search("return days", 1)
    draft = Draft(answerable=True, sentences=[Claim(text=source, citations=["policies/r.md#0"])])
    for seed in range(8):
        faulty = inject("changed_number", draft, found, random.Random(seed))
        # 30 -> 45 would be a number the chunk states: the gate could not tell, pick another
        assert unsupported_quantities(faulty.sentences[0].text, [source])


def test_changed_number_does_not_apply_without_a_quantity(found):
    draft = Draft(
        answerable=True,
        sentences=[Claim(text="Items must have their original tags.", citations=[RETURNS])],
    )
    assert inject("changed_number", draft, found, random.Random(0)) is None


def test_outside_claim_adds_one_known_sentence_citing_the_drafts_chunk(found):
    faulty = inject("outside_claim", CLEAN, found, random.Random(1))
    added = [c for c in faulty.sentences if c not in CLEAN.sentences]
    assert len(faulty.sentences) == 3 and len(added) == 1
    assert added[0].text in OUTSIDE_CLAIMS and added[0].citations == [SHIPPING]


def test_missing_citation_drops_every_citation_of_one_sentence_and_is_caught(found):
    faulty = inject("missing_citation", CLEAN, found, random.Random(0))
    [(old, new)] = changed(CLEAN, faulty)
    assert new.text == old.text and new.citations == []
    verdict = gate(faulty, found)
    assert not verdict.passed and verdict.confidence == 0.0


def test_wrong_citation_points_to_the_least_related_retrieved_chunk(found):
    faulty = inject("wrong_citation", CLEAN, found, random.Random(0))
    [(old, new)] = changed(CLEAN, faulty)
    assert new.text == old.text
    assert new.citations == ["products/aero-buds.md#0"]  # shares no word with shipping
    assert not gate(faulty, found).passed


def test_wrong_citation_needs_another_retrieved_chunk():
    only = LexicalRetriever(SAMPLE_KB[2:3]).search(QUESTION, 4)
    assert inject("wrong_citation", CLEAN, only, random.Random(0)) is None


def test_no_fault_applies_to_an_empty_draft_except_unanswerable(found):
    empty = Draft(answerable=False, sentences=[])
    for fault in FAULTS[:-1]:
        assert inject(fault, empty, found, random.Random(0)) is None
    assert inject("unanswerable", empty, found, random.Random(0)) is not None
    with pytest.raises(ValueError, match="unknown fault"):
        inject("typo", CLEAN, found, random.Random(0))


def test_confident_answer_quotes_the_top_chunk_with_a_correct_citation(found):
    draft = confident_answer(found)
    top = found[0].chunk
    assert draft.answerable and all(c.citations == [top.id] for c in draft.sentences)
    assert all(c.text in top.text for c in draft.sentences)
    assert confident_answer([]) is None


# --- measure, end to end on a tiny set with the real local embedder ----------------

KB = {
    "policies/returns.md": "# Returns\n\n## Return window\n\nYou can return unworn items within "
    "30 days of delivery for a full refund. Items must have their original tags attached.\n",
    "policies/shipping.md": "# Shipping\n\n## Rates\n\nStandard shipping costs $5.95 and takes "
    "5-7 business days. Orders over $75 ship free.\n",
    "products/aero-buds.md": "# Aero Buds Pro\n\n## Battery\n\nAero Buds Pro give 8 hours of "
    "battery life per charge and 32 hours with the charging case.\n",
}
QUESTIONS = {
    "return-window": ("answer", "How many days do I have to return unworn items?"),
    "shipping-cost": ("answer", "How much does standard shipping cost?"),
    "battery": ("answer", "How many hours of battery life do the Aero Buds Pro have?"),
    "blank": ("answer", "   "),
    "antarctica": ("escalate", "Do you deliver to research stations in Antarctica by drone?"),
    "scuba": ("escalate", "Can I wear the Aero Buds Pro while scuba diving at 30 metres?"),
}


def write_tiny_set(root: Path) -> Path:
    """kb/ with three documents; three answerable cases, one blank turn, two low_confidence."""
    for name, text in KB.items():
        (root / "kb" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "kb" / name).write_text(text, encoding="utf-8")
    lines = []
    for cid, (decision, turn) in QUESTIONS.items():
        escalate = decision == "escalate"
        expect = {"decision": decision, "escalate_at_turn": 1 if escalate else None}
        expect["trigger"] = "low_confidence" if escalate else None
        lines.append(json.dumps({"id": cid, "turns": [turn], "expect": expect}))
    (root / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = write_tiny_set(tmp_path_factory.mktemp("tiny"))
    return root, Settings.load(data_dir=root / "d")


@pytest.fixture(scope="module")
def measured(tiny):
    seen: list[tuple[int, int, str]] = []
    report = measure(*tiny, seed=3, progress=lambda *a: seen.append(a))
    return report, seen


def test_measure_runs_end_to_end_and_counts_every_fault(measured):
    report, seen = measured
    assert [s[:2] for s in seen] == [(n, 6) for n in range(1, 7)]
    assert report.clean.drafts + report.clean.not_drafted == 3  # the blank turn is skipped
    assert report.clean.drafts >= 1 and 0 <= report.clean.false_block_rate <= 1
    assert report.faults["unanswerable"].injected == 2
    for fault in FAULTS:
        score = report.faults[fault]
        assert score.injected > 0, fault
        assert 0 <= score.catch_rate <= 1 and score.caught <= score.injected
        assert len(score.missed) == min(5, score.injected - score.caught)
    # hard rules of the gate: these can never slip through
    for fault in ("changed_number", "missing_citation"):
        assert report.faults[fault].catch_rate == 1.0
    assert report.seed == 3 and report.seconds > 0


def test_measure_is_repeatable_and_limit_caps_each_kind_of_case(tiny, measured):
    report, _ = measured
    again = measure(*tiny, seed=3)
    assert again.model_dump(exclude={"seconds"}) == report.model_dump(exclude={"seconds"})
    one = measure(*tiny, seed=3, limit=1)
    assert one.clean.drafts + one.clean.not_drafted == 1
    assert one.faults["unanswerable"].injected == 1


def test_the_fault_injector_wraps_any_model_and_asks_it_once_per_question():
    from agent.llm import Claim, Draft
    from evals.faults import FaultInjector
    from tests.fakes import SAMPLE_KB, LexicalRetriever, ScriptedLLM

    clean = Draft(
        answerable=True,
        sentences=[
            Claim(
                text="You can return unworn items within 30 days of delivery.",
                citations=["policies/returns.md#0"],
            )
        ],
    )
    inner = ScriptedLLM([clean])
    chunks = LexicalRetriever(SAMPLE_KB).search("return unworn items days", 3)
    llm = FaultInjector(inner)
    assert llm.draft_answer("q", chunks, []) == clean and not llm.injected
    llm.fault = "changed_number"
    faulty = llm.draft_answer("q", chunks, [])
    assert llm.injected and "30 days" not in faulty.sentences[0].text
    llm.fault = "missing_citation"
    assert llm.draft_answer("q", chunks, []).sentences[0].citations == []
    assert inner.calls == ["q"]  # one model call for every fault
    with pytest.raises(ValueError, match="unknown fault"):
        FaultInjector(inner, fault="typo")
