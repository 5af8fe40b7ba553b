"""The state machine, wiring only: one line per node, one line per edge.

intake -> triggers --(any trigger)--> handoff -> human <-> (shopper lines) -> END
              |--(greeting, thanks)--> acknowledge -> END
              \\--> retrieve -> answer -> verify --(below threshold)--> handoff
                                               |--(below, off-topic)--> decline -> END
                                               \\--> respond -> END
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore

from agent.context import Context
from agent.nodes.acknowledge import acknowledge
from agent.nodes.answer import answer
from agent.nodes.decline import decline
from agent.nodes.handoff import handoff
from agent.nodes.human import human
from agent.nodes.intake import intake
from agent.nodes.learn import learn
from agent.nodes.respond import respond
from agent.nodes.retrieve import retrieve
from agent.nodes.routes import after_human, after_triggers, after_verify
from agent.nodes.triggers import triggers
from agent.nodes.verify import verify
from agent.state import ConversationState

Graph = CompiledStateGraph[ConversationState, Context, ConversationState, ConversationState]


def build_graph(
    checkpointer: BaseCheckpointSaver | None = None, store: BaseStore | None = None
) -> Graph:
    graph = StateGraph(ConversationState, context_schema=Context)
    graph.add_node("intake", intake)
    graph.add_node("triggers", triggers)
    graph.add_node("acknowledge", acknowledge)
    graph.add_node("retrieve", retrieve)
    graph.add_node("answer", answer)
    graph.add_node("verify", verify)
    graph.add_node("respond", respond)
    graph.add_node("decline", decline)
    graph.add_node("handoff", handoff)
    graph.add_node("human", human)
    graph.add_node("learn", learn)

    graph.add_edge(START, "intake")
    graph.add_edge("intake", "triggers")
    graph.add_conditional_edges("triggers", after_triggers)
    graph.add_edge("acknowledge", END)
    graph.add_edge("retrieve", "answer")
    graph.add_edge("answer", "verify")
    graph.add_conditional_edges("verify", after_verify)
    graph.add_edge("respond", END)
    graph.add_edge("decline", END)
    graph.add_edge("handoff", "human")
    graph.add_conditional_edges("human", after_human)
    graph.add_edge("learn", END)
    return graph.compile(checkpointer=checkpointer, store=store)
