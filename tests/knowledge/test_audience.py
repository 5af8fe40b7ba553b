"""Audience at ingest: agent-facing text is labelled internal, by front matter, settings or
the heuristic, and the label reaches the stored chunks."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.audience import (
    declared_audience,
    document_audiences,
    section_verdict,
    split_front_matter,
)
from knowledge.documents import load_document, load_folder
from knowledge.ingest import IngestOptions, ingest

WIKI = """# Retail agent policy

As a retail agent, you can help users cancel or modify pending orders.

## Cancel pending order

- An order can only be cancelled if its status is 'pending', and you should check its status.
- The user needs to confirm the order id and the reason for cancellation.
- After user confirmation, the total will be refunded in 5 to 7 business days.

## Domain basics

- Each order has a status.
- Orders ship from Ohio.
"""

SHOPPER = """# Returns

You can return unworn items within 30 days. We email you a prepaid label.

## Refunds

The customer is responsible for return shipping on change-of-mind returns.
Refunds reach your card within 5 business days.
"""


@pytest.mark.parametrize(
    "text",
    [
        "As an airline agent, you can help users book, modify, or cancel flight reservations.",
        "INTERNAL ONLY: do not share this with customers. Offer a 10% voucher.",
        "You as the agent should never promise a delivery date.",
        "The customer wants to manage their address. Ask the user for the new zip code first.",
        "Transfer the user to a human agent if the request is out of scope. "
        "The agent must obtain explicit user confirmation before calling the API.",
    ],
)
def test_staff_facing_text_is_internal(text: str) -> None:
    verdict = section_verdict(text)
    assert verdict.audience == "internal" and verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "You can return unworn items within 30 days of delivery.",
        "The customer is responsible for return shipping on change-of-mind returns.",
        "Our agents are available Monday to Friday. Call us at 1-800-555-0142.",
        "Ask us before you order; we cannot match a price after the order is placed.",
    ],
)
def test_shopper_facing_text_is_not(text: str) -> None:
    assert section_verdict(text).audience == "shopper"


def test_a_document_mostly_internal_is_internal_as_a_whole() -> None:
    sections = [
        "As a retail agent, you can help users cancel orders.",
        "The user needs to confirm the order id. Ask the user for the reason. Then call the tool.",
        "Each order has a status.",
    ]
    verdicts = document_audiences(sections)
    assert [v.audience for v in verdicts] == ["internal"] * 3
    assert "2 of the document's 3 sections" in verdicts[2].reasons[0]
    # one internal section among shopper ones stays alone
    mixed = document_audiences([sections[0], "We ship in 3 days.", "Returns: 30 days."])
    assert [v.audience for v in mixed] == ["internal", "shopper", "shopper"]


def test_declared_audience_overrides_the_heuristic() -> None:
    verdicts = document_audiences(["As a retail agent, you can help users."], "shopper")
    assert verdicts[0].audience == "shopper"
    globs = {"wiki/**": "internal", "wiki/public-*.md": "shopper"}
    assert declared_audience("wiki/desk/refunds.md", globs) == "internal"
    assert declared_audience("wiki/public-faq.md", globs) == "shopper"  # the last match wins
    assert declared_audience("faq.md", globs) is None


def test_front_matter_is_read_and_removed(tmp_path: Path) -> None:
    body, meta = split_front_matter("---\naudience: internal\ntitle: 'Desk'\n---\n# Desk\nText.\n")
    assert meta == {"audience": "internal", "title": "Desk"} and body.startswith("# Desk")
    assert split_front_matter("# No front matter\n---\n") == ("# No front matter\n---\n", {})
    (tmp_path / "desk.md").write_text("---\naudience: internal\n---\n# Desk\nWe ship fast.\n")
    doc = load_document(tmp_path / "desk.md", tmp_path)
    assert doc.audience == "internal"
    assert all("audience" not in s.text for s in doc.sections)


def test_a_bad_front_matter_value_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "faq.md").write_text("---\naudience: staff\n---\n# FAQ\nWe ship fast.\n")
    docs, problems = load_folder(tmp_path)
    assert docs[0].audience is None
    assert any("audience 'staff'" in p.message for p in problems)


def _chunks(store) -> dict[str, set[str]]:
    """doc path -> the audiences of its stored chunks."""
    found = store._coll().get(include=["metadatas"])
    out: dict[str, set[str]] = {}
    for meta in found["metadatas"]:
        path = str(meta["doc_id"]).split(":", 1)[-1]
        out.setdefault(path, set()).add(meta.get("audience", "shopper"))
    return out


def test_ingest_stores_the_audience_and_a_glob_relabels(tmp_path, store, fake_embedder) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "agent-policy.md").write_text(WIKI)
    (kb / "returns.md").write_text(SHOPPER)
    report = ingest(kb, store, fake_embedder)
    assert _chunks(store) == {"agent-policy.md": {"internal"}, "returns.md": {"shopper"}}
    internal = [f for f in report.flags if f.kind == "internal"]
    assert internal and all(f.doc_id.endswith("agent-policy.md") for f in internal)
    assert not any(f.withheld for f in internal)  # kept for handoffs
    hits = store.search("refunded in 5 to 7 business days", 2)
    assert any(sc.chunk.audience == "internal" for sc in hits)

    # the store declares the wiki shopper-facing: the document is written again, relabelled
    opts = IngestOptions(audience_globs=(("agent-*.md", "shopper"),))
    again = ingest(kb, store, fake_embedder, options=opts)
    assert any(d.endswith("agent-policy.md") for d in again.updated)
    assert _chunks(store) == {"agent-policy.md": {"shopper"}, "returns.md": {"shopper"}}
    assert not [f for f in again.flags if f.kind == "internal"]


# A help-desk playbook in the style many stores keep: the reader is the agent, the customer
# is "they", steps name the buttons of the agent's screen. Written for this test.
PLAYBOOK = """The shopper thinks a gift card balance is missing from their account.

- **Open Profile**: Get the full name or member number for [Open Profile]
- **Check Ledger**: Find out when the card was loaded.
  - Options include 'birthday', 'promotion', 'refund'
  - Type this into the input box and press [Check Ledger]
- If the shopper is mistaken, let them know the balance shows on the receipt email.
- **Credit Card**: Otherwise add the balance back with [Add Credit].
  - Enter the amount without the dollar sign.
"""

# A shopper-facing help page that names buttons too, and speaks of "the customer" once.
HELP_PAGE = """To return an item, sign in and open [My Orders].

- Click the Return button next to the item.
- Choose a reason and print the prepaid label.
- Drop the parcel at any post office within 30 days.

The customer is responsible for return shipping on change-of-mind returns.
"""


def test_a_playbook_that_names_screen_controls_is_internal() -> None:
    verdict = section_verdict(PLAYBOOK)
    assert verdict.audience == "internal"
    assert any("control" in r for r in verdict.reasons)
    assert any("third person" in r or "what to say" in r for r in verdict.reasons)


def test_a_help_page_that_names_buttons_stays_shopper_facing() -> None:
    assert section_verdict(HELP_PAGE).audience == "shopper"


@pytest.mark.parametrize(
    "text",
    [
        "The customer believes a fee was added twice. Instruct the customer to sign out first.",
        "If the caller is mistaken, explain to them that the charge is a hold. "
        "Then end the conversation.",
        "Collect their username and the order number. Ask them whether they kept the box.",
    ],
)
def test_instructions_about_a_customer_are_internal(text: str) -> None:
    assert section_verdict(text).audience == "internal"
