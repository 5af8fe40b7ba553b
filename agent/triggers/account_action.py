"""The account-action trigger: changes only an authenticated person can make.

Cancelling or changing an order, changing an address, card, email or password,
deleting an account, issuing a refund: the bot can explain the policy but must
not pretend to act, so these go to a person. Policy and how-to questions stay
with the bot (see the pack's description for where the line is drawn).
"""

from __future__ import annotations

from agent.state import TriggerHit
from agent.triggers.rules import first_match, pack_rules
from agent.triggers.text import Text


def check(text: Text) -> TriggerHit | None:
    """A hit naming the action requested (``cancel_order``, ``refund_request``, ...)."""
    found = first_match(pack_rules("account_action"), text.flat)
    if found is None:
        return None
    return TriggerHit(
        kind="account_action", reason=f"account action: {found.rule}", evidence=found.evidence[:200]
    )
