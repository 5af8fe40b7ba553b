"""The one email question before an offline ticket: asked once, never a form.

With no email on record, the bot asks once. Whatever comes back, the ticket is
created: with the address if the reply holds a valid one, else without it (and
the shopper is told the reply will come in this chat).
"""

from __future__ import annotations

import re
from typing import Literal

from agent.messages import ENGLISH, Messages

EMAIL_QUESTION = Messages(ENGLISH).text("email.question")
"""In English; the shopper hears it in their language (``email.question`` in agent/messages/)."""
NO_EMAIL_NOTE = Messages(ENGLISH).text("email.none")

# Candidates: anything around one "@" up to a space or a delimiter (so "mailto:" drops off).
_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"'@]+")
_LOCAL = re.compile(r"^[\w!#$%&*+/=?^`{|}~'-]+(?:\.[\w!#$%&*+/=?^`{|}~'-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_TRAILING = ".,!?;:)]}>'\""


def _ascii_domain(domain: str) -> str | None:
    """The domain in ASCII (IDNA), or None when it cannot be one."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253:
        return None
    if not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return None
    return ascii_domain


def valid_email(address: str) -> bool:
    """local@domain.tld: plus-addressing, subdomains and international domains welcome."""
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > 64 or len(address) > 254:
        return False
    return bool(_LOCAL.match(local)) and _ascii_domain(domain) is not None


def find_email(text: str) -> str | None:
    """The first valid email address written in ``text`` (domain lower-cased), else None."""
    for match in _CANDIDATE.finditer(text or ""):
        candidate = match.group(0).lstrip("'`").rstrip(_TRAILING)  # 'quoted' or o'brien@
        if valid_email(candidate):
            local, _, domain = candidate.rpartition("@")
            return f"{local}@{domain.lower()}"
    return None


def email_step(
    already_asked: bool, reply_text: str
) -> tuple[Literal["ask", "got", "give_up"], str | None]:
    """got: an address was written; ask: not yet asked; give_up: asked once already."""
    found = find_email(reply_text)
    if found:
        return "got", found
    return ("give_up", None) if already_asked else ("ask", None)
