"""A store without a helpdesk: its agents work from `escalate inbox`, `reply` and `resolve`."""

from __future__ import annotations

import json

from tests.learning.test_curator_cli import (  # noqa: F401 - the fixture, by name
    GIFT_Q,
    data_dir,
    escalate,
    escalate_fails,
    send,
)


def test_an_agent_works_a_handoff_from_the_local_inbox(data_dir, monkeypatch, capsys):  # noqa: F811
    reply = send("c1", GIFT_Q)
    assert reply["kind"] == "handoff"
    hid = reply["handoff"]["id"]

    [ticket] = json.loads(escalate("inbox", "--json").output)
    assert (ticket["id"], ticket["conversation_id"], ticket["status"]) == (hid, "c1", "open")
    listed = escalate("inbox").output
    assert hid in listed and "c1" in listed

    opened = escalate("inbox", "--show", hid).output
    assert "CUSTOMER:" in opened and "SUGGESTED RESPONSE:" in opened  # the agent's screen
    assert json.loads(escalate("inbox", "--show", hid, "--json").output)["package"]["id"] == hid

    escalate(
        "reply", "c1", "I've issued a full refund; you'll see it within 2 days.", "--agent", "Sam"
    )
    transcript = json.loads(escalate("show", "c1", "--json").output)["transcript"]
    assert transcript[-1]["role"] == "agent" and "full refund" in transcript[-1]["text"]

    escalate("resolve", "c1", "Gift wrapping is $4.95 per order.", "--agent", "Sam")
    assert json.loads(escalate("inbox", "--json").output) == []  # closed with the conversation
    [closed] = json.loads(escalate("inbox", "--all", "--json").output)
    assert closed["status"] == "closed"

    said = escalate_fails(monkeypatch, capsys, "inbox", "--show", "HO-NOPE")
    assert "no ticket" in said
    said = escalate_fails(monkeypatch, capsys, "reply", "c1", "anything else?")
    assert "not waiting for a person" in said
