"""The facade the bot runtime calls: one method per thing that can happen in a chat."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, ValidationError

from agent.context import Context, Retriever, utc_now
from agent.errors import ConversationError, InputError
from agent.graph import build_graph
from agent.llm import LLM, make_llm
from agent.message import clean
from agent.nodes.human import HumanEvent
from agent.package import HandoffPackage
from agent.reply import BotReply
from agent.settings import Settings
from agent.state import Customer, Turn

log = logging.getLogger(__name__)

EMPTY_PROMPT = "I didn't catch a question there. What can I help you with?"
ERROR_TEXT = (
    "Sorry, something went wrong on our side. Your conversation is saved; "
    "please try again, or choose 'Talk to a person'."
)


class Conversation(BaseModel):
    """A read-only view of one conversation."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    mode: Literal["bot", "human", "new"]
    transcript: list[Turn]
    handoff: HandoffPackage | None = None
    resolution: dict[str, Any] | None = None


def _check_id(conversation_id: str) -> str:
    if (
        not isinstance(conversation_id, str)
        or not conversation_id.strip()
        or len(conversation_id) > 200
    ):
        raise InputError("conversation_id must be a non-empty string of at most 200 characters")
    if not conversation_id.isprintable():
        raise InputError("conversation_id must not contain control characters")
    return conversation_id


def _customer(customer: Customer | dict[str, Any] | None) -> Customer:
    if isinstance(customer, Customer):
        return customer
    try:
        return Customer(**(customer or {}))
    except (ValidationError, TypeError) as exc:
        raise InputError(f"customer record is invalid: {exc}") from exc


def sqlite_checkpointer(path: str) -> SqliteSaver:
    """Conversations on disk, in WAL mode so a crash loses at most the step in flight."""
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn)


class EscalationAgent:
    """Call :meth:`send` for every shopper message; :meth:`resolve` when a person is done."""

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: Retriever | None = None,
        llm: LLM | None = None,
        checkpointer: BaseCheckpointSaver | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        if retriever is None:
            from agent.knowledge_base import open_store

            retriever = open_store(settings)
        if checkpointer is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            checkpointer = sqlite_checkpointer(str(settings.conversations_path))
        if llm is None:
            embedder = getattr(retriever, "embedder", None)
            llm = make_llm(
                settings.llm,
                settings.store_name,
                settings.grounding.min_retrieval_score,
                embed=embedder.embed if embedder is not None else None,
            )
        self.context = Context(settings=settings, llm=llm, retriever=retriever, clock=clock)
        self.graph = build_graph(checkpointer)

    def send(
        self,
        conversation_id: str,
        text: str | bytes,
        *,
        customer: Customer | dict[str, Any] | None = None,
        agents_online: bool = True,
        vertical: str | None = None,
    ) -> BotReply:
        """One shopper message in, one reply out. Never raises on what the shopper typed."""
        return self._turn(conversation_id, text, "message", customer, agents_online, vertical)

    def request_human(
        self,
        conversation_id: str,
        *,
        customer: Customer | dict[str, Any] | None = None,
        agents_online: bool = True,
        vertical: str | None = None,
    ) -> BotReply:
        """The chat menu's 'Talk to a person' button: an immediate handoff."""
        return self._turn(conversation_id, "", "talk_to_person", customer, agents_online, vertical)

    def _turn(self, conversation_id, text, action, customer, agents_online, vertical) -> BotReply:
        cid = _check_id(conversation_id)
        record = _customer(customer)
        message = clean(text if text is not None else "", self.settings.max_message_chars)
        if not message.text and action == "message":
            return BotReply(
                conversation_id=cid, kind="notice", messages=[EMPTY_PROMPT], notes=message.notes
            )
        config = {"configurable": {"thread_id": cid}}
        try:
            if self._waiting_for_human(config):
                event = HumanEvent(
                    type="shopper_message",
                    text=message.text or "[pressed: Talk to a person]",
                    at=self.context.now(),
                    kind="message" if message.text else "button",
                )
                state = self.graph.invoke(
                    Command(resume=event.model_dump()),
                    config,
                    context=self.context,
                    durability="sync",
                )
            else:
                state = self.graph.invoke(
                    {
                        "conversation_id": cid,
                        "incoming": message.text,
                        "action": action,
                        "agents_online": agents_online,
                        "customer": record.model_dump(mode="json"),
                        "vertical": vertical or self.settings.vertical,
                    },
                    config,
                    context=self.context,
                    durability="sync",
                )
        except Exception:  # the runtime must survive anything a turn can throw
            log.exception("turn failed for conversation %s", cid)
            return BotReply(
                conversation_id=cid, kind="error", messages=[ERROR_TEXT], notes=message.notes
            )
        return BotReply(conversation_id=cid, notes=message.notes, **state["reply"])

    def resolve(
        self, conversation_id: str, resolution: str, *, agent: str = "agent"
    ) -> Conversation:
        """A person finished: record their resolution and give the conversation back to the bot."""
        cid = _check_id(conversation_id)
        text = clean(resolution, self.settings.max_message_chars).text
        if not text:
            raise InputError("resolution must not be empty")
        config = {"configurable": {"thread_id": cid}}
        if not self._waiting_for_human(config):
            raise ConversationError(f"conversation {cid!r} is not waiting for a person")
        event = HumanEvent(type="resolution", text=text, at=self.context.now(), agent=agent)
        self.graph.invoke(
            Command(resume=event.model_dump()), config, context=self.context, durability="sync"
        )
        return self.conversation(cid)

    def conversation(self, conversation_id: str) -> Conversation:
        """The transcript, who owns the conversation, and its last handoff."""
        cid = _check_id(conversation_id)
        values = self.graph.get_state({"configurable": {"thread_id": cid}}).values
        handoff = values.get("handoff")
        return Conversation(
            conversation_id=cid,
            mode=values.get("mode", "new"),
            transcript=[Turn(**t) for t in values.get("transcript", [])],
            handoff=HandoffPackage(**handoff) if handoff else None,
            resolution=values.get("resolution"),
        )

    def _waiting_for_human(self, config: dict) -> bool:
        return "human" in self.graph.get_state(config).next
