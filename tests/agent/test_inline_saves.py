"""The end-of-turn checkpoint save runs in the calling thread (agent/inline_saves.py), is
still done before a turn returns, and still fails the run when it fails."""

import threading
from datetime import UTC, datetime

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import _executor

from agent import inline_saves
from agent.graph import build_graph
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever


class RecordingSaver(InMemorySaver):
    """Remembers the thread of every save; fails them when told to."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []
        self.fail = False

    def put(self, config, checkpoint, metadata, new_versions):
        self.threads.append(threading.get_ident())
        if self.fail:
            raise OSError("disk full")
        return super().put(config, checkpoint, metadata, new_versions)


def _run(graph, cid: str, context=None):
    turn = {"conversation_id": cid, "incoming": "Hi there!", "action": "message"}
    config = {"configurable": {"thread_id": cid}}
    return graph.invoke(turn, config, context=context, durability="exit")


@pytest.fixture
def agent(tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data", store_name="Northwind")
    clock = lambda: datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # noqa: E731
    made = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)
    yield made
    made.close()


def test_the_patch_is_installed_on_this_langgraph():
    # fails when a LangGraph upgrade moves what agent/inline_saves.py patches: turns then
    # still work (saves in LangGraph's thread), but the per-turn saving is lost
    assert inline_saves.installed()
    assert getattr(_executor.get_executor_for_config, "_escalate_inline", False)


def test_a_turn_saves_its_checkpoint_in_the_calling_thread_before_it_returns(agent):
    saver = RecordingSaver()
    graph = build_graph(saver)
    with inline_saves.inline_saves():
        _run(graph, "c1", agent.context)
    assert saver.threads and set(saver.threads) == {threading.get_ident()}
    saved = graph.get_state({"configurable": {"thread_id": "c1"}}).values
    assert saved.get("reply") and saved.get("transcript")


def test_outside_the_block_langgraph_keeps_its_background_thread(agent):
    saver = RecordingSaver()
    _run(build_graph(saver), "c2", agent.context)
    assert saver.threads and threading.get_ident() not in saver.threads


def test_a_failed_save_still_fails_the_run(agent):
    saver = RecordingSaver()
    saver.fail = True
    with inline_saves.inline_saves(), pytest.raises(OSError, match="disk full"):
        _run(build_graph(saver), "c3", agent.context)


def test_the_runtime_saves_inline_and_the_turn_is_durable(agent):
    calls: list[int] = []
    put = agent.checkpointer.put

    def recording(*args, **kwargs):
        calls.append(threading.get_ident())
        return put(*args, **kwargs)

    agent.checkpointer.put = recording  # type: ignore[method-assign]
    reply = agent.send("c4", "How many days do I have to return unworn items?", message_id="m1")
    assert calls and set(calls) == {threading.get_ident()}
    saved = agent.graph.get_state({"configurable": {"thread_id": "c4"}}).values
    assert saved["message_id"] == "m1" and saved["reply"]["messages"] == reply.messages


def test_a_moved_executor_is_left_alone(monkeypatch):
    class Moved:  # a BackgroundExecutor that no longer calls get_executor_for_config
        def __init__(self, config):
            self.config = config

    before = _executor.get_executor_for_config
    monkeypatch.setattr(_executor, "BackgroundExecutor", Moved)
    assert inline_saves._install() is False
    assert _executor.get_executor_for_config is before
