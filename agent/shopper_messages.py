"""What the shopper is told when a person takes over: who, how long, what to do meanwhile."""

from __future__ import annotations

from agent.ops.email_ask import EMAIL_QUESTION
from agent.package import ShopperMessages
from agent.settings import Settings

# Where waiting could hurt someone, the useful thing to do meanwhile is safety first.
_SAFETY_FIRST = {
    "self_harm": "If you are thinking about harming yourself, please contact your local emergency number or a crisis line now; you don't have to wait for us.",
    "medical_emergency": "If this is a medical emergency, please call your local emergency number now.",
    "allergic_reaction": "If you have trouble breathing or swelling of the face or throat, call your local emergency number now. Otherwise, please stop using the product.",
    "battery": "Please stop using and charging the device, unplug it, and keep it away from anything flammable.",
    "fire": "Please stop using the product, unplug it if it is safe to do so, and keep away from smoke.",
    "reaction": "Please stop using the product and rinse the area with cool water.",
}  # fmt: skip


def _meanwhile(settings: Settings, topics: list[str]) -> str:
    for key, text in _SAFETY_FIRST.items():
        if any(key in t for t in topics):
            return text
    return settings.handoff.while_you_wait


def shopper_messages(
    settings: Settings,
    queue: str,
    online: bool,
    ticket: str,
    name: str | None,
    email: str | None,
    topics: list[str],
    *,
    when: str | None = None,
    ask_email: bool = False,
) -> ShopperMessages:
    """Live: confirmation, the wait (position and window from the queue board), something to
    do meanwhile. Off shift: the ticket, when the team is back, and (no email yet) one question.

    ``when``: live, the board's wait phrase; offline, the next opening ("tomorrow at 9 AM").
    """
    q = settings.handoff.queues[queue]
    first = (name or "").split()
    hello = f"Thanks, {first[0]}. " if first else "Thanks. "
    if online:
        minutes = "a few minutes" if q.wait_minutes <= 2 else f"about {q.wait_minutes} minutes"
        return ShopperMessages(
            mode="live",
            confirmation=f"{hello}I'm passing this conversation to {q.team} now. They will see everything you've told me, so you won't need to repeat anything.",
            wait=when or f"The usual wait right now is {minutes}.",
            meanwhile=_meanwhile(settings, topics),
        )
    back = (
        f"when the team is back, {when}"
        if when and when.startswith("as soon")
        else f"{when}, when the team is back"
        if when
        else f"within {settings.handoff.offline_reply_hours} hours"
    )
    if ask_email:
        wait = f"They'll reply {back}. {EMAIL_QUESTION}"
    else:
        where = f"by email at {email}" if email else "here in this chat"
        wait = f"You'll hear back {where} {back}."
    return ShopperMessages(
        mode="offline_ticket",
        confirmation=f"{hello}Our team is offline right now, so I've opened ticket {ticket} for {q.team} with everything you've told me.",
        wait=wait,
        meanwhile=_meanwhile(settings, topics),
    )
