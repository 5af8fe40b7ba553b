"""Checkpoints are pruned to what resuming needs, and a conversation's bytes grow linearly."""

from __future__ import annotations

from agent.retention.checkpoints import prune_thread, threads
from evals.bench.growth import conversation_growth
from tests.retention.conftest import RETURNS, SHIPPING, MakeAgent


def _checkpoints(agent, cid: str) -> int:
    return len(list(agent.graph.checkpointer.list({"configurable": {"thread_id": cid}})))


def test_a_conversation_keeps_one_checkpoint_and_still_resumes(make_agent: MakeAgent):
    agent = make_agent()
    for n in range(6):
        assert agent.send("c1", RETURNS if n % 2 else SHIPPING).kind == "answer"
    assert _checkpoints(agent, "c1") == 1
    assert agent.request_human("c1").kind == "handoff"  # the graph now waits in an interrupt
    assert agent.send("c1", "are you there?").kind == "with_human"
    assert _checkpoints(agent, "c1") == 1
    again = make_agent()  # another process, the same database: the interrupt survived pruning
    assert again.conversation("c1").mode == "human"
    done = again.resolve("c1", "Standard shipping is free over $50.", agent="sam")
    assert done.mode == "bot" and _checkpoints(again, "c1") == 1
    assert again.send("c1", RETURNS).kind == "answer"
    lines = [t.text for t in again.conversation("c1").transcript if t.role == "shopper"]
    pressed = "[pressed: Talk to a person]"
    assert lines == [SHIPPING, RETURNS] * 3 + [pressed, "are you there?", RETURNS]


def test_pruning_leaves_other_conversations_alone(make_agent: MakeAgent):
    agent = make_agent()
    agent.send("a", RETURNS)
    agent.send("b", SHIPPING)
    assert prune_thread(agent.graph.checkpointer, "a")
    listed = {t.thread_id: t for t in threads(agent.graph.checkpointer)}
    assert set(listed) == {"a", "b"}
    assert listed["b"].values["transcript"][0]["text"] == SHIPPING


def test_database_bytes_per_turn_stay_flat(tmp_path):
    """Sizes of the SQLite file itself, not times: turns 60-100 cost what turns 10-50 did."""
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever

    settings = Settings.load(data_dir=tmp_path, triggers={"loop_repeats": 1000})
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        # three questions the KB answers: the conversation stays with the bot (a handoff would
        # add the shopper's later lines to the ticket's outbox, which is not checkpoint growth)
        questions = [RETURNS, SHIPPING, "How long do refunds take to arrive?"]
        growth = conversation_growth(agent, questions, 100)
    assert growth["checkpoints_kept"] == 1
    assert (growth["early"], growth["late"]) == ([10, 50], [60, 100])
    # whole-state checkpoints make turn 100 cost about twice turn 30; pruned, the cost is flat
    # (the slack is page granularity: one 4 KB page over 40 turns)
    assert growth["late_bytes_per_turn"] <= 1.2 * growth["early_bytes_per_turn"] + 4096 / 40
