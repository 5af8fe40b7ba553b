"""Handoff conversion: did conversations that reached a person end in a purchase, against
conversations the bot handled alone?

Two cohorts of the window's conversations (a conversation is one with a start, an answer
or a handoff in the window):

- **after a handoff**: the conversation had a handoff, and a purchase recorded for it at
  or after its first handoff counts;
- **bot only**: no handoff, and any purchase recorded for it counts.

Per cohort: conversations, those converted (a rate), purchases counted and their value per
currency (currencies are never added together). With no commerce outcome recorded in the
window at all the whole section is None ("missing"): a store that never reports purchases
has an unknown conversion, not 0 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.errors import InputError
from agent.metrics.events import (
    BotAnswered,
    CommerceOutcome,
    ConversationStarted,
    Event,
    Handoff,
    OutcomeKind,
)
from agent.metrics.stats import Rate

OUTCOME_KINDS: tuple[str, ...] = get_args(OutcomeKind)


class Cohort(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    converted: Rate
    """Conversations with a purchase ÷ the cohort's conversations."""
    purchases: int
    value: dict[str, float]
    """Those purchases' value by currency (``{"EUR": 129.0}``); purchases without a value
    count in ``purchases`` only."""


class Conversion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    outcomes: int
    """Commerce outcomes of any kind recorded in the window."""
    after_handoff: Cohort
    bot_only: Cohort


def _cohort(cids: set[str], purchases: dict[str, list[CommerceOutcome]],
            after: dict[str, datetime]) -> Cohort:  # fmt: skip
    counted = [
        p for cid in cids for p in purchases.get(cid, []) if cid not in after or p.at >= after[cid]
    ]
    value: dict[str, float] = defaultdict(float)
    for p in counted:
        if p.value is not None and p.currency:
            value[p.currency] += p.value
    converted = {p.conversation_id for p in counted}
    return Cohort(
        converted=Rate(count=len(converted), total=len(cids)),
        purchases=len(counted),
        value={c: round(v, 2) for c, v in sorted(value.items())},
    )


def conversion(window: Sequence[Event]) -> Conversion | None:
    """The two cohorts of ``window`` (events oldest first); None when no outcome was recorded."""
    outcomes = [e for e in window if isinstance(e, CommerceOutcome)]
    if not outcomes:
        return None
    talks = {e.conversation_id for e in window if isinstance(e, ConversationStarted | BotAnswered)}
    first_handoff: dict[str, datetime] = {}
    for e in window:
        if isinstance(e, Handoff):
            first_handoff.setdefault(e.conversation_id, e.at)
    purchases: dict[str, list[CommerceOutcome]] = defaultdict(list)
    for o in outcomes:
        if o.kind == "purchase":
            purchases[o.conversation_id].append(o)
    handed = set(first_handoff)
    return Conversion(
        outcomes=len(outcomes),
        after_handoff=_cohort(handed, purchases, first_handoff),
        bot_only=_cohort(talks - handed, purchases, {}),
    )


def make_outcome(
    conversation_id: str,
    kind: object,
    *,
    value: object = None,
    currency: object = None,
    at: object,
    order_id: object = None,
) -> CommerceOutcome:
    """A validated outcome event, or an InputError saying what is wrong."""
    if kind not in OUTCOME_KINDS:
        raise InputError(f"kind must be one of {', '.join(OUTCOME_KINDS)}, not {kind!r}")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise InputError(f"value must be a number, not {value!r}")
    fields: dict[str, Any] = {"conversation_id": conversation_id, "kind": kind, "at": at}
    if isinstance(currency, str):
        currency = currency.strip().upper()
    fields |= {"value": value, "currency": currency, "order_id": order_id}
    try:
        return CommerceOutcome(**fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'outcome'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"invalid outcome: {problems}") from exc
