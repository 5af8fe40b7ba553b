"""What a person promised the shopper, so the bot neither contradicts nor repeats it.

When a conversation comes back to the bot, every commitment the human agent
made (a refund, a replacement, a call back, a credit, a reshipment, an email)
is kept with who made it and when. A later question about the same thing gets
the person's own words back, not the knowledge base's general policy (which
may say "5 business days" where the agent promised "today") and not a second,
different promise.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from agent.claims import sentences
from agent.messages import ENGLISH, Messages

_KINDS: dict[str, tuple[str, str]] = {
    # kind: (what the agent says when promising, what the shopper says when asking about it)
    "refund": (r"refund(?:ed|ing)?|money back|reimburs\w+", r"refund\w*|money back|reimburs\w+"),
    "replacement": (
        r"replace(?:d|ment)?|send (?:you )?(?:a )?new one",
        r"replac\w+|new one|the other one",
    ),
    "callback": (
        r"call (?:you )?back|(?:give you|will) (?:a )?call|phone you|ring you",
        r"call(?:ed|back| back)?|phone|ring",
    ),
    "credit": (
        r"store credit|credit(?:ed)?|voucher|discount code|coupon",
        r"credit|voucher|code|coupon",
    ),
    "reshipment": (
        r"re-?ship(?:ped|ping)?|ship (?:it|a new one|another) (?:again|out)|send it again",
        r"ship\w*|deliver\w*|arriv\w+|parcel|package|tracking",
    ),
    "email": (r"e-?mail (?:you|it)|send you an e-?mail", r"e-?mail"),
}
_COMMITS = re.compile(
    r"\b(?:I|we)(?:'ve|'ll| have| will| just| already| can)?(?: also)?\b|\b(?:you'll|you will) (?:get|receive|see)\b",
    re.IGNORECASE,
)
_PROMISE = {k: re.compile(rf"\b(?:{said})\b", re.IGNORECASE) for k, (said, _) in _KINDS.items()}
_ASKS = {k: re.compile(rf"\b(?:{asked})\b", re.IGNORECASE) for k, (_, asked) in _KINDS.items()}


class Promise(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    text: str
    """The agent's own sentence."""
    agent: str
    at: str


def find_promises(text: str, agent: str, at: str) -> list[Promise]:
    """Each sentence in which the agent commits to something we track, once per kind."""
    found: dict[str, Promise] = {}
    for sentence in sentences(text):
        if not _COMMITS.search(sentence):
            continue
        for kind, pattern in _PROMISE.items():
            if kind not in found and pattern.search(sentence):
                found[kind] = Promise(kind=kind, text=sentence.strip(), agent=agent, at=at)
    return list(found.values())


def about_promise(message: str, promises: list[dict]) -> list[Promise]:
    """The promises a shopper's message is about (newest first)."""
    kept = [Promise(**p) for p in promises]
    return [p for p in reversed(kept) if _ASKS[p.kind].search(message)]


def reminder(promises: list[Promise], store_name: str, msgs: Messages | None = None) -> str:
    """The person's words back, with who and when, and the way to reach them again."""
    say = msgs or Messages(ENGLISH)
    lines = []
    for p in promises[:2]:
        when = _day(p.at)
        if when is None:
            line = say.text("promise.told", agent=p.agent, text=p.text)
        else:
            date = say.text("promise.date", month=say.text(f"month.{when.month}"), day=when.day)
            line = say.text("promise.told_on", agent=p.agent, date=date, text=p.text)
        lines.append(line if line.rstrip('”»“"').endswith((".", "!", "?")) else f"{line}.")
    return " ".join([*lines, say.text("promise.stands", store=store_name)])


def _day(at: str) -> datetime | None:
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        return None
