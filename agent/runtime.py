"""The facade the bot runtime calls: one method per thing that can happen in a chat."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from datetime import datetime, timedelta
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command, StateSnapshot
from pydantic import BaseModel, ConfigDict, ValidationError

from agent.context import Context, Retriever, utc_now
from agent.crash import crash_point
from agent.deadline import turn_deadline
from agent.errors import ConversationError, InputError, KnowledgeError
from agent.feed import Feed
from agent.graph import build_graph
from agent.grounding import unknown_terms
from agent.helpdesk import DeliveryReport, make_outbox
from agent.helpdesk.comments import queue_agent_line, queue_shopper_line
from agent.helpdesk.deliverer import Deliverer
from agent.helpdesk.local_inbox import LocalInbox
from agent.inline_saves import inline_saves
from agent.journal import Entry, Journal
from agent.language import next_language
from agent.llm import LLM, make_llm
from agent.message import clean
from agent.messages import ENGLISH, Messages
from agent.metrics import EventLog
from agent.nodes.answer import STREAM_KEY
from agent.nodes.human import HumanEvent
from agent.nodes.triggers import by_example
from agent.ops.board import QueueBoard
from agent.ops.waits import update_phrase
from agent.package import HandoffPackage
from agent.redact import install_log_filter, redact_text
from agent.reply import BotReply
from agent.rescue import rescue_handoff
from agent.retention.checkpoints import prune_thread
from agent.retention.report import Report as RetentionReport
from agent.settings import VERTICALS, Settings
from agent.state import ConversationState, Customer, Turn
from agent.storage import Storage, open_storage, sqlite_connection
from agent.streaming import StreamEvent, run_streamed
from agent.triggers.sentiment import compound as sentiment_compound
from agent.turn_events import (
    record_agent_message,
    record_pickup,
    record_resolution,
    record_shopper_with_human,
    record_turn,
)

log = logging.getLogger(__name__)
Emit = Callable[[tuple[str, Any]], None]
"""Where a streamed turn's sentences go: ``("sentence", {"sentence", "citations"})``, then
``("shown", the reply message they make up)``."""

EMPTY_PROMPT = Messages(ENGLISH).text("reply.empty")
ERROR_TEXT = Messages(ENGLISH).text("reply.error")
"""Both in English here; the shopper hears them in their language (agent/messages/)."""


_OWED_SHELL: dict[str, Any] = {"action": "message", "text": ""}  # + conversation, message, reply
"""What a notice lacks to be read back as a journal entry (only its reply matters)."""


class Conversation(BaseModel):
    """A read-only view of one conversation."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    mode: Literal["bot", "human", "new"]
    transcript: list[Turn]
    handoff: HandoffPackage | None = None
    resolution: dict[str, Any] | None = None
    events_after: int = 0
    """The newest feed event (``agent/feed.py``) this transcript already shows: a widget that
    restores the transcript opens the event stream with ``?after=`` this, so nothing is shown
    twice and nothing is missed."""


def _text(raw: Any) -> str | bytes:
    if raw is None:
        return ""
    if isinstance(raw, bytearray | memoryview):
        return bytes(raw)
    if not isinstance(raw, str | bytes):
        raise InputError(f"a message must be text or bytes, not {type(raw).__name__}")
    return raw


def _mood(text: str, values: dict) -> tuple[float, bool]:
    """A line to the human: its sentiment, and whether it repeats what the package already has."""
    from agent.extract import extract

    package = values.get("handoff") or {}
    found = extract(text)
    known = {
        *(package.get("shared_details") or {}).get("order_ids", []),
        *(package.get("shared_details") or {}).get("emails", []),
        *[o.get("id") for o in package.get("orders", [])],
        (package.get("customer") or {}).get("email"),
    }
    repeated = bool({*found.order_ids, *found.emails} & {k for k in known if k})
    return sentiment_compound(text), repeated


class StripedLocks:
    """A bounded set of locks: turns of one conversation never run at the same time.

    (Across processes: a file lock with SQLite, an advisory lock with PostgreSQL; see
    docs/deployment.md.)
    """

    def __init__(self, stripes: int = 256) -> None:
        self._locks = [threading.Lock() for _ in range(stripes)]

    def hold(self, key: str) -> threading.Lock:
        return self._locks[hash(key) % len(self._locks)]


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


def _message_id(message_id: str | None) -> str:
    if message_id is None:
        return uuid.uuid4().hex
    if (
        not isinstance(message_id, str)
        or not message_id.strip()
        or len(message_id) > 200
        or not message_id.isprintable()
    ):
        raise InputError("message_id must be printable text of 1 to 200 characters")
    return message_id


CHANNELS = ("chat", "email", "voice", "social")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")


