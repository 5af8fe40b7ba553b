"""`forget`: a person's data goes from everywhere, the other customer's stays (SQLite and
PostgreSQL), checked down to the bytes of the SQLite file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.errors import InputError
from agent.learning.book import ProposalBook
from agent.retention.records import all_items
from tests.fakes import DANA
from tests.retention.conftest import SHIPPING, MakeAgent

PRIYA = {"name": "Priya Shah", "email": "priya.shah@example.org", "tier": "standard"}


def chat(agent, cid: str, customer: dict) -> None:
    """Answers, a handoff to the local inbox, a person's line, a resolution (a proposal)."""
    assert agent.send(cid, SHIPPING, customer=customer).kind == "answer"
    reply = agent.send(
        cid, f"Can I pay with crypto? Mail me at {customer['email']}", customer=customer
    )
    assert reply.kind == "handoff"
    agent.agent_message(cid, f"Hi {customer['name'].split()[0]}, checking now")
    agent.resolve(cid, "Yes: we accept Bitcoin through BitPay at checkout.", agent="sam")


def namespaces(agent) -> Counter[str]:
    return Counter("/".join(item.namespace[:1]) for item in all_items(agent.store))


def mentioning(agent, *needles: str) -> list[str]:
    found = []
    for item in all_items(agent.store):
        text = f"{item.key} {item.value}".casefold()
        found += ["/".join(item.namespace)] if any(n.casefold() in text for n in needles) else []
    return found


def test_forgetting_a_customer_removes_them_everywhere_and_keeps_the_other(
    make_agent: MakeAgent, tmp_path: Path
):
    agent = make_agent()
    chat(agent, "c-dana", DANA)
    chat(agent, "c-priya", PRIYA)
    before = namespaces(agent)
    assert {"inbox", "outbox", "queue_board", "events", "learning"} <= set(before)
    for conn in (
        getattr(agent.graph.checkpointer, "conn", None),
        getattr(agent.store, "conn", None),
    ):
        if hasattr(conn, "total_changes"):  # SQLite: deleted rows keep their bytes unless vacuumed
            conn.execute("PRAGMA secure_delete=OFF")

    report = agent.forget(customer="DANA@example.com")

    assert report.conversations == ["c-dana"]
    assert report.removed["outbox"] == 1 and report.removed["inbox"] == 1
    assert report.removed["queue_board/handoffs"] == 1 and report.removed["events"] >= 3
    assert report.redacted["learning/proposals"] == 1
    assert report.removed["journal"] >= 1  # the message journal: what Dana wrote
    assert agent.conversation("c-dana").mode == "new"  # no checkpoint left
    assert mentioning(agent, "dana@example.com", "Dana Reyes", "c-dana") == []
    dana_ticket_gone = [
        p for p in ProposalBook(agent.store).all() if p.sources[0].conversation_id == "erased"
    ]
    assert (
        len(dana_ticket_gone) == 1 and "Bitcoin" in dana_ticket_gone[0].answer
    )  # the answer stays
    # the other customer is intact
    kept = agent.conversation("c-priya")
    assert kept.mode == "bot" and PRIYA["email"] in " ".join(t.text for t in kept.transcript)
    assert len(mentioning(agent, "c-priya")) >= 5
    sqlite = tmp_path / "data" / "conversations.sqlite"
    if sqlite.exists():  # the SQLite engine: the bytes are gone too, not just the rows
        agent.close()
        raw = b"".join(
            p.read_bytes() for p in sqlite.parent.glob("conversations.sqlite*") if p.is_file()
        )
        for gone in (b"dana@example.com", b"Dana Reyes", b"NW-10482"):
            assert gone not in raw
        assert PRIYA["email"].encode() in raw


def test_forgetting_a_conversation_and_a_dry_run(make_agent: MakeAgent):
    agent = make_agent()
    chat(agent, "c-dana", DANA)
    counted = agent.forget(conversation="c-dana", apply=False)
    assert counted.conversations == ["c-dana"] and counted.removed["inbox"] == 1
    assert agent.conversation("c-dana").mode == "bot"  # a dry run changes nothing
    done = agent.forget(conversation="c-dana")
    assert done.removed == counted.removed and agent.conversation("c-dana").mode == "new"
    assert agent.forget(conversation="c-dana").empty  # nothing left the second time


def test_forget_refuses_unclear_requests(make_agent: MakeAgent):
    agent = make_agent()
    for kwargs in ({}, {"customer": "a@b.c", "conversation": "x"}, {"customer": "dana"}):
        with pytest.raises(InputError):
            agent.forget(**kwargs)


def test_the_forget_command_prints_what_it_removed(tmp_path: Path, monkeypatch):
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever

    monkeypatch.setenv("ESCALATE_DATA_DIR", str(tmp_path))
    with EscalationAgent(Settings.load(), retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        chat(agent, "c-dana", DANA)
    runner = CliRunner()
    dry = runner.invoke(app, ["forget", "--customer", "dana@example.com", "--dry-run"])
    assert dry.exit_code == 0 and "inbox: would remove 1" in dry.output and "dry run" in dry.output
    done = runner.invoke(app, ["forget", "--customer", "dana@example.com"])
    assert done.exit_code == 0, done.output
    assert "conversations (checkpoints): removed 1" in done.output
    assert "learning/proposals: redacted 1" in done.output and "vacuumed" in done.output


class RecordingVectors:
    """What forget needs of the vector store, recording the chunks it rewrites."""

    def __init__(self) -> None:
        self.embedder = type("E", (), {"embed": staticmethod(lambda texts: [[0.0]] * len(texts))})()
        self.written: list = []

    def replace_document(self, doc_id: str, chunks: list, vectors: list) -> None:
        self.written += chunks


def test_an_approved_answer_keeps_its_text_and_loses_its_link_in_the_vector_store(
    make_agent: MakeAgent,
):
    from agent.retention.forget import forget

    agent = make_agent()
    chat(agent, "c-dana", DANA)
    book = ProposalBook(agent.store)
    proposal = book.all()[0]
    book.put(proposal.model_copy(update={"status": "approved", "decided_by": "cur"}))
    vectors = RecordingVectors()
    report = forget(agent.graph.checkpointer, agent.store, customer="dana@example.com",
                    vectors=vectors)  # fmt: skip
    assert "1 learned answers rewritten" in " ".join(report.notes)
    [chunk] = vectors.written
    assert chunk.doc_id == proposal.doc_id and "Bitcoin" in chunk.text
    assert "c-dana" not in chunk.provenance and "conversation erased" in chunk.provenance
