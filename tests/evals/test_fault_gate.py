"""The fault-draft set: kept as data, rebuilt identically, and judged by the gate."""

import json
from collections import Counter

import pytest

from agent.claims import sentences
from agent.settings import Settings
from evals.fault_drafts import CLEAN_KINDS, FAULT_KINDS, SEEDS, rewrites
from evals.fault_gate import DRAFTS, SET, build, measure_drafts, table

ROWS = [json.loads(line) for line in DRAFTS.read_text(encoding="utf-8").splitlines()]


def test_the_set_has_at_least_100_faulty_drafts_of_every_kind():
    kinds = Counter(r["kind"] for r in ROWS)
    assert set(kinds) == {*FAULT_KINDS, *CLEAN_KINDS}
    assert sum(n for k, n in kinds.items() if k in FAULT_KINDS) >= 100
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert all(r["set"] == "sample-store" and r["sentences"] for r in ROWS)


def test_every_seed_quotes_the_sample_store_kb_verbatim():
    kb = " ".join(p.read_text(encoding="utf-8") for p in (SET / "kb").rglob("*.md"))
    for seed in SEEDS:
        assert seed.source in kb, seed.source


def test_every_fault_changes_the_sentence_and_every_clean_kind_but_the_quote_rewords_it():
    for seed in SEEDS:
        for kind, texts in rewrites(seed).items():
            for text in texts:
                same = text == seed.source
                assert same == (kind in ("clean_quote", "wrong_citation")), (kind, text)
    for row in ROWS:  # the data file holds exactly these rewrites, one sentence per claim
        seed = SEEDS[int(row["id"][:2])]
        said = [s["text"] for s in row["sentences"]]
        assert any(said == sentences(t) for t in rewrites(seed)[row["kind"]]), row["id"]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return Settings.load(data_dir=tmp_path_factory.mktemp("fault-gate"))


def test_the_data_file_is_what_the_builder_makes(settings):
    assert build(SET, settings) == ROWS


def test_the_gate_sends_no_faulty_draft_and_blocks_no_more_clean_ones(settings):
    report = measure_drafts(SET, settings)
    assert report is not None and sum(s.tried for s in report.kinds.values()) == len(ROWS)
    faulty = {k: s for k, s in report.kinds.items() if k in FAULT_KINDS}
    clean = [s for k, s in report.kinds.items() if k in CLEAN_KINDS]
    sent = {k: s.sent for k, s in faulty.items() if s.sent}
    # "once per item" -> "once per order" keeps every word of the source sentence: the
    # claim's scope ("per X", "each X") is checked like a unit
    assert sent == {}
    assert sum(s.tried - s.blocked_before for s in faulty.values()) > 50  # the word gate's misses
    assert sum(s.blocked for s in clean) <= sum(s.blocked_before for s in clean)
    n = sum(r["kind"] in FAULT_KINDS for r in ROWS)
    assert f"| **all faulty drafts** | {n} |" in table(report)


def test_a_set_without_drafts_is_not_measured(tmp_path):
    assert measure_drafts(tmp_path / "another-set", Settings.load(data_dir=tmp_path)) is None
