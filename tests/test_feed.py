"""The shopper's feed: what a person writes, a pick-up, a resolution and wait updates reach
the widget between replies, in order, from the records store."""

from __future__ import annotations

from pathlib import Path

from agent.runtime import EscalationAgent
from agent.settings import Settings


def test_a_persons_turn_reaches_the_feed_in_order(tmp_path: Path) -> None:
    with EscalationAgent(Settings(data_dir=tmp_path), warm_up=False) as agent:
        reply = agent.request_human("c-feed", channel="chat", timezone="Europe/Lisbon")
        assert reply.kind == "handoff"
        assert agent.feed.since("c-feed") == []
        agent.picked_up("c-feed", agent="Ana")
        agent.agent_message("c-feed", "Hi, I'm Ana; looking at your order now.", agent="Ana")
        agent.resolve("c-feed", "Resent the parcel.", agent="Ana")
        items = agent.feed.since("c-feed")
        assert [i.kind for i in items] == ["picked_up", "agent_message", "resolved"]
        assert (
            items[1].text == "Hi, I'm Ana; looking at your order now." and items[1].agent == "Ana"
        )
        assert agent.feed.since("c-feed", items[0].seq) == items[1:]
        assert agent.feed.since("other") == []
        assert agent.feed.forget("c-feed") == 3 and agent.feed.since("c-feed") == []
