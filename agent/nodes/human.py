"""human: the graph waits here while a person owns the conversation."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, ConfigDict

from agent.context import Context
from agent.extract import merge
from agent.helpdesk import make_outbox
from agent.language import speaking
from agent.messages import Messages
from agent.ops.email_ask import find_email
from agent.package import HandoffPackage
from agent.promises import find_promises
from agent.state import ConversationState, Extracted, Role, Turn


class HumanEvent(BaseModel):
    """What resumes the wait: a shopper line, an agent line, or the agent's resolution."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["shopper_message", "agent_message", "resolution"]
    text: str
    at: str
    agent: str | None = None
    kind: Literal["message", "button"] = "message"


def human(state: ConversationState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause until the runtime resumes with a :class:`HumanEvent`; the bot says nothing."""
    handoff = state.get("handoff", {})
    event = HumanEvent(
        **interrupt({"handoff_id": handoff.get("id"), "route": handoff.get("route")})
    )
    if event.type == "shopper_message" and state.get("awaiting_email"):
        email = find_email(event.text)
        package = _with_email(state, email)
        on_ticket = True
        if runtime.store is not None:  # the held ticket goes now, with the address
            ctx = runtime.context
            revised = make_outbox(ctx.settings.helpdesk, runtime.store, clock=ctx.clock).revise(
                package["id"], HandoffPackage(**package)
            )
            on_ticket = revised is not None  # None: it already went (the email wait ran out)
        say = speaking(state, runtime.context.settings)
        update = _email_answer(event, package, email, on_ticket, say)
        if email:  # known from now on: a later offline ticket does not ask again
            found = Extracted(**(state.get("extracted") or {}))
            update["extracted"] = merge(found, Extracted(emails=[email])).model_dump()
        return update
    if event.type in ("shopper_message", "agent_message"):
        role: Role = "shopper" if event.type == "shopper_message" else "agent"
        turn = Turn(role=role, text=event.text, at=event.at, kind=event.kind)
        return {
            "transcript": [turn.model_dump()],
            "mode": "human",
            "reply": {"kind": "with_human", "messages": [], "actions": []},
        }
    turn = Turn(role="agent", text=event.text, at=event.at)
    return {
        "transcript": [turn.model_dump()],
        "mode": "bot",
        "resolution": {
            "text": event.text,
            "agent": event.agent,
            "at": event.at,
            "handoff_id": handoff.get("id"),
        },
        "promises": [*(state.get("promises") or []), *_promised(state, event)],
        "awaiting_email": False,  # a question left unanswered is not carried to a later ticket
        "reply": {},
    }


def _promised(state: ConversationState, event: HumanEvent) -> list[dict[str, Any]]:
    """Everything the agent committed to since the handoff, and in the resolution."""
    since = state.get("handoff", {}).get("created_at", "")
    lines = [
        (t["text"], t["at"])
        for t in state.get("transcript", [])
        if t["role"] == "agent" and t["at"] >= since
    ]
    found = {}
    for text, at in [*lines, (event.text, event.at)]:
        for p in find_promises(text, event.agent or "our agent", at):
            found[p.kind] = p.model_dump()  # the latest word on each kind
    return list(found.values())


def _with_email(state: ConversationState, email: str | None) -> dict[str, Any]:
    """The package with the shopper's address among the details they shared."""
    package = dict(state.get("handoff", {}))
    if email:
        details = dict(package.get("shared_details") or {})
        details["emails"] = list(dict.fromkeys([*details.get("emails", []), email]))
        package["shared_details"] = details
    return package


def _email_answer(
    event: HumanEvent, package: dict[str, Any], email: str | None, on_ticket: bool, say: Messages
) -> dict[str, Any]:
    """The answer to the one email question: the ticket gets the address, or replies in chat.

    ``on_ticket`` False: the ticket had already gone to the helpdesk without it, so the bot
    does not claim the address is on it."""
    if email and on_ticket:
        text = say.text("email.on_ticket", email=email)
    elif email:
        text = say.text("email.too_late", ticket=package.get("id"), email=email)
    else:
        text = say.text("email.none")
    turns = [
        Turn(role="shopper", text=event.text, at=event.at, kind=event.kind).model_dump(),
        Turn(role="bot", text=text, at=event.at).model_dump(),
    ]
    return {
        "transcript": turns,
        "mode": "human",
        "handoff": package,
        "awaiting_email": False,
        "reply": {"kind": "notice", "messages": [text], "actions": []},
    }
