"""A size/price table and a list longer than a chunk, through the real ingest, store and
offline answer: a row quoted from a later chunk still names its columns, and a question
about one variant is answered with that variant's row, not another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.runtime import EscalationAgent
from agent.settings import Settings
from knowledge.chunking import chunk_document
from knowledge.documents import load_folder
from knowledge.ingest import ingest
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder

SCENTS = ["Cedar & Smoke", "Sea Salt Linen", "Amber Noir", "Orange Grove", "Black Fig",
          "Fresh Basil", "Vanilla Bean", "Rain Garden", "Tobacco Leaf", "Pine Hollow",
          "Lavender Field", "Wild Mint"]  # fmt: skip
SIZES = [("4 oz", "20 hours", 14), ("8 oz", "40 hours", 22), ("14 oz", "60 hours", 32),
         ("22 oz", "90 hours", 44)]  # fmt: skip
MONTHS = "January February March April May June July August September October November December"
ROWS = "\n".join(
    f"| {s} | {z} | {b} | ${p + n}.00 |" for n, s in enumerate(SCENTS) for z, b, p in SIZES
)
GONE = "\n".join(
    f"- {s} Reed Diffuser, last batch poured in {m} 2025"
    for s, m in zip(SCENTS, MONTHS.split(), strict=True)
)
CANDLES = f"""# Hearth & Wick candles

## Sizes, burn times and prices

Every candle is hand-poured soy wax with a cotton wick, tested in 4-hour burns.

| Scent | Size | Burn time | Price |
|---|---|---|---|
{ROWS}

## Discontinued products

Our range changes with the seasons. These products are no longer restocked once sold out:
{GONE}
"""
SHIPPING = "# Shipping\n\nStandard shipping takes 3 to 5 business days within the US.\n"


@pytest.fixture
def agent(tmp_path: Path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "candles.md").write_text(CANDLES)
    (kb / "shipping.md").write_text(SHIPPING)
    embedder = FakeEmbedder()
    store = VectorStore(embedder, path=tmp_path / "chroma")
    ingest(kb, store, embedder)
    with EscalationAgent(
        Settings.load(data_dir=tmp_path / "d"), retriever=store, warm_up=False
    ) as running:
        yield running


def _quote(agent: EscalationAgent, cid: str, question: str) -> str:
    reply = agent.send(cid, question)
    assert reply.kind == "answer", reply.messages
    return " ".join(reply.messages)


def test_the_kb_document_really_spans_chunks(tmp_path: Path) -> None:
    (tmp_path / "candles.md").write_text(CANDLES)
    doc = next(d for d in load_folder(tmp_path)[0] if d.id == "candles.md")
    chunks = chunk_document(doc, Settings.load(data_dir=tmp_path / "d").knowledge.chunk_max_tokens)
    table = [c for c in chunks if c.heading.startswith("Sizes")]
    listed = [c for c in chunks if c.heading == "Discontinued products"]
    assert len(table) >= 4 and len(listed) >= 2
    assert all(c.text.startswith("| Scent | Size | Burn time | Price |") for c in table[1:])
    assert all(c.text.startswith("These products are no longer") for c in listed[1:])


@pytest.mark.parametrize(
    ("question", "row", "scent"),
    [
        ("How long does the 14 oz Wild Mint candle burn?", "Size: 14 oz; Burn time: 60 hours", "Wild Mint"),
        ("How much is the 8 oz Pine Hollow candle?", "Size: 8 oz; Burn time: 40 hours; Price: $31.00", "Pine Hollow"),
        ("How long does the 22 oz Lavender Field candle burn?", "Size: 22 oz; Burn time: 90 hours", "Lavender Field"),
    ],
)  # fmt: skip
def test_a_row_from_a_later_chunk_is_quoted_with_its_header_and_only_its_variant(
    agent: EscalationAgent, question: str, row: str, scent: str
) -> None:
    said = _quote(agent, "c-row", question)
    assert f"Scent: {scent}; {row}" in said
    others = [s for s in SCENTS if s != scent]
    assert not any(f"Scent: {s};" in said for s in others)  # no other scent's row
    asked = row.split(";")[0]
    assert said.count("Size: ") == said.count(asked)  # no other size's row


def test_an_item_from_a_later_chunk_is_quoted_with_its_intro(agent: EscalationAgent) -> None:
    said = _quote(agent, "c-item", "Is the Wild Mint reed diffuser discontinued?")
    assert (
        "These products are no longer restocked once sold out: Wild Mint Reed Diffuser, "
        "last batch poured in December 2025" in said
    )
    assert "Black Fig" not in said
