"""What the shopper is told when a person takes over: who, how long, what to do meanwhile."""

from __future__ import annotations

from agent.messages import Messages
from agent.package import ShopperMessages
from agent.settings import Settings, _default_queues

# Where waiting could hurt someone, the useful thing to do meanwhile is safety first.
_SAFETY_FIRST = (
    "self_harm",
    "medical_emergency",
    "allergic_reaction",
    "battery",
    "fire",
    "reaction",
)


def _meanwhile(settings: Settings, topics: list[str], say: Messages) -> str:
    for key in _SAFETY_FIRST:
        if any(key in t for t in topics):
            return say.text(f"safety.{key}")
    return say.text("handoff.while_you_wait") or settings.handoff.while_you_wait


def team_name(settings: Settings, queue: str, say: Messages) -> str:
    """The queue's team as the shopper hears it: a built-in team in the shopper's language;
    a team the store named itself as written."""
    team = settings.handoff.queues[queue].team
    default = _default_queues().get(queue)
    if default is not None and default.team == team and say.has(f"team.{queue}"):
        return say.text(f"team.{queue}")
    return team


def _offline_wait(
    settings: Settings, email: str | None, when: str | None, ask_email: bool, say: Messages
) -> str:
    if when == say.text("when.asap"):
        back = say.text("handoff.back_asap", when=when)
    elif when:
        back = say.text("handoff.back_at", when=when)
    else:
        back = say.text("handoff.back_within", hours=settings.handoff.offline_reply_hours)
    if ask_email:
        return say.text("handoff.reply_then_ask", back=back, question=say.text("email.question"))
    if email:
        return say.text("handoff.reply_by_email", email=email, back=back)
    return say.text("handoff.reply_in_chat", back=back)


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
    msgs: Messages | None = None,
) -> ShopperMessages:
    """Live: confirmation, the wait (position and window from the queue board), something to
    do meanwhile. Off shift: the ticket, when the team is back, and (no email yet) one question.

    ``when``: live, the board's wait phrase; offline, the next opening ("tomorrow at 9 AM"),
    both already in the shopper's language (``msgs``; default: the store's).
    """
    say = msgs or settings.language.catalogue(None)
    q = settings.handoff.queues[queue]
    first = (name or "").split()
    hello = say.text("handoff.hello_named", name=first[0]) if first else say.text("handoff.hello")
    team = team_name(settings, queue, say)
    if online:
        minutes = q.wait_minutes
        usual = (
            say.text("handoff.usual_wait_few")
            if minutes <= 2
            else say.text("handoff.usual_wait", minutes=minutes)
        )
        return ShopperMessages(
            mode="live",
            confirmation=say.text("handoff.live", hello=hello, team=team),
            wait=when or usual,
            meanwhile=_meanwhile(settings, topics, say),
        )
    return ShopperMessages(
        mode="offline_ticket",
        confirmation=say.text("handoff.offline", hello=hello, ticket=ticket, team=team),
        wait=_offline_wait(settings, email, when, ask_email, say),
        meanwhile=_meanwhile(settings, topics, say),
    )