def _where(channel: object, locale: object, timezone: object) -> dict[str, str]:
    """The channel, locale and time zone a runtime passes, checked (InputError when wrong)."""
    where: dict[str, str] = {}
    if channel is not None:
        if not isinstance(channel, str) or channel.strip().lower() not in CHANNELS:
            raise InputError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
        where["channel"] = channel.strip().lower()
    if locale is not None:
        if not isinstance(locale, str) or not _LOCALE.match(locale.strip()):
            raise InputError(f"locale must be a BCP 47 tag such as 'en' or 'pt-BR', not {locale!r}")
        where["locale"] = locale.strip().replace("_", "-")
    if timezone is not None:
        if not isinstance(timezone, str) or not _known_zone(timezone.strip()):
            raise InputError(
                f"timezone must be an IANA zone such as 'Europe/Lisbon', not {timezone!r}"
            )
        where["timezone"] = timezone.strip()
    return where


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _customer(customer: Customer | dict[str, Any] | None) -> Customer:
    if isinstance(customer, Customer):
        return customer
    try:
        return Customer(**(customer or {}))
    except (ValidationError, TypeError) as exc:
        raise InputError(f"customer record is invalid: {exc}") from exc


def sqlite_checkpointer(path: str) -> SqliteSaver:
    """Conversations on disk, in WAL mode so a crash loses at most the step in flight."""
    return SqliteSaver(sqlite_connection(path))


_WARM_UP_MESSAGES = ("Hi there!", "How long does delivery take, and can I still return it?")
"""The dry turns of :meth:`EscalationAgent.warm_up`: a greeting and an ordinary question."""


