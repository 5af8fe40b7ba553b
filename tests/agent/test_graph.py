"""The compiled graph's structure is the flowchart; this snapshot guards it."""

from agent.graph import build_graph

EXPECTED_EDGES = {
    ("__start__", "intake"),
    ("intake", "triggers"),
    ("triggers", "handoff"),
    ("triggers", "retrieve"),
    ("triggers", "acknowledge"),
    ("acknowledge", "__end__"),
    ("retrieve", "answer"),
    ("answer", "verify"),
    ("verify", "respond"),
    ("verify", "handoff"),
    ("verify", "decline"),
    ("decline", "__end__"),
    ("respond", "__end__"),
    ("handoff", "human"),
    ("human", "human"),
    ("human", "learn"),
    ("learn", "__end__"),
}


def test_graph_edges_match_the_flowchart():
    g = build_graph().get_graph()
    assert {(e.source, e.target) for e in g.edges} == EXPECTED_EDGES
