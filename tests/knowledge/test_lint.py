"""`escalate kb lint` on small KBs where each kind of finding is present, and where it is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from knowledge.lint import contradictions, duplicates, lint_folder, lint_store
from knowledge.models import Chunk

RETURNS = "# Returns & Exchanges\n\n## Window\n\nYou can return unworn items within 30 days of delivery.\n"
SHIPPING = (
    "# Shipping\n\n## Rates\n\nStandard shipping costs $5.95 and takes 5-7 business days.\n\n"
    "Express shipping costs $14.95 and takes 1-2 business days.\n"
)
CLEAN = {
    "returns.md": RETURNS,
    "shipping.md": SHIPPING,
    # two products of one kind: their prices and burn times differ, and that is fine
    "products/cedar.md": "# Cedar Candle\n\nEach candle burns for about 40 hours and costs $18.\n",
    "products/amber.md": "# Amber Candle\n\nEach candle burns for about 60 hours and costs $24.\n",
    "care.md": "# Candle care\n\nTrim the wick before every burn to keep the flame steady.\n",
}


def _kb(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _chunk(doc: str, text: str, title: str = "", n: int = 0) -> Chunk:
    return Chunk(
        id=f"{doc}#{n}", doc_id=doc, title=title, heading="", text=text, n_tokens=9, doc_sha256="x"
    )


def test_a_clean_kb_has_no_findings(tmp_path, minilm):
    report = lint_folder(_kb(tmp_path / "kb", CLEAN), minilm)
    assert report.findings == [] and report.documents == 5 and report.chunks >= 5


def test_internal_text_is_listed_with_its_section_and_reason(tmp_path, fake_embedder):
    wiki = "# Agent guide\n\n## Identity\n\nAs a support agent, you must verify the customer's identity before any change.\n"
    report = lint_folder(_kb(tmp_path / "kb", {**CLEAN, "agents.md": wiki}), fake_embedder)
    internal = [f for f in report.findings if f.kind == "internal"]
    assert len(internal) == 1 and internal[0].where == "agents.md"
    assert "Identity" in internal[0].detail and "addresses staff" in internal[0].detail
    assert internal[0].served is False


def test_exact_duplicates_ignore_case_punctuation_and_spacing():
    a = _chunk("faq.md", "You can return unworn items within 30 days of delivery.")
    b = _chunk("returns.md", "you can return  unworn items, within 30 days of delivery")
    c = _chunk("care.md", "Trim the wick before every burn.")
    vectors = [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]  # the vectors do not matter for exact dupes
    found = duplicates([a, b, c], vectors, similarity=0.99)
    assert [(f.kind, f.where, f.other) for f in found] == [("duplicate", a.id, b.id)]
    short = [_chunk("x.md", "Yes."), _chunk("y.md", "yes")]  # too short to mean anything
    assert duplicates(short, [[1.0], [1.0]]) == []


def test_near_duplicates_by_embedding_similarity(tmp_path, minilm):
    drifted = "# FAQ\n\n## How long\n\nUnworn items can be returned up to 30 days after delivery.\n"
    report = lint_folder(_kb(tmp_path / "kb", {**CLEAN, "faq.md": drifted}), minilm)
    near = [f for f in report.findings if f.kind == "near_duplicate"]
    assert [(f.where, f.other) for f in near] == [("faq.md#0", "returns.md#0")]
    assert near[0].score is not None and near[0].score >= 0.9
    assert not [f for f in report.findings if f.kind == "contradiction"]  # same 30 days
    # a higher bar lets them pass
    strict = lint_folder(tmp_path / "kb", minilm, similarity=0.999)
    assert not [f for f in strict.findings if f.kind == "near_duplicate"]


def test_pieces_of_one_section_are_not_near_duplicates():
    a = _chunk("p.md", "| size | price |\n| S | $10 |", title="Tee", n=0)
    b = _chunk("p.md", "| M | $12 |\n| L | $14 |", title="Tee", n=1)
    assert duplicates([a, b], [[1.0, 0.0], [1.0, 0.01]]) == []


def test_contradictory_durations_and_prices_in_different_documents():
    policy = _chunk(
        "returns.md",
        "You can return unworn items within 30 days of delivery.",
        "Returns & Exchanges",
    )
    faq = _chunk("faq.md", "Items can be returned within 14 days.", "FAQ")
    rates = _chunk(
        "shipping.md", "Standard shipping costs $5.95 and takes 5-7 business days.", "Shipping"
    )
    cheaper = _chunk("help.md", "Standard shipping costs $4.95.", "Help")
    found = contradictions([policy, faq, rates, cheaper])
    pairs = {(f.where, f.other) for f in found}
    assert pairs == {("returns.md#0", "faq.md#0"), ("shipping.md#0", "help.md#0")}
    assert any("'30 days'" in f.detail and "'14 days'" in f.detail for f in found)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        # another service, not another value
        (("shipping.md", "Standard shipping costs $5.95.", "Shipping"),
         ("express.md", "Express shipping costs $14.95.", "Express")),
        # two products of one kind
        (("cedar.md", "Each candle burns for about 40 hours.", "Cedar Candle"),
         ("amber.md", "Each candle burns for about 60 hours.", "Amber Candle")),
        # two products' spec lines name only their labels
        (("mag.md", "Price: $24 · Category: Supplements · SKU: MAG-120", "Magnesium Glycinate"),
         ("d3.md", "Price: $19 · Category: Supplements · SKU: D3K2-60", "Vitamin D3 + K2")),
        # variants told apart by their own size
        (("a.md", "The 8 oz jar costs $12.", "Body Butter"),
         ("b.md", "The 16 oz jar costs $20.", "Body Butter")),
        # the same value, said twice
        (("returns.md", "Returns are accepted within 30 days.", "Returns"),
         ("faq.md", "Returns are accepted within thirty days.", "FAQ")),
    ],
)  # fmt: skip
def test_what_is_not_a_contradiction(one, two):
    assert contradictions([_chunk(*one), _chunk(*two)]) == []


def test_one_document_listing_its_variants_does_not_contradict_itself():
    a = _chunk("sizes.md", "Small boxes ship for $5.", "Sizes", 0)
    b = _chunk("sizes.md", "Small boxes ship for $7 abroad.", "Sizes", 1)
    assert contradictions([a, b]) == []


def test_a_similarity_outside_the_unit_interval_is_a_clear_error():
    with pytest.raises(ValueError, match="similarity must be in"):
        duplicates([], [], similarity=1.5)


def test_the_store_is_linted_from_its_stored_chunks(tmp_path, store, fake_embedder):
    from knowledge.ingest import IngestOptions, ingest

    wiki = "# Agent guide\n\nAs a support agent, you must verify the customer's identity first.\n"
    files = {
        **CLEAN,
        "faq.md": "# FAQ\n\n## Returns\n\nItems can be returned within 14 days.\n",
        "agents.md": wiki,
    }
    ingest(_kb(tmp_path / "kb", files), store, fake_embedder, options=IngestOptions(source="help"))
    report = lint_store(store, "help", similarity=0.999)
    assert report.chunks >= 7 and report.documents == 7
    # stored chunk ids carry their document's version: help:faq.md#0@<version>
    found = [(f.kind, {f.where.split("#")[0], f.other.split("#")[0]}) for f in report.findings]
    assert found == [
        ("internal", {"help:agents.md", ""}),  # the flag ingest stored, with its reason
        ("contradiction", {"help:returns.md", "help:faq.md"}),
    ]
    assert "addresses staff" in report.findings[0].detail
    assert lint_store(store, "nothing-here").chunks == 0


def test_the_command_prints_a_table_json_and_fails_with_strict(tmp_path):
    runner = CliRunner()
    config = tmp_path / "store.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    args = ["--config", str(config)]
    clean = _kb(tmp_path / "clean", CLEAN)
    ok = runner.invoke(app, ["kb", "lint", "--folder", str(clean), "--strict", *args])
    assert ok.exit_code == 0, ok.output
    assert "no findings" in ok.output
    bad = _kb(
        tmp_path / "bad", {**CLEAN, "faq.md": "# FAQ\n\nItems can be returned within 14 days.\n"}
    )
    table = runner.invoke(app, ["kb", "lint", "--folder", str(bad), *args])
    assert table.exit_code == 0, table.output
    assert "contradiction" in table.output and "1 contradiction" in table.output
    strict = runner.invoke(app, ["kb", "lint", "--folder", str(bad), "--json", "--strict", *args])
    assert strict.exit_code == 1
    data = json.loads(strict.output)
    assert [f["kind"] for f in data["findings"]] == ["contradiction"]
    both = runner.invoke(app, ["kb", "lint", "help", "--folder", str(bad), *args])
    assert both.exit_code == 2 and "not both" in both.output