class EscalationAgent:
    """Call :meth:`send` for every shopper message; :meth:`resolve` when a person is done."""

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: Retriever | None = None,
        llm: LLM | None = None,
        checkpointer: BaseCheckpointSaver | None = None,
        store: BaseStore | None = None,
        clock: Callable[[], datetime] = utc_now,
        warm_up: bool = True,
    ) -> None:
        """Open what ``settings`` names; pass ``checkpointer`` and ``store`` to share your own.

        Given a checkpointer but no store, records (proposals, tickets, outbox,
        events) are kept in memory: fine for a test, not for a shop.
        """
        self.settings = settings
        install_log_filter("httpx", "openai._base_client", __name__)  # they log request URLs
        if retriever is None:
            from agent.knowledge_base import open_store

            retriever = open_store(settings)
        self.storage: Storage | None = None
        if checkpointer is None and store is None:
            self.storage = open_storage(settings)
            checkpointer, store = self.storage.checkpointer, self.storage.store
        elif checkpointer is None:
            raise InputError("a store without a checkpointer: pass both, or neither")
        self.store: BaseStore = store if store is not None else InMemoryStore()
        self.checkpointer: BaseCheckpointSaver = checkpointer
        if llm is None:
            embedder = getattr(retriever, "embedder", None)
            llm = make_llm(
                settings.llm,
                settings.store_name,
                settings.grounding.min_retrieval_score,
                embed=embedder.embed if embedder is not None else None,
            )
        self.context = Context(settings=settings, llm=llm, retriever=retriever, clock=clock)
        self.graph = build_graph(checkpointer, self.store)
        # no lock= here: a turn already holds its conversation's lock (see make_outbox)
        self.outbox = make_outbox(settings.helpdesk, self.store, clock=clock)
        # during a turn, no pause after claiming an item: the lease and the helpdesk's
        # idempotency key keep it single; the CLI and scheduler keep the pause
        self.outbox.settle_s = 0.0
        self.board = QueueBoard.for_settings(self.store, settings.handoff, clock)
        self.journal = Journal(self.store)
        self.feed = Feed(self.store)
        """What the shopper's widget is owed between replies (agent/feed.py)."""
        self._deliverer: Deliverer | None = None
        self._locks = StripedLocks()
        if warm_up:
            self.warm_up()

    def warm_up(self) -> None:
        """Pay every first-use cost now (the model, the collection and its vocabulary, the
        trigger packs and example vectors, the tokenizer, the checkpointer's tables), so the
        first shopper after a start waits no longer than the next one. Called by the
        constructor."""
        from agent.offline import OfflineBackend

        warm = getattr(self.context.retriever, "warm_up", None)
        messages: tuple[str, ...] = _WARM_UP_MESSAGES
        try:  # an embeddings endpoint down at start costs one turn's deadline, not the start
            if warm is not None:
                with turn_deadline(self.settings.llm.turn_deadline_s):
                    warm()
            by_example("warm up", self.context)  # the example vectors: cached, or embedded now
        except KnowledgeError as exc:
            log.warning("the knowledge base could not be warmed up at start: %s", exc)
            messages = messages[:1]
        if not isinstance(self.context.llm, OfflineBackend):
            messages = messages[:1]  # a model is never called, nor billed, for a dry turn
        dry = build_graph(InMemorySaver())  # no store: nothing is recorded or delivered
        # a greeting, then (offline) a question that goes the whole way (retrieval, the
        # triggers' patterns compiled on first use, a draft, the grounding gate): the first
        # shopper's question must not be the first to take that path
        for n, text in enumerate(messages):
            try:
                dry.invoke(
                    {"conversation_id": f"warm-up-{n}", "incoming": text, "action": "message"},
                    {"configurable": {"thread_id": f"warm-up-{n}"}},
                    context=self.context,
                )
            except Exception as exc:  # noqa: BLE001 - a shopper's turn reports it; start goes on
                if n == 0:
                    raise
                log.warning("the dry question at start failed: %s", redact_text(str(exc)))
        forget = getattr(self.context.llm, "forget", None)
        if forget is not None:  # the dry question's sentences are no shopper's answer
            forget()
        unknown_terms("where is my parcel", frozenset())
        self.graph.get_state({"configurable": {"thread_id": "warm-up-0"}})

    def _process_lock(self, cid: str) -> AbstractContextManager[object]:
        """Across processes sharing one database, one turn of a conversation at a time."""
        return self.storage.lock(cid) if self.storage is not None else nullcontext()

    def close(self) -> None:
        """Close the database this agent opened (nothing it was handed)."""
        if self._deliverer is not None:
            self._deliverer.stop()
            self._deliverer = None
        if self.storage is not None:
            self.storage.close()

    def __enter__(self) -> EscalationAgent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(
        self,
        conversation_id: str,
        text: str | bytes,
        *,
        customer: Customer | dict[str, Any] | None = None,
        agents_online: bool = True,
        vertical: str | None = None,
        message_id: str | None = None,
        channel: str | None = None,
        locale: str | None = None,
        timezone: str | None = None,
    ) -> BotReply:
        """One shopper message in, one reply out. Never raises on what the shopper typed.

        ``message_id`` is the chat's id for this message (one is made up when absent): the
        message is journaled under it before it is processed, and a retry with the same id
        gets the same reply without running anything twice. ``channel`` (chat, email, voice,
        social), ``locale`` (BCP 47) and ``timezone`` (IANA) are kept with the conversation
        once given.
        """
        where = _where(channel, locale, timezone)
        return self._turn(
            conversation_id, text, "message", customer, agents_online, vertical, message_id, where
        )

    def stream(
        self,
        conversation_id: str,
        text: str | bytes,
        *,
        customer: Customer | dict[str, Any] | None = None,
        agents_online: bool = True,
        vertical: str | None = None,
        message_id: str | None = None,
        channel: str | None = None,
        locale: str | None = None,
        timezone: str | None = None,
    ) -> Iterator[StreamEvent]:
        """:meth:`send` as events (agent.streaming): each sentence of a model's answer as soon
        as the grounding gate has passed it, then the rest of the reply, ``citations``,
        ``done``. Journaled like :meth:`send` (a retry replays the filed reply as events); an
        InputError is raised here, before any event. The turn runs even if nobody reads."""
        where = _where(channel, locale, timezone)
        entry = self._entry(
            conversation_id, text, "message", customer, agents_online, vertical, message_id, where
        )
        wait = self.settings.llm.turn_deadline_s * 3 + 30  # the turn's own deadline ends it
        return run_streamed(
            lambda emit: self._turn_of(entry, emit),
            wait,
            lambda: self._error_reply(entry.conversation_id, entry.text, entry.notes),
        )

    def request_human(
        self,
        conversation_id: str,
        *,
        customer: Customer | dict[str, Any] | None = None,
        agents_online: bool = True,
        vertical: str | None = None,
        message_id: str | None = None,
        channel: str | None = None,
        locale: str | None = None,
        timezone: str | None = None,
    ) -> BotReply:
        """The chat menu's 'Talk to a person' button: an immediate handoff."""
        where = _where(channel, locale, timezone)
        return self._turn(
            conversation_id,
            "",
            "talk_to_person",
            customer,
            agents_online,
            vertical,
            message_id,
            where,
        )

    def _turn(
        self,
        conversation_id: str,
        text: str | bytes,
        action: Literal["message", "talk_to_person"],
        customer: Customer | dict[str, Any] | None,
        agents_online: bool,
        vertical: str | None,
        message_id: str | None,
        where: dict[str, str] | None = None,
    ) -> BotReply:
        entry = self._entry(
            conversation_id, text, action, customer, agents_online, vertical, message_id, where
        )
        return self._turn_of(entry)

    def _entry(
        self,
        conversation_id: str,
        text: str | bytes,
        action: Literal["message", "talk_to_person"],
        customer: Customer | dict[str, Any] | None,
        agents_online: bool,
        vertical: str | None,
        message_id: str | None,
        where: dict[str, str] | None = None,
    ) -> Entry:
        """A shopper's message as the journal keeps it; an InputError when it is not one."""
        cid, mid = _check_id(conversation_id), _message_id(message_id)
        record = _customer(customer) if customer is not None else None
        message = clean(_text(text), self.settings.max_message_chars)
        if isinstance(vertical, str):
            vertical = vertical.strip().lower()
        if vertical is not None and vertical not in VERTICALS:
            raise InputError(f"vertical must be one of {', '.join(VERTICALS)}, not {vertical!r}")
        if not isinstance(agents_online, bool):  # "no" is not True
            raise InputError(f"agents_online must be True or False, not {agents_online!r}")
        try:
            entry = Entry(
                conversation_id=cid,
                message_id=mid,
                action=action,
                text=message.text,
                notes=message.notes,
                customer=record.model_dump(mode="json") if record is not None else None,
                agents_online=agents_online,
                vertical=vertical,
                channel=(where or {}).get("channel"),
                locale=(where or {}).get("locale"),
                timezone=(where or {}).get("timezone"),
            )
        except ValidationError as exc:
            raise InputError(f"this message cannot be taken: {exc}") from exc
        return entry

    def _turn_of(self, entry: Entry, emit: Emit | None = None) -> BotReply:
        """Journal the message, run it (or replay its filed reply), file the reply; ``emit``
        is told each streamed sentence as the answer node lets it through."""
        cid, mid = entry.conversation_id, entry.message_id
        with (
            self._locks.hold(cid),  # one turn at a time
            turn_deadline(self.settings.llm.turn_deadline_s),
            inline_saves(),  # the checkpoint is saved in this thread (agent/inline_saves.py)
            ExitStack() as held,
        ):
            try:
                held.enter_context(self._process_lock(cid))  # a database down: an error reply
                held.callback(self._prune, cid)  # last, while the conversation is still held
                # the message is durable before anything runs
                started = self.journal.start(entry)
                if started.done is not None:  # a retry: the same reply, nothing runs again
                    return self._retold(started.done)
                entry = started.entry
                crash_point("accepted")
                # what the conversation owes: read at the start (the conversation is held, so
                # only this turn adds to it), then each notice this turn files
                owed = list(started.owed)
                for left in started.earlier:  # left by a killed process
                    self._process(left, recovered=True, owed=owed)
                reply = self._process(entry, recovered=False, emit=emit)
                return self._with_notice(cid, mid, reply, owed)
            except Exception:  # the runtime must survive anything a turn can throw
                log.exception("turn failed for conversation %s", cid)  # redacted by the filter
                return self._error_reply(cid, entry.text, entry.notes)

    def _error_reply(self, cid: str, text: str, notes: list[str]) -> BotReply:
        """What a shopper hears when even a handoff could not be saved, in their language."""
        say = self._speaking(cid, text)
        return BotReply(
            conversation_id=cid,
            kind="error",
            messages=[say.text("reply.error")],
            notes=notes,
            language=say.language,
        )

    def _process(
        self,
        entry: Entry,
        *,
        recovered: bool,
        emit: Emit | None = None,
        owed: list[dict[str, Any]] | None = None,
    ) -> BotReply:
        """Run one journaled message (unless its turn was saved before a crash), then file
        its reply; a recovered turn's reply is owed to the shopper as a notice (appended to
        ``owed``, when given)."""
        cid = entry.conversation_id
        config: RunnableConfig = {"configurable": {"thread_id": cid}}
        saved = self.graph.get_state(config)  # the one read of the checkpoint before the turn
        values = saved.values
        if values.get("message_id") == entry.message_id and values.get("reply"):
            self._sync_outbox(values)  # the turn was saved; what followed it may not have been
            reply = self._reply(cid, values, entry.notes)
        else:
            try:
                reply = self._run(entry, config, saved, emit)
            except Exception as exc:  # a failed turn still ends in a handoff that says why
                log.exception("turn failed for conversation %s", cid)  # redacted by the filter
                reply = self._rescue(cid, config, exc, entry)
        filed = reply.model_dump(mode="json", exclude={"handoff"})
        notice = self.journal.finish(entry, filed, owed=bool(reply.messages))  # owed until told
        if notice is not None and owed is not None:
            owed.append(notice)
        crash_point("answered")
        if recovered and reply.messages:
            log.warning("conversation %s: message %s finished after a crash", cid, entry.message_id)
        # a message's own reply is told in :meth:`_with_notice`, with what else is owed
        return reply

    def _rescue(self, cid: str, config: RunnableConfig, exc: Exception, entry: Entry) -> BotReply:
        """A turn that failed still ends in a handoff that says why (never a wedged
        conversation); only if that fails too (the database is down) is it an error reply."""
        try:
            state = rescue_handoff(self.graph, config, self.context, exc)
            if state is not None:
                self._after_turn(cid, state)  # queues the saved handoff
                return self._reply(cid, state, entry.notes)
        except Exception as again:  # noqa: BLE001 - nothing more to try; the reply says so
            log.error("no handoff either for %s: %s", cid, redact_text(repr(again)))
        return self._error_reply(cid, entry.text, entry.notes)

    def _run(
        self,
        entry: Entry,
        config: RunnableConfig,
        saved: StateSnapshot,
        emit: Emit | None = None,
    ) -> BotReply:
        """``saved``: the conversation's checkpoint, as read just before."""
        cid = entry.conversation_id
        recovered, waiting = self._finish_interrupted_turn(config, saved.next)
        if recovered:
            self._sync_outbox(recovered)
        if waiting:
            reply = self._to_human(cid, config, entry, None if recovered else saved.values)
            if recovered and recovered.get("reply", {}).get("kind") == "handoff":
                return self._reply(cid, recovered, entry.notes)  # tell them now
            return reply
        if not entry.text and entry.action == "message":
            say = self._speaking(cid)
            return BotReply(
                conversation_id=cid,
                kind="notice",
                messages=[say.text("reply.empty")],
                notes=entry.notes,
                language=say.language,
            )
        turn: ConversationState = {
            "conversation_id": cid,
            "incoming": entry.text,
            "action": entry.action,
            "agents_online": entry.agents_online,
            "message_id": entry.message_id,
        }
        if entry.customer is not None:  # no record given: keep the one we have
            turn["customer"] = entry.customer
        if entry.vertical is not None or entry.customer is not None:
            turn["vertical"] = entry.vertical or self.settings.vertical
        if entry.channel is not None:  # each given once is kept
            turn["channel"] = entry.channel
        if entry.locale is not None:
            turn["locale"] = entry.locale
        if entry.timezone is not None:
            turn["timezone"] = entry.timezone
        if emit is None:
            state = self.graph.invoke(turn, config, context=self.context, durability="exit")
        else:
            state = self._stream_graph(turn, config, emit)
        crash_point("checkpointed")
        self._after_turn(cid, state)
        return self._reply(cid, state, entry.notes)

    def _stream_graph(self, turn: ConversationState, config: RunnableConfig, emit: Emit) -> dict:
        """The turn through the graph, passing on each sentence the answer node streams.

        The answer node is handed ``emit`` itself (``configurable[STREAM_KEY]``) rather than
        LangGraph's custom stream mode: that mode runs every step in a worker thread and
        relays each sentence through two more threads before it reaches ``emit``. Here the
        graph runs inline, as in :meth:`send`, and a sentence goes out the moment the gate
        passes it."""

        def sentence(chunk: dict[str, Any]) -> None:
            emit(("sentence", chunk))

        streaming: RunnableConfig = {
            **config,
            "configurable": {**config.get("configurable", {}), STREAM_KEY: sentence},
        }
        state = self.graph.invoke(turn, streaming, context=self.context, durability="exit")
        if state.get("streamed"):  # this message of the reply was shown sentence by sentence
            emit(("shown", state["reply"]["messages"][0]))
        return state

    def _to_human(
        self, cid: str, config: RunnableConfig, entry: Entry, before: dict | None = None
    ) -> BotReply:
        """A person owns the conversation: pass the line on, say nothing. ``before``: its
        saved state, when already read."""
        if not entry.text and entry.action == "message":
            return BotReply(conversation_id=cid, kind="with_human", actions=[])
        event = HumanEvent(
            type="shopper_message",
            text=entry.text or "[pressed: Talk to a person]",
            at=self.context.now(),
            kind="message" if entry.text else "button",
        )
        if before is None:
            before = self.graph.get_state(config).values
        state = self.graph.invoke(
            Command(resume=event.model_dump(), update={"message_id": entry.message_id}),
            config,
            context=self.context,
            durability="exit",
        )
        crash_point("checkpointed")
        if entry.text:
            self._observe(record_shopper_with_human, cid, state, *_mood(entry.text, before))
        self._sync_outbox(state)  # after the email question, the held ticket is due now
        if entry.text and not state.get("awaiting_email"):  # the ticket hears it too
            queue_shopper_line(self, state, entry.text, entry.message_id)
        return self._reply(cid, state, entry.notes)

    def _speaking(self, cid: str, text: str = "") -> Messages:
        """The conversation's language (and this message's, when it is clear); the store's
        when the conversation cannot be read (a database down must not lose the reply)."""
        try:
            previous = self.graph.get_state({"configurable": {"thread_id": cid}}).values
            language = previous.get("language")
            if text:
                language = next_language(text, language, self.settings)
        except Exception:  # noqa: BLE001 - an error reply in the store's language beats none
            log.exception("cannot read the language of conversation %s", cid)
            language = None
        return self.settings.language.catalogue(language)

    def _after_turn(self, cid: str, state: dict) -> None:
        """Metrics for the turn; a new handoff goes to the outbox, from the saved state."""
        self._observe(record_turn, cid, state, self.settings.grounding.min_retrieval_score)
        self._sync_outbox(state)

    def _sync_outbox(self, state: dict) -> None:
        """The outbox follows the checkpoint: a saved handoff is queued once, never another.

        Nothing is sent to a helpdesk here (a slow one must not slow a turn): that is
        :meth:`deliver_pending`'s job. The built-in inbox is our own database, so a handoff
        lands there at once.
        """
        package = state.get("handoff")
        if not package or state.get("mode") != "human":
            return
        item = self.outbox.get(package["id"])
        if item is None:
            hold = self.settings.handoff.email_wait_minutes if state.get("awaiting_email") else 0
            start = datetime.fromisoformat(package["created_at"])
            later = start + timedelta(minutes=hold) if hold else None
            item = self.outbox.enqueue(HandoffPackage(**package), not_before=later)
        crash_point("outbox_written")
        local = self.settings.helpdesk.kind == "local"
        if local and item.status == "pending" and not state.get("awaiting_email"):
            self.outbox.deliver(item.id)

    def _retold(self, done: Entry) -> BotReply:
        """The reply filed for a message, again (its handoff package from the checkpoint)."""
        reply = dict(done.reply or {})
        cid = done.conversation_id
        if reply.get("kind") == "handoff":
            values = self.graph.get_state({"configurable": {"thread_id": cid}}).values
            reply["handoff"] = values.get("handoff")
        self.journal.told(cid, done.message_id)  # if it was owed, this tells them
        return BotReply(**reply)

    def _with_notice(
        self, cid: str, mid: str, reply: BotReply, owing: list[dict[str, Any]]
    ) -> BotReply:
        """Message ``mid``'s reply, now told, with what a crash kept from the shopper
        (``owing``: the conversation's owed notices, as :meth:`Journal.owed` lists them)."""
        self.journal.told(cid, mid)
        unique = {o["message_id"]: o for o in owing if o["message_id"] != mid}
        owed = sorted(unique.values(), key=lambda o: (o["received_ns"], o["message_id"]))
        if not owed:
            return reply
        kept = [self._retold(Entry(**{**_OWED_SHELL, **o})) for o in owed]
        messages = [m for k in kept for m in k.messages]
        if reply.kind == "with_human" or not reply.messages:
            return kept[-1].model_copy(update={"messages": messages, "notes": reply.notes})
        return reply.model_copy(update={"messages": [*messages, *reply.messages]})

    def pending_notices(self) -> list[BotReply]:
        """Finish the turns a killed process left, then return the replies shoppers were never
        given (a handoff's notice above all); send each one: it is not returned again."""
        for cid in dict.fromkeys(e.conversation_id for e in self.journal.open_entries()):
            with self._locks.hold(cid), self._process_lock(cid), inline_saves():
                for entry in self.journal.open_entries(cid):
                    self._process(entry, recovered=True)
        replies = []
        for cid in dict.fromkeys(o["conversation_id"] for o in self.journal.owed()):
            with self._locks.hold(cid), self._process_lock(cid):  # re-read: a turn may have told
                replies += [
                    self._retold(Entry(**{**_OWED_SHELL, **o})) for o in self.journal.owed(cid)
                ]
        return replies

    # -- operations: the runtime's scheduler calls these; the library starts no threads --------

    def deliver_pending(self, limit: int = 20) -> DeliveryReport:
        """Send the handoffs that are due (retries after a helpdesk outage, held offline tickets)."""
        return self.outbox.deliver_due(limit=limit)

    def start_delivery(self, every_s: float = 5.0) -> Deliverer:
        """Run :meth:`deliver_pending` in a background thread every ``every_s`` seconds (for a
        runtime with no scheduler); stopped by :meth:`close`."""
        if self._deliverer is None:
            self._deliverer = Deliverer(self.deliver_pending, every_s).start()
        return self._deliverer

    def due_updates(self) -> list[BotReply]:
        """Second wait updates for shoppers still waiting after two minutes; send each one."""
        replies = []
        for due in self.board.due_updates():
            say = self._speaking(due.conversation_id)
            text = update_phrase(due.estimate, say) if due.estimate else due.message
            replies.append(
                BotReply(
                    conversation_id=due.conversation_id,
                    kind="notice",
                    messages=[text],
                    language=say.language,
                )
            )
            self.feed.append(due.conversation_id, "wait_update", at=self.context.now(), text=text)
            self.board.update_sent(due.handoff_id)
        return replies

    def apply_retention(self, *, apply: bool = True, days: int | None = None) -> RetentionReport:
        """Delete what is older than ``retention_days`` (see agent.retention.sweep); a no-op
        report when no retention is set. For the runtime's daily scheduler."""
        from agent.retention.sweep import sweep

        days = days or self.settings.retention_days
        if days is None:
            return RetentionReport(applied=apply, notes=["retention_days is not set"])
        checkpointer, now = self.checkpointer, self.context.clock()
        return sweep(checkpointer, self.store, days, now, apply=apply, lock=self._held)

    def forget(
        self, *, customer: str | None = None, conversation: str | None = None, apply: bool = True
    ) -> RetentionReport:
        """Erase a customer (by email) or one conversation everywhere (agent.retention.forget)."""
        from agent.retention.forget import forget

        retriever = self.context.retriever  # the vector store holds learned answers' provenance
        vectors = retriever if hasattr(retriever, "replace_document") else None
        return forget(self.checkpointer, self.store, customer=customer,
                      conversation=conversation, apply=apply, lock=self._held, vectors=vectors)  # fmt: skip

    def _held(self, cid: str) -> AbstractContextManager[object]:
        """A conversation held in this process and across processes (no turn runs meanwhile)."""
        with ExitStack() as stack:  # a lock not taken releases the one that was
            stack.enter_context(self._locks.hold(cid))
            stack.enter_context(self._process_lock(cid))
            return stack.pop_all()

    def record_outcome(
        self,
        conversation_id: str,
        kind: str,
        *,
        value: float | None = None,
        currency: str | None = None,
        at: datetime | str | None = None,
        order_id: str | None = None,
    ) -> bool:
        """A commerce event after a conversation (``purchase``, ``refund``, ``cancellation``,
        ``other``), kept with the metric events for ``escalate report``'s handoff conversion.

        True when recorded; False when this kind for this ``order_id`` already was (report an
        order as often as you like, it counts once). ``at`` defaults to now; ``value`` needs
        its ``currency`` (ISO 4217). InputError on bad input, ConversationError for a
        conversation this store never had, StorageError when it could not be kept.
        """
        from agent.metrics.conversion import make_outcome

        cid = _check_id(conversation_id)
        event = make_outcome(cid, kind, value=value, currency=currency,
                             at=at or self.context.now(), order_id=order_id)  # fmt: skip
        if not self.graph.get_state({"configurable": {"thread_id": cid}}).values:
            raise ConversationError(f"no conversation {cid!r}")
        return EventLog(self.store).record(event, strict=True)

    def set_staff(self, queue: str, agents_on_shift: int) -> None:
        """How many agents are on shift for a queue now (from the helpdesk's presence)."""
        if queue not in self.settings.handoff.queues:
            raise InputError(
                f"no queue {queue!r}; known: {', '.join(self.settings.handoff.queues)}"
            )
        if type(agents_on_shift) is not int or agents_on_shift < 0:  # True is not a number
            raise InputError("agents_on_shift must be a whole number, 0 or more")
        self.board.set_staff(queue, agents_on_shift)

    def picked_up(self, conversation_id: str, *, agent: str = "agent") -> None:
        """An agent took the handoff (it leaves the waiting line; handle time starts)."""
        cid = _check_id(conversation_id)
        values = self.graph.get_state({"configurable": {"thread_id": cid}}).values
        handoff_id = (values.get("handoff") or {}).get("id")
        if values.get("mode") != "human" or not handoff_id:
            raise ConversationError(f"conversation {cid!r} is not waiting for a person")
        self.board.picked_up(handoff_id)
        self._observe(record_pickup, cid, handoff_id, self.context.now(), agent)
        self.feed.append(cid, "picked_up", at=self.context.now(), agent=agent[:200] or "agent")

    def _prune(self, cid: str) -> None:
        """Keep only the checkpoint resuming needs, so a conversation's bytes grow linearly."""
        prune_thread(self.checkpointer, cid)

    def _observe(self, record: Callable[..., None], cid: str, *args: Any) -> None:
        """Metrics never cost a shopper their turn."""
        try:
            record(EventLog(self.store), cid, *args)
        except Exception:  # noqa: BLE001
            log.warning("metrics for %s not recorded", cid, exc_info=True)

    def _reply(self, cid: str, state: dict, notes: list[str]) -> BotReply:
        reply = dict(state["reply"])
        if reply.get("kind") == "handoff":  # the package is kept once in the state, not twice
            reply["handoff"] = state["handoff"]
        language = state.get("language") or self.settings.language.default
        return BotReply(conversation_id=cid, notes=notes, language=language, **reply)

    def _finish_interrupted_turn(
        self, config: RunnableConfig, pending: tuple[str, ...]
    ) -> tuple[dict | None, bool]:
        """A turn that failed half-way (say, while building a handoff) is retried, not dropped.

        ``pending``: the checkpoint's next steps. Returns the retried turn's state (None if
        nothing was pending) and whether the conversation now waits for a person (no
        checkpoint read in the usual case).
        """
        if not pending or "human" in pending:
            return None, "human" in pending
        cid = config["configurable"]["thread_id"]
        log.warning("retrying the unfinished step %s of %s", pending, cid)
        state = self.graph.invoke(None, config, context=self.context, durability="exit")
        return state, self._waiting_for_human(config)

    def resolve(
        self, conversation_id: str, resolution: str, *, agent: str = "agent"
    ) -> Conversation:
        """A person finished: record their resolution and give the conversation back to the bot."""
        cid, state = self._from_person(conversation_id, "resolution", resolution, agent)
        resolved = state.get("resolution") or {}
        self._observe(record_resolution, cid, resolved)
        self.feed.append(cid, "resolved", at=self.context.now(), agent=agent[:200] or "agent")
        if resolved.get("handoff_id"):
            self.board.closed(resolved["handoff_id"])
            if self.settings.helpdesk.kind == "local":  # the built-in inbox is ours to close
                LocalInbox(self.store).close_ticket(resolved["handoff_id"])
        return self.conversation(cid)

    def agent_message(
        self, conversation_id: str, text: str, *, agent: str = "agent", to_ticket: bool = True
    ) -> None:
        """A person's line to the shopper while they own the conversation (kept in the transcript,
        so the bot knows what was said and promised when the conversation comes back).

        ``to_ticket``: copy the line to the handoff's helpdesk ticket through the outbox (an
        internal note there); False for a line that came from that ticket (its webhook)."""
        cid, state = self._from_person(conversation_id, "agent_message", text, agent)
        hid = (state.get("handoff") or {}).get("id")
        line = state["transcript"][-1]
        name = agent[:200] or "agent"
        self.feed.append(cid, "agent_message", at=line["at"], text=line["text"], agent=name)
        if hid:
            self._observe(record_agent_message, cid, hid, line["at"], agent)
        if to_ticket:
            queue_agent_line(self, state, line["text"], name)

    def _from_person(
        self,
        conversation_id: str,
        kind: Literal["agent_message", "resolution"],
        text: str,
        agent: str,
    ) -> tuple[str, dict]:
        """Resume a conversation a person owns with their line or their resolution."""
        cid = _check_id(conversation_id)
        if not isinstance(text, str) or not isinstance(agent, str):
            raise InputError(f"the {kind.replace('_', ' ')} and the agent must be strings")
        line = clean(text, self.settings.max_message_chars).text
        if not line:
            raise InputError(f"the {kind.replace('_', ' ')} must not be empty")
        config: RunnableConfig = {"configurable": {"thread_id": cid}}
        with self._locks.hold(cid), self._process_lock(cid), inline_saves():
            if not self._waiting_for_human(config):
                raise ConversationError(f"conversation {cid!r} is not waiting for a person")
            event = HumanEvent(
                type=kind, text=line, at=self.context.now(), agent=agent[:200] or "agent"
            )
            state = self.graph.invoke(
                Command(resume=event.model_dump()), config, context=self.context, durability="exit"
            )
            self._prune(cid)
        return cid, state

    def conversation(self, conversation_id: str) -> Conversation:
        """The transcript, who owns the conversation, and its last handoff."""
        cid = _check_id(conversation_id)
        events_after = self.feed.last_seq(
            cid
        )  # first: a line written meanwhile shows twice, never not at all
        values = self.graph.get_state({"configurable": {"thread_id": cid}}).values
        handoff = values.get("handoff")
        return Conversation(
            events_after=events_after,
            conversation_id=cid,
            mode=values.get("mode", "new"),
            transcript=[Turn(**t) for t in values.get("transcript", [])],
            handoff=HandoffPackage(**handoff) if handoff else None,
            resolution=values.get("resolution"),
        )

    def _waiting_for_human(self, config: RunnableConfig) -> bool:
        return "human" in self.graph.get_state(config).next
