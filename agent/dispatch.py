"""Where and when a handoff lands: the routing rule, live or offline, the wait, the email.

The handoff node asks :func:`dispatch` once per handoff. It applies the
store's routing rules, checks the queue's business hours and the queue board
(agents on shift, handoffs ahead, recent handle times), and decides:

- **live**: the handoff joins the queue; the shopper hears their position and
  an honest wait window;
- **offline ticket**: off shift (or nobody on shift); the shopper hears when
  the team is back, in their words; with no email on record the bot first asks
  for one, once (:data:`~agent.ops.email_ask.EMAIL_QUESTION`);
- **ask for email**: that one question, and nothing else this turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from langgraph.store.base import BaseStore

from agent.context import Context
from agent.language import speaking
from agent.ops.board import QueueBoard
from agent.ops.email_ask import email_step
from agent.ops.hours import is_open, reopening_phrase
from agent.ops.rules import RouteDecision
from agent.ops.waits import wait_phrase
from agent.routing import route_decision
from agent.state import Customer, Extracted, TriggerHit
from agent.triggers.vip import is_vip


@dataclass(frozen=True)
class Dispatch:
    decision: RouteDecision
    mode: Literal["live", "offline_ticket", "ask_email"]
    email: str | None
    wait: str | None = None
    """Live: position and window. Offline: when the team is back ("tomorrow at 9 AM")."""
    basis: str = ""
    """How the wait was estimated, for the agent's screen and the logs."""
    asked_for_email: bool = False
    """The shopper was asked for an email and did not give one: reply in the chat."""


def route_for(
    state: dict, ctx: Context, hits: list[TriggerHit], customer: Customer
) -> RouteDecision:
    """The store's routing rules, then the built-in ones: first match wins."""
    orders = [o.total for o in customer.orders if o.total is not None]
    return route_decision(
        hits,
        state.get("intent") or "other",
        list(state.get("topics") or []),
        is_vip(customer, ctx.settings.triggers),
        rules=ctx.settings.handoff.routing_rules(),
        vertical=state.get("vertical") or ctx.settings.vertical,
        channel=state.get("channel"),
        tier=customer.tier,
        order_value=max(orders, default=None),
    )


def dispatch(
    state: dict,
    ctx: Context,
    hits: list[TriggerHit],
    handoff_id: str,
    store: BaseStore | None,
) -> Dispatch:
    customer = Customer(**state.get("customer", {}))
    extracted = Extracted(**state.get("extracted", {}))
    decision = route_for(state, ctx, hits, customer)
    queue = decision.queue
    now: datetime = ctx.clock()
    hours = ctx.settings.handoff.hours_for(queue)
    board = QueueBoard.for_settings(store, ctx.settings.handoff, ctx.clock) if store else None
    live = bool(state.get("agents_online", True)) and is_open(hours, now)
    if live and board is not None and board.estimate(queue).offline:
        live = False  # on the clock, but nobody on shift
    if live:
        if board is None:
            return Dispatch(decision, "live", None)
        board.opened(handoff_id, state.get("conversation_id", ""), queue, now)
        estimate = board.estimate(queue, handoff_id)
        wait = wait_phrase(estimate, speaking(state, ctx.settings))
        return Dispatch(decision, "live", None, wait, estimate.basis)
    # On shift but nobody there (no staff, agents offline): there is no reopening to name
    # ("now, when the team is back" would be false); the store's reply promise is used.
    back = (
        None
        if hours.always_open or is_open(hours, now)
        else reopening_phrase(hours, now, state.get("timezone"), msgs=speaking(state, ctx.settings))
    )
    email = customer.email or next(iter(extracted.emails), None)
    if email:
        return Dispatch(decision, "offline_ticket", email, back)
    asked = bool(state.get("awaiting_email"))
    step, found = email_step(asked, state.get("incoming", "") if asked else "")
    if step == "ask":
        return Dispatch(decision, "ask_email", None, back)
    return Dispatch(decision, "offline_ticket", found, back, asked_for_email=step == "give_up")
